/**
 * The UI's side of the daemon socket: the handshake, actions out and their results back, pushed changes in, and a
 * link that comes back by itself. Nothing handed to {@link DaemonLink.dispatch} is dropped silently:
 * - while the link is down, actions wait and go out when it is back;
 * - an action written before the link dropped is sent again with the same id; the same daemon runs it once and
 *   answers from its first run;
 * - if the daemon restarted meanwhile (another instance answers), such an action may or may not have run, so it is
 *   answered with an error that says so and names it, instead of being run twice or forgotten;
 * - closing the UI with actions still unanswered reports them ({@link DaemonLink.unanswered}).
 */
import { connect, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Action, ActionResult } from '../core/actions.js';
import { NatterError } from '../core/errors.js';
import {
  encodeFrame, LineDecoder, PROTOCOL_VERSION, versionMismatch,
  type ClientFrame, type DaemonFrame,
} from './protocol.js';

export type Welcome = Extract<DaemonFrame, { t: 'welcome' }>;
export type Changes = Extract<DaemonFrame, { t: 'changes' }>;

/** Where the link stands, for the UI's status line. */
export type LinkState =
  | { state: 'attached'; welcome: Welcome; again: boolean }
  | { state: 'lost'; reason: string; waiting: number }
  | { state: 'refused'; error: string };

export interface DaemonLinkOptions {
  socketPath: string;
  /** natter's version, sent in the hello. */
  version: string;
  onChanges(frame: Changes): void;
  onState(state: LinkState): void;
  /** Delay before reconnect attempt `n` (0-based); default 200 ms doubling up to 3 s. */
  retryDelay?(attempt: number): number;
}

/** The daemon refused the UI (another natter version), or none answers. */
export class AttachError extends NatterError {}

interface Pending {
  id: string;
  action: Action;
  /** The daemon instance it was written to, if any (it may have run there). */
  sentTo?: string;
  resolve(result: ActionResult): void;
}

const EPHEMERAL: ReadonlySet<Action['type']> = new Set(['typing', 'activity', 'mark-read']);

const HANDSHAKE_TIMEOUT_MS = 15_000;

const defaultDelay = (attempt: number): number => Math.min(200 * 2 ** attempt, 3000);

export class DaemonLink {
  private readonly client = randomUUID();
  private socket: Socket | undefined;
  private instance: string | undefined;
  private ready = false;
  private closed = false;
  private next = 0;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<string, Pending>();
  /** Why the link is down, for the status line while reconnect attempts fail. */
  private lostReason = 'the link to the natter daemon was lost';
  private stoppedReason = false;

  private constructor(private readonly options: DaemonLinkOptions) {}

  /**
   * Connects and shakes hands. Rejects with {@link AttachError} when no daemon answers on the socket or the daemon
   * refuses (its message says why, e.g. another natter version). Later drops reconnect by themselves.
   */
  static async open(options: DaemonLinkOptions): Promise<{ link: DaemonLink; welcome: Welcome }> {
    const link = new DaemonLink(options);
    const welcome = await link.handshake();
    return { link, welcome };
  }

  /** Runs an action on the daemon; resolves with its result (see the class comment for link drops). */
  dispatch(action: Action): Promise<ActionResult> {
    if (this.closed) return Promise.resolve({ ok: false, error: 'the UI is detached from the natter daemon' });
    if (!this.ready) {
      // Ephemeral state is not worth delivering late: a typing notice would be stale, and only the last activity
      // report matters.
      if (action.type === 'typing') return Promise.resolve({ ok: true });
      if (action.type === 'activity') {
        for (const p of this.pending.values()) {
          if (p.action.type === 'activity' && p.sentTo === undefined) {
            this.pending.delete(p.id);
            p.resolve({ ok: true });
          }
        }
      }
    }
    return new Promise((resolve) => {
      const p: Pending = { id: String(++this.next), action, resolve };
      this.pending.set(p.id, p);
      if (this.ready) this.write(p);
    });
  }

  /** Asks the daemon to stop. */
  requestStop(reason?: string): void {
    if (this.socket && this.ready) this.socket.write(encodeFrame({ t: 'stop', ...(reason ? { reason } : {}) }));
  }

  /** Actions not answered yet, except ephemeral ones (typing, activity, read markers) nobody needs to hear about. */
  unanswered(): Action[] {
    return [...this.pending.values()].map((p) => p.action).filter((a) => !EPHEMERAL.has(a.type));
  }

  /** Detaches: closes the socket and stops reconnecting. Unanswered actions resolve with an error. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.end();
    this.socket?.destroy();
    for (const p of this.pending.values()) p.resolve({ ok: false, error: 'the UI detached before the daemon answered' });
    this.pending.clear();
  }

  private write(p: Pending): void {
    p.sentTo = this.instance;
    this.socket?.write(encodeFrame({ t: 'dispatch', id: p.id, action: p.action }));
  }

  /** One connection attempt: resolves on `welcome`; afterwards frames flow to the handlers. */
  private handshake(): Promise<Welcome> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.options.socketPath);
      const decoder = new LineDecoder<DaemonFrame>();
      let welcomed = false;
      let settled = false;
      const fail = (error: Error) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        reject(error);
      };
      // A daemon that accepts but never answers (hung, or not natter) must not leave the UI waiting forever.
      const timer = setTimeout(() => {
        fail(new AttachError(`the natter daemon did not answer on ${this.options.socketPath} within ${HANDSHAKE_TIMEOUT_MS / 1000} s`));
        socket.destroy();
      }, HANDSHAKE_TIMEOUT_MS);
      socket.once('connect', () => {
        const hello: ClientFrame = { t: 'hello', protocol: PROTOCOL_VERSION, version: this.options.version, client: this.client };
        socket.write(encodeFrame(hello));
      });
      socket.on('data', (data: Buffer) => {
        let frames: DaemonFrame[];
        try {
          frames = decoder.push(data);
        } catch (error) {
          socket.destroy(error as Error);
          return;
        }
        for (const frame of frames) {
          if (!welcomed) {
            if (frame.t === 'refused') {
              const error = typeof frame.error === 'string' ? frame.error : versionMismatch(this.options.version, String(frame.version)) ?? 'refused';
              fail(new AttachError(error));
              socket.destroy();
              return;
            }
            if (frame.t !== 'welcome') continue;
            const mismatch = versionMismatch(this.options.version, frame.version, frame.protocol);
            if (mismatch) {
              fail(new AttachError(mismatch));
              socket.destroy();
              return;
            }
            welcomed = true;
            settled = true;
            clearTimeout(timer);
            this.onWelcome(socket, frame);
            resolve(frame);
            continue;
          }
          this.onFrame(frame);
        }
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (!welcomed) {
          fail(error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
            ? new AttachError(`no natter daemon runs for this profile (nothing answers on ${this.options.socketPath}); start one with \`natter daemon\``, { cause: error })
            : new AttachError(`cannot reach the natter daemon: ${error.message}`, { cause: error }));
        }
      });
      socket.on('close', () => {
        fail(new AttachError('the natter daemon closed the connection during the handshake'));
        if (welcomed && this.socket === socket) this.lost('the link to the natter daemon was lost');
      });
    });
  }

  private onWelcome(socket: Socket, welcome: Welcome): void {
    const again = this.instance !== undefined;
    const restarted = again && this.instance !== welcome.instance;
    this.socket = socket;
    this.instance = welcome.instance;
    this.ready = true;
    this.attempt = 0;
    for (const p of [...this.pending.values()]) {
      if (restarted && p.sentTo !== undefined) {
        // It reached the previous daemon, which may have run it before it ended: do not run it twice, say so.
        this.pending.delete(p.id);
        p.resolve({ ok: false, error: `the natter daemon restarted before it confirmed ${describe(p.action)}; check whether it took effect and repeat it if not` });
      } else {
        this.write(p);
      }
    }
    this.options.onState({ state: 'attached', welcome, again });
  }

  private onFrame(frame: DaemonFrame): void {
    switch (frame.t) {
      case 'result': {
        const p = this.pending.get(frame.id);
        if (!p) return;
        this.pending.delete(frame.id);
        p.resolve(frame.result);
        return;
      }
      case 'changes':
        this.options.onChanges(frame);
        return;
      case 'stopping':
        this.ready = false;
        this.lostReason = 'the natter daemon stopped';
        this.stoppedReason = true;
        this.options.onState({ state: 'lost', reason: this.lostReason, waiting: this.pending.size });
        return;
      default:
        return;
    }
  }

  private lost(reason: string): void {
    this.ready = false;
    if (!this.stoppedReason) this.lostReason = reason;
    this.stoppedReason = false;
    this.socket = undefined;
    if (this.closed) return;
    this.options.onState({ state: 'lost', reason, waiting: this.pending.size });
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    const delay = (this.options.retryDelay ?? defaultDelay)(this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.handshake().catch((error: unknown) => {
        if (this.closed) return;
        if (error instanceof AttachError && /cannot attach/.test(error.message)) {
          // Another natter version took over the profile: this UI cannot follow it.
          this.options.onState({ state: 'refused', error: error.message });
          for (const p of this.pending.values()) p.resolve({ ok: false, error: error.message });
          this.pending.clear();
          return;
        }
        this.options.onState({ state: 'lost', reason: this.lostReason, waiting: this.pending.size });
        this.scheduleRetry();
      });
    }, delay);
  }
}

/** An action in a few words for an error message ("sending "hello wor…""). */
export function describe(action: Action): string {
  const text = 'body' in action && typeof action.body === 'string' ? action.body : undefined;
  if (text !== undefined) {
    const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    return `${action.type === 'send' ? 'sending' : `/${action.type}`} "${short}"`;
  }
  return `/${action.type}`;
}
