/**
 * The IRC adapter: irc-framework underneath for the socket, line parsing, capability negotiation, SASL and keepalive;
 * the adapter's own handlers (events/*) turn lines into contract events. It owns reconnects (exponential backoff with
 * jitter, reconnect.ts), flood control (flood.ts), labeled sends with echo confirmation (send.ts, outgoing.ts) and
 * CHATHISTORY paging (history.ts).
 *
 * This file holds the connection lifecycle (connect, registration, close and reconnect, stop) and the Adapter methods;
 * the client's construction is in framework-client.ts, capabilities in capabilities.ts, line building in lines.ts and
 * typing notifications in typing.ts.
 */
import {
  SendRejected,
  type Adapter,
  type AdapterContext,
  type AdapterEvent,
  type Capabilities,
  type HistoryPage,
  type OutgoingMessage,
  type SendResult,
} from '../../src/core/contract.js';
import { CommandError } from '../../src/core/errors.js';
import { registerSecret, silentLogger, type Logger } from '../../src/core/logger.js';
import type { ConnectionState } from '../../src/core/model.js';
import { proxyFromContext, proxyLabel, type ProxyConfig } from '../../src/core/net/proxy.js';
import { baseCapabilities, maxBody, sessionCapabilities } from './capabilities.js';
import { foldCase } from './casemapping.js';
import { describeClose } from './close-reason.js';
import { runCommand } from './commands.js';
import { dispatch } from './events/index.js';
import { FloodBucket } from './flood.js';
import { createClient, disposeSocket, type IrcClient } from './framework-client.js';
import { HistoryRequests, historyReference } from './history.js';
import { clean, joinLines, tagValue } from './lines.js';
import { fallbackNick, parseChannelSpec, readOptions, type ChannelSpec, type IrcOptions } from './options.js';
import { OutgoingTracker } from './outgoing.js';
import { ReconnectBackoff } from '../../src/core/backoff.js';
import { sendMessage } from './send.js';
import { IrcSession, type BatchState, type IrcLine, type SessionHooks } from './session.js';
import { TypingNotifier } from './typing.js';

const REGISTRATION_TIMEOUT_MS = 60_000;
/** Servers without a MOTD end that we recognise still count as online after this long past RPL_WELCOME. */
const WELCOME_GRACE_MS = 3_000;

export class IrcAdapter implements Adapter {
  readonly protocol = 'irc' as const;
  capabilities: Capabilities = baseCapabilities();

  private ctx?: AdapterContext;
  private opts?: IrcOptions;
  private log: Logger = silentLogger;
  private password?: string;
  private client?: IrcClient;
  private session?: IrcSession;
  private rawWrite?: (line: string, cb?: () => void) => boolean;
  private bucket = new FloodBucket(5, 500);
  private out = new OutgoingTracker((s) => this.normalize(s));
  private hist = new HistoryRequests((s) => this.normalize(s));
  /** Channels to (re)join on every connection, by folded name. */
  private readonly wanted = new Map<string, ChannelSpec>();
  private stopping = false;
  /** The account's SOCKS5 proxy (`proxy` in the config), when it has one. */
  private proxy?: ProxyConfig;
  private readonly backoff = new ReconnectBackoff();
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private registrationTimer?: ReturnType<typeof setTimeout>;
  private welcomeTimer?: ReturnType<typeof setTimeout>;
  private closedWaiter?: () => void;
  private lastState?: ConnectionState;
  private readonly typing = new TypingNotifier();

  async start(ctx: AdapterContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log.child('irc');
    this.opts = readOptions(ctx.config);
    this.password = await ctx.secret('password');
    registerSecret(this.password);
    this.proxy = await proxyFromContext(ctx);
    this.bucket = new FloodBucket(this.opts.floodBurst, this.opts.floodIntervalMs);
    for (const c of this.opts.channels) this.wanted.set(foldCase(c.name, 'rfc1459'), c);
    this.stopping = false;
    this.connect();
  }

  private emit(event: AdapterEvent): void {
    try {
      this.ctx?.emit(event);
    } catch (e) {
      this.log.error('the engine failed to take an event', e);
    }
  }

  private emitConnection(state: ConnectionState, detail?: string): void {
    this.lastState = state;
    const self = this.session?.nick ?? this.opts?.nick;
    this.emit({ type: 'connection', state, ...(detail ? { detail } : {}), ...(self ? { self } : {}) });
  }

  private hooks(): SessionHooks {
    return {
      registered: () => this.onRegistered(),
      welcomeDone: () => this.onWelcomeDone(),
      nickRejected: (line) => this.onNickRejected(line),
      sendFailed: (label, target, reason) => this.out.fail(label, target, reason),
      echo: (line, label, text) => this.onEcho(line, label, text),
      historyMessage: (rootId, message) => this.hist.message(rootId, message),
      batchStarted: (b: BatchState) => this.hist.batchStarted(b.id, b.type, b.params, b.label),
      historyFailed: (label) => this.hist.failed(label),
      batchEnded: (b: BatchState) => this.hist.batchEnded(b.id),
      joined: (name) => {
        const key = this.normalize(name);
        if (!this.wanted.has(key)) this.wanted.set(key, { name });
      },
      left: (name) => this.wanted.delete(this.normalize(name)),
      nickChanged: () => {
        if (this.session?.welcomed) this.emitConnection('online');
      },
      write: (line) => this.writeLine(line),
    };
  }

  private connect(): void {
    const ctx = this.ctx!;
    const opts = this.opts!;
    this.reconnectTimer = undefined;
    const session = new IrcSession(ctx, opts, this.log, this.hooks());
    // Keep the casemapping of the last connection for normalize() until the new server says otherwise.
    if (this.session) session.caseMapping = this.session.caseMapping;
    this.session = session;
    const via = this.proxy ? ` through the proxy ${proxyLabel(this.proxy)}` : '';
    this.emitConnection('connecting', `connecting to ${opts.host}:${opts.port}${opts.tls ? ' (TLS)' : ''}${via}`);
    const client = createClient(opts, this.password, this.log, this.proxy);
    this.client = client;
    const conn = client.connection;
    this.rawWrite = conn.write.bind(conn);
    // Every line irc-framework writes (registration, PONG, QUIT, …) passes the flood bucket too.
    conn.write = (data: string, cb?: () => void) => {
      this.writeLine(data, { onWritten: cb, onDropped: cb, priority: /^(PONG|QUIT)\b/.test(data) }, client);
      return true;
    };
    conn.on('message', (message: IrcLine) => {
      if (client !== this.client) return;
      if (message.command === 'CAP') queueMicrotask(() => this.refreshCaps());
      dispatch(session, message);
    });
    client.on('socket connected', () => {
      clearTimeout(this.registrationTimer);
      this.registrationTimer = setTimeout(() => {
        this.log.warn('registration timed out');
        conn.end(undefined, true);
      }, REGISTRATION_TIMEOUT_MS);
    });
    client.on('socket close', (err: unknown) => this.onClose(client, err));
    try {
      client.connect();
    } catch (e) {
      this.log.error('connect failed', e);
      this.onClose(client, e);
    }
  }

  /** Queues one line behind the flood bucket; `onWritten` fires once it is handed to the socket. */
  private writeLine(
    line: string,
    cbs?: { onWritten?: () => void; onDropped?: () => void; priority?: boolean },
    client = this.client,
  ): void {
    const raw = this.rawWrite;
    this.bucket.submit(
      () => {
        if (!client || client !== this.client || !client.connection.connected || !raw) {
          cbs?.onDropped?.();
          return;
        }
        raw(line, cbs?.onWritten);
      },
      { priority: cbs?.priority, dropped: cbs?.onDropped },
    );
  }

  private refreshCaps(): void {
    const s = this.session;
    const client = this.client;
    if (!s || !client) return;
    s.caps = new Set(client.network.cap.enabled);
    s.offered = new Set(client.network.cap.available.keys());
    if (s.registered) this.updateCapabilities();
  }

  private updateCapabilities(): void {
    this.capabilities = sessionCapabilities(this.session!, this.opts?.nick);
  }

  private onRegistered(): void {
    clearTimeout(this.registrationTimer);
    this.refreshCaps();
    this.updateCapabilities();
    clearTimeout(this.welcomeTimer);
    this.welcomeTimer = setTimeout(() => this.onWelcomeDone(), WELCOME_GRACE_MS);
  }

  private onWelcomeDone(): void {
    const s = this.session;
    if (!s || s.welcomed || !s.registered) return;
    s.welcomed = true;
    clearTimeout(this.welcomeTimer);
    this.updateCapabilities();
    this.backoff.online(this.ctx!.now());
    this.log.info('registered', { nick: s.nick, caps: [...s.caps].sort(), offered: [...s.offered].sort() });
    this.emitConnection('online');
    this.joinChannels([...this.wanted.values()]);
  }

  private joinChannels(channels: ChannelSpec[]): void {
    for (const line of joinLines(channels)) this.writeLine(line);
  }

  private onNickRejected(line: IrcLine): void {
    const s = this.session!;
    const opts = this.opts!;
    if (s.nickAttempt >= 30) {
      this.emit({ type: 'notice', level: 'error', text: `no usable nick: ${line.params.slice(1).join(' ')}` });
      this.client?.connection.end(undefined, true);
      return;
    }
    const next = fallbackNick(opts.nick, opts.altNicks, s.nickAttempt++);
    this.log.info('nick refused, trying another', { refused: line.params[1], next });
    s.nick = next;
    if (this.client) this.client.user.nick = next;
    this.writeLine(`NICK ${next}`);
  }

  private onEcho(line: IrcLine, label: string | undefined, text: string): boolean {
    const s = this.session!;
    // With labeled-response on, an echo without one of our labels was sent by another client (bouncer).
    if (s.caps.has('labeled-response') && label === undefined) return false;
    const target = s.stripStatus(line.params[0] ?? '');
    const time = line.tags.time ? Date.parse(line.tags.time) : NaN;
    return this.out.echo(label, target, line.command, text, line.tags.msgid, Number.isFinite(time) ? time : undefined);
  }

  private onClose(client: IrcClient, err: unknown): void {
    if (client !== this.client) return;
    clearTimeout(this.registrationTimer);
    clearTimeout(this.welcomeTimer);
    const s = this.session;
    this.bucket.clear();
    this.out.dropAll('the connection was lost before the server confirmed the message');
    this.hist.dropAll('the connection was lost');
    this.typing.clear();
    if (s) {
      for (const ch of s.channels.values()) {
        this.emit({ type: 'conversation', conversation: { remoteId: ch.name, kind: 'channel', joined: false } });
      }
      s.channels.clear();
      s.registered = false;
    }
    if (this.stopping) {
      this.emitConnection('offline', 'disconnected');
      this.closedWaiter?.();
      return;
    }
    const delay = this.backoff.nextDelay(this.ctx!.now());
    const { state, reason } = describeClose(err, s?.serverError);
    this.log.info('disconnected', { reason, retryInMs: delay });
    this.emitConnection(state, this.backoff.retryDetail(reason, delay));
    this.reconnectTimer = setTimeout(() => {
      if (!this.stopping) this.connect();
    }, delay);
  }

  async stop(reason?: string): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const client = this.client;
    if (client && client.connection.connected) {
      const closed = new Promise<void>((resolve) => (this.closedWaiter = resolve));
      if (this.session) this.session.quitting = true;
      client.quit(clean(reason ?? 'natter'));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 3000))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        disposeSocket(client);
        this.onClose(client, undefined);
      }
    } else {
      if (client) disposeSocket(client);
      this.out.dropAll('disconnected');
      this.hist.dropAll('disconnected');
      this.emitConnection('offline', 'disconnected');
    }
    this.client = undefined;
  }

  private requireOnline(): IrcSession {
    const s = this.session;
    if (!s || !s.registered || !this.client?.connection.connected) throw new SendRejected('not connected', { retryable: true });
    return s;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const s = this.requireOnline();
    return sendMessage(
      s,
      message,
      this.out,
      (target, kind) => maxBody(this.session, this.opts?.nick, target, kind),
      (line, cbs) => this.writeLine(line, cbs),
    );
  }

  async join(address: string, options?: { password?: string }): Promise<void> {
    const name = clean(address).trim().split(/\s+/)[0] ?? '';
    if (!name) throw new CommandError('join needs a channel name');
    const s = this.session;
    const chanTypes = s?.chanTypes ?? '#&';
    if (!chanTypes.includes(name[0]!)) {
      // Not a channel: open a query with that nick.
      this.emit({ type: 'conversation', conversation: { remoteId: name, kind: 'direct', title: name } });
      return;
    }
    const spec = options?.password ? { name, key: clean(options.password) } : (parseChannelSpec(clean(address)) ?? { name });
    this.wanted.set(this.normalize(name), spec);
    if (s?.welcomed) this.joinChannels([spec]);
  }

  async leave(remoteId: string, reason?: string): Promise<void> {
    const name = clean(remoteId).trim();
    this.wanted.delete(this.normalize(name));
    const s = this.session;
    if (!s?.isChannel(name)) return;
    if (s.registered) this.writeLine(`PART ${name}${reason ? ` :${clean(reason)}` : ''}`);
  }

  async history(remoteId: string, before: string | undefined, limit: number): Promise<HistoryPage> {
    const s = this.session;
    if (!s?.registered || !this.capabilities.history) return { messages: [] };
    const max = Number(s.isupport.get('CHATHISTORY')) || 100;
    const n = Math.max(1, Math.min(Math.floor(limit) || 50, max));
    const label = s.caps.has('labeled-response') ? this.out.nextLabel() : undefined;
    const page = this.hist.add(remoteId, n, label);
    const ref = historyReference(before ? clean(before) : undefined, this.ctx!.now());
    this.writeLine(`${label ? `@label=${label} ` : ''}CHATHISTORY BEFORE ${clean(remoteId)} ${ref} ${n}`);
    return page;
  }

  async command(name: string, args: string[], conversationRemoteId?: string): Promise<void> {
    const s = this.session;
    if (!s?.registered) throw new CommandError('not connected to the IRC server');
    runCommand(s, (line) => this.writeLine(line), name, args.map(clean), conversationRemoteId ? clean(conversationRemoteId) : undefined);
  }

  /**
   * Sends `+typing=active` at most every 3 s per conversation while the user types, and `+typing=done` once when
   * they stop (https://ircv3.net/specs/client-tags/typing). A no-op when the server does not take client tags.
   */
  async setTyping(conversationRemoteId: string, active: boolean): Promise<void> {
    const s = this.session;
    if (!s?.welcomed || !this.capabilities.typing) return;
    const target = clean(conversationRemoteId).trim();
    if (!target || /[\s,]/.test(target) || target === '*') return;
    const line = this.typing.update(this.normalize(target), target, active, this.ctx!.now());
    if (line) this.writeLine(line);
  }

  /**
   * Sends a reaction as a TAGMSG with `+draft/react` (or `+draft/unreact` to take it back) and `+draft/reply` naming
   * the message (https://ircv3.net/specs/client-tags/react). Resolves once the line is on the socket: IRC confirms
   * nothing else for tag-only messages.
   */
  async react(remoteId: string, conversationRemoteId: string, key: string, add: boolean): Promise<void> {
    const s = this.session;
    if (!s?.welcomed || !this.client?.connection.connected) throw new CommandError('not connected to the IRC server');
    if (!this.capabilities.reactions) throw new CommandError('this IRC server does not pass reactions (no message-tags)');
    const target = clean(conversationRemoteId).trim();
    if (!target || /[\s,]/.test(target)) throw new CommandError(`cannot react in "${target}"`);
    const tag = add ? '+draft/react' : '+draft/unreact';
    const line = `@+draft/reply=${tagValue(remoteId)};${tag}=${tagValue(key)} TAGMSG ${target}`;
    await new Promise<void>((resolve, reject) =>
      this.writeLine(line, {
        onWritten: () => resolve(),
        onDropped: () => reject(new CommandError('the connection dropped before the reaction was sent')),
      }),
    );
  }

  /** IRC has no way to refuse an INVITE (RFC 2812 §3.2.7): declining only forgets it here, the inviter hears nothing. */
  async declineInvite(_remoteId: string): Promise<void> {}

  normalize(address: string): string {
    return foldCase(address, this.session?.caseMapping ?? 'rfc1459');
  }
}
