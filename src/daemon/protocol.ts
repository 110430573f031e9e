/**
 * The daemon ↔ UI protocol: JSON lines (one UTF-8 JSON object per `\n`-terminated line) over the daemon's Unix socket.
 *
 * The attached UI reads messages, conversations, members and search results straight from the profile's database,
 * opened read-only (SQLite WAL lets readers run beside the daemon's writer). The socket carries what the database
 * does not hold: actions and their results, the batched ChangeSets that tell the UI what to re-read, and the engine's
 * in-memory state (the status line, own names, who is typing, upload progress). See docs/architecture.md, "Daemon".
 *
 * Handshake: the UI sends `hello` first; the daemon answers `welcome` (with the whole in-memory state) or `refused`.
 * Both sides require the same natter version, because the UI reads the daemon's database schema and in-memory shapes
 * directly; the message tells the user what to do.
 */
import type { Action, ActionResult } from '../core/actions.js';
import type { ChangeSet, StatusMessage } from '../core/engine-api.js';

/** Bumped when the frames below change shape. */
export const PROTOCOL_VERSION = 1;

/** Longest line either side accepts (a search result set or a help list is far smaller). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface Transfer {
  sent: number;
  total: number;
}

/** The engine's in-memory view state that an attached UI cannot read from the database. */
export interface LiveState {
  status: StatusMessage | null;
  /** Own name per account id. */
  selves: Record<string, string>;
  /** Names typing, per conversation id (conversations with nobody typing are absent). */
  typing: Record<string, string[]>;
  /** Upload progress of own pending messages: conversation id → message id → progress. */
  transfers: Record<string, Record<string, Transfer>>;
}

/** The parts of {@link LiveState} a ChangeSet touched: each present key replaces the UI's copy of that part. */
export interface LiveDelta {
  status?: StatusMessage | null;
  selves?: Record<string, string>;
  /** Per conversation named in `changes.typing`. */
  typing?: Record<string, string[]>;
  /** Per conversation named in `changes.timelines`. */
  transfers?: Record<string, Record<string, Transfer>>;
}

export type ClientFrame =
  /** First frame of a UI. `client` is random per UI process; dispatch ids are unique within it. */
  | { t: 'hello'; protocol: number; version: string; client: string }
  /** Run an action. A dispatch re-sent after a reconnect with the same id runs once; its result comes again. */
  | { t: 'dispatch'; id: string; action: Action }
  /** Ask the daemon to stop (closes every connection). Accepted without a hello: this frame never changes. */
  | { t: 'stop'; reason?: string };

export type DaemonFrame =
  /** `instance` is random per daemon process: a UI that reconnects to another instance knows the daemon restarted. */
  | { t: 'welcome'; protocol: number; version: string; pid: number; instance: string; live: LiveState }
  | { t: 'refused'; protocol: number; version: string; error: string }
  | { t: 'result'; id: string; result: ActionResult }
  | { t: 'changes'; changes: ChangeSet; live: LiveDelta }
  /** The daemon is shutting down (`natter daemon --stop`, SIGTERM). */
  | { t: 'stopping'; reason: string };

/**
 * Why a UI of `uiVersion` cannot attach to a daemon of `daemonVersion` (speaking `daemonProtocol`), or undefined when
 * it can. The UI reads the daemon's database and state directly, so the natter versions must be the same.
 */
export function versionMismatch(uiVersion: string, daemonVersion: string, daemonProtocol = PROTOCOL_VERSION): string | undefined {
  if (uiVersion === daemonVersion && daemonProtocol === PROTOCOL_VERSION) return undefined;
  return `natter ${uiVersion} UI cannot attach to a natter ${daemonVersion} daemon: restart the daemon ` +
    '(`natter daemon --stop`, then `natter daemon`)';
}

/** One frame as a line. JSON.stringify escapes every `\n` inside strings, so a frame never spans lines. */
export function encodeFrame(frame: ClientFrame | DaemonFrame): string {
  return `${JSON.stringify(frame)}\n`;
}

export class FrameError extends Error {}

/**
 * Splits a byte stream into frames. Bytes are kept until their line is complete, so a multi-byte UTF-8 character
 * split across reads is decoded whole. A line over {@link MAX_LINE_BYTES}, or one that is not a JSON object with a
 * string `t`, throws {@link FrameError} (the caller drops the connection: the stream cannot be trusted after that).
 */
export class LineDecoder<F extends { t: string }> {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  push(data: Buffer): F[] {
    const out: F[] = [];
    let start = 0;
    for (let nl = data.indexOf(0x0a, start); nl !== -1; nl = data.indexOf(0x0a, start)) {
      const part = data.subarray(start, nl);
      this.check(part.length);
      const line = this.chunks.length ? Buffer.concat([...this.chunks, part]) : part;
      this.chunks = [];
      this.size = 0;
      start = nl + 1;
      if (line.length > 0) out.push(parseFrame<F>(line));
    }
    if (start < data.length) {
      const rest = data.subarray(start);
      this.check(rest.length);
      this.chunks.push(Buffer.from(rest));
      this.size += rest.length;
    }
    return out;
  }

  private check(more: number): void {
    if (this.size + more > this.maxBytes) throw new FrameError(`a frame longer than ${this.maxBytes} bytes`);
  }
}

function parseFrame<F extends { t: string }>(line: Buffer): F {
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    throw new FrameError('a frame that is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { t?: unknown }).t !== 'string') {
    throw new FrameError('a frame without a type');
  }
  return value as F;
}
