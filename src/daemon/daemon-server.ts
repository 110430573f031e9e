/**
 * The daemon's side of the UI socket: accepts attached UIs on a Unix socket (mode 0600 in the profile's 0700 runtime
 * directory), runs their actions on the engine, and pushes every batched ChangeSet with the in-memory state it
 * touched to all of them. A UI that goes away changes nothing for the engine: connections stay up, the outbox keeps
 * sending.
 *
 * Dispatches are idempotent per (UI, dispatch id): a UI that lost the link re-sends what was unanswered, and the
 * daemon answers from the first run instead of running it again (a message typed once is sent once).
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Action, ActionResult } from '../core/actions.js';
import type { ChangeSet, EngineApi } from '../core/engine-api.js';
import { userMessageOf } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import {
  encodeFrame, FrameError, LineDecoder, PROTOCOL_VERSION, versionMismatch,
  type ClientFrame, type DaemonFrame, type LiveDelta, type LiveState, type Transfer,
} from './protocol.js';

/** What the daemon needs from the engine beyond the EngineApi: the in-memory state attached UIs cannot read. */
export interface DaemonEngine extends EngineApi {
  accountIds(): string[];
  selfOf(accountId: string): string | undefined;
  transfersIn(conversationId: string): Record<string, Transfer>;
}

export interface DaemonServerOptions {
  engine: DaemonEngine;
  socketPath: string;
  /** natter's version; UIs of another version are refused. */
  version: string;
  log: Logger;
  /** A UI asked the daemon to stop. */
  onStopRequest?(reason: string): void;
  /** How long dispatch results are kept for UIs that reconnect and ask again. */
  resultTtlMs?: number;
}

/** A UI whose unread output grows past this is dropped; it reconnects and re-reads everything. */
const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;
const HELLO_TIMEOUT_MS = 10_000;

interface Client {
  socket: Socket;
  id?: string;
  /** The UI's last `activity` report (undefined until it sends one: a new UI counts as active). */
  active: boolean;
}

export class DaemonServer {
  readonly instance = randomUUID();
  private server: Server | undefined;
  private readonly clients = new Set<Client>();
  private readonly results = new Map<string, Promise<ActionResult>>();
  private unsubscribe: (() => void) | undefined;
  private engineActive: boolean | undefined;

  constructor(private readonly options: DaemonServerOptions) {}

  /** Number of UIs attached now (after their handshake). */
  get attached(): number {
    return [...this.clients].filter((c) => c.id !== undefined).length;
  }

  /**
   * Listens on the socket. A socket file left by a dead daemon is removed (the caller holds the profile lock, so no
   * live daemon of this profile can own it); the new socket is created under umask 0177, so it is never reachable
   * by others, and chmod 0600 makes sure.
   */
  async listen(): Promise<void> {
    const path = this.options.socketPath;
    // sun_path holds 108 bytes on Linux (104 on BSDs) including the terminating NUL.
    if (Buffer.byteLength(path) > 103) {
      throw new Error(`the socket path ${path} is too long for a Unix socket; set XDG_RUNTIME_DIR or NATTER_HOME to a shorter directory`);
    }
    if (existsSync(path)) {
      if (await answers(path)) throw new Error(`another daemon answers on ${path}`);
      unlinkSync(path);
    }
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const umask = process.umask(0o177);
      try {
        server.listen(path, () => {
          server.removeListener('error', reject);
          resolve();
        });
      } finally {
        process.umask(umask);
      }
    });
    chmodSync(path, 0o600);
    server.on('error', (error) => this.options.log.error('daemon socket error', error));
    this.unsubscribe = this.options.engine.subscribe((changes) => this.broadcast(changes));
    this.updateActivity();
    this.options.log.info(`daemon listening on ${path}`);
  }

  /** Tells every UI that the daemon stops, closes the socket and removes its file. */
  async close(reason: string): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const c of this.clients) {
      if (c.id !== undefined) this.send(c, { t: 'stopping', reason });
      c.socket.end();
    }
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of this.clients) c.socket.destroySoon();
        setTimeout(() => {
          for (const c of this.clients) c.socket.destroy();
        }, 1000).unref();
      });
    }
    try {
      unlinkSync(this.options.socketPath);
    } catch {
      // already gone (server.close removes it on some platforms)
    }
  }

  private accept(socket: Socket): void {
    const client: Client = { socket, active: true };
    this.clients.add(client);
    const decoder = new LineDecoder<ClientFrame>();
    const helloTimer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    helloTimer.unref();
    socket.on('data', (data: Buffer) => {
      let frames: ClientFrame[];
      try {
        frames = decoder.push(data);
      } catch (error) {
        this.options.log.warn(`dropping a UI connection: ${error instanceof FrameError ? error.message : String(error)}`);
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        // `stop` needs no handshake, so a natter of another version can stop this one (upgrades).
        if (client.id === undefined && frame.t !== 'hello' && frame.t !== 'stop') {
          socket.destroy();
          return;
        }
        this.onFrame(client, frame, helloTimer);
      }
    });
    socket.on('error', (error) => this.options.log.debug('UI connection error', error.message));
    socket.on('close', () => {
      clearTimeout(helloTimer);
      this.clients.delete(client);
      if (client.id !== undefined) this.options.log.info(`a UI detached (${this.attached} attached)`);
      this.updateActivity();
    });
  }

  private onFrame(client: Client, frame: ClientFrame, helloTimer: NodeJS.Timeout): void {
    switch (frame.t) {
      case 'hello': {
        if (client.id !== undefined) return;
        clearTimeout(helloTimer);
        const version = typeof frame.version === 'string' ? frame.version : 'unknown';
        if (version !== this.options.version || frame.protocol !== PROTOCOL_VERSION) {
          const error = versionMismatch(version, this.options.version);
          this.options.log.warn(`refused a UI: ${error}`);
          this.send(client, { t: 'refused', protocol: PROTOCOL_VERSION, version: this.options.version, error: error ?? 'refused' });
          client.socket.end();
          return;
        }
        client.id = typeof frame.client === 'string' && frame.client ? frame.client : randomUUID();
        this.send(client, {
          t: 'welcome', protocol: PROTOCOL_VERSION, version: this.options.version, pid: process.pid, instance: this.instance, live: this.liveState(),
        });
        this.options.log.info(`a UI attached (${this.attached} attached)`);
        this.updateActivity();
        return;
      }
      case 'dispatch':
        this.onDispatch(client, frame.id, frame.action);
        return;
      case 'stop':
        this.options.log.info('a UI asked the daemon to stop');
        this.options.onStopRequest?.(typeof frame.reason === 'string' ? frame.reason : 'natter daemon stopped');
        return;
    }
  }

  private onDispatch(client: Client, id: string, action: Action): void {
    const key = `${client.id}/${String(id)}`;
    let result = this.results.get(key);
    if (!result) {
      result = this.run(client, action);
      this.results.set(key, result);
      const ttl = this.options.resultTtlMs ?? 10 * 60_000;
      void result.finally(() => setTimeout(() => this.results.delete(key), ttl).unref());
    }
    const clientId = client.id;
    void result.then((r) => {
      // Answer on the UI's current connection: it may have reconnected while the action ran.
      const current = [...this.clients].find((c) => c.id === clientId) ;
      if (current) this.send(current, { t: 'result', id, result: r });
    });
  }

  private async run(client: Client, action: Action): Promise<ActionResult> {
    if (typeof action !== 'object' || action === null || typeof action.type !== 'string') return { ok: false, error: 'not an action' };
    // Quitting a UI detaches it; the daemon and its connections stay (`natter daemon --stop` ends them).
    if (action.type === 'quit') return { ok: true };
    if (action.type === 'activity') {
      client.active = action.active === true;
      this.updateActivity();
      return { ok: true };
    }
    try {
      return await this.options.engine.dispatch(action);
    } catch (error) {
      return { ok: false, error: userMessageOf(error) };
    }
  }

  /** The user counts as active while any attached UI says so; with no UI attached, nobody is reading (idle). */
  private updateActivity(): void {
    if (!this.server) return;
    const active = [...this.clients].some((c) => c.id !== undefined && c.active);
    if (active === this.engineActive) return;
    this.engineActive = active;
    void this.options.engine.dispatch({ type: 'activity', active });
  }

  private broadcast(changes: ChangeSet): void {
    const attached = [...this.clients].filter((c) => c.id !== undefined);
    if (attached.length === 0) return;
    const frame: DaemonFrame = { t: 'changes', changes, live: this.liveDelta(changes) };
    for (const c of attached) this.send(c, frame);
  }

  private liveState(): LiveState {
    const engine = this.options.engine;
    const typing: LiveState['typing'] = {};
    const transfers: LiveState['transfers'] = {};
    for (const c of engine.conversations()) {
      const names = engine.typing(c.id);
      if (names.length) typing[c.id] = names;
      const t = engine.transfersIn(c.id);
      if (Object.keys(t).length) transfers[c.id] = t;
    }
    return { status: engine.status() ?? null, selves: this.selves(), typing, transfers };
  }

  private liveDelta(changes: ChangeSet): LiveDelta {
    const engine = this.options.engine;
    const live: LiveDelta = {};
    if (changes.status) live.status = engine.status() ?? null;
    if (changes.accounts) live.selves = this.selves();
    if (changes.typing.length) live.typing = Object.fromEntries(changes.typing.map((id) => [id, engine.typing(id)]));
    if (changes.timelines.length) live.transfers = Object.fromEntries(changes.timelines.map((id) => [id, engine.transfersIn(id)]));
    return live;
  }

  private selves(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const id of this.options.engine.accountIds()) {
      const self = this.options.engine.selfOf(id);
      if (self !== undefined) out[id] = self;
    }
    return out;
  }

  private send(client: Client, frame: DaemonFrame): void {
    if (client.socket.destroyed) return;
    if (client.socket.writableLength > MAX_BACKLOG_BYTES) {
      this.options.log.warn('dropping a UI that does not read (it re-reads everything when it reconnects)');
      client.socket.destroy();
      return;
    }
    client.socket.write(encodeFrame(frame));
  }
}

/** Whether something accepts connections on the Unix socket `path`. */
export function answers(path: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
