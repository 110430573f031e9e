/**
 * The IRC adapter: irc-framework underneath for the socket, line parsing, capability negotiation, SASL and keepalive;
 * the adapter's own handlers (events/*) turn lines into contract events. It owns reconnects (exponential backoff with
 * jitter, src/core/backoff.ts), flood control (flood.ts), labeled sends with echo confirmation (outgoing.ts) and
 * CHATHISTORY paging (history.ts).
 */
import ircFramework from 'irc-framework';
import { backoffDelay } from '../../src/core/backoff.js';
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
import { foldCase } from './casemapping.js';
import { describeClose } from './close-reason.js';
import { runCommand } from './commands.js';
import { ctcp } from './ctcp.js';
import { dispatch } from './events/index.js';
import { FloodBucket } from './flood.js';
import { HistoryRequests, historyReference } from './history.js';
import { fallbackNick, parseChannelSpec, readOptions, type ChannelSpec, type IrcOptions } from './options.js';
import { OutgoingTracker } from './outgoing.js';
import { IrcSession, type BatchState, type IrcLine, type SessionHooks } from './session.js';
import { splitBody, utf8Length } from './split.js';
import { IrcTransport, type TransportOptions } from './transport.js';

/** Caps requested beyond irc-framework's defaults (it already asks for batch, server-time, message-tags, …). */
const EXTRA_CAPS = ['echo-message', 'labeled-response', 'chghost', 'setname', 'draft/chathistory', 'chathistory', 'multi-prefix', 'extended-join', 'account-tag', 'away-notify'];
/** A connection that stayed up this long resets the backoff. */
const STABLE_MS = 30_000;
const REGISTRATION_TIMEOUT_MS = 60_000;
/** Servers without a MOTD end that we recognise still count as online after this long past RPL_WELCOME. */
const WELCOME_GRACE_MS = 3_000;
const IRC_LINE_BYTES = 512;

const SECRET_LINE = /^(?:@\S+ )?(?::\S+ )?(PASS|AUTHENTICATE)\b/i;

function baseCapabilities(): Capabilities {
  return {
    edits: false, reactions: false, replies: false, retraction: false, receipts: false, typing: false,
    history: false, e2ee: false, uploads: false, presence: false, threads: false, messageIds: false,
    maxBodyBytes: 350,
  };
}

/** Strips CR/LF/NUL so that no argument can smuggle a second command onto the wire. */
const clean = (s: string) => s.replace(/[\r\n\0]+/g, ' ');

export class IrcAdapter implements Adapter {
  readonly protocol = 'irc' as const;
  capabilities: Capabilities = baseCapabilities();

  private ctx?: AdapterContext;
  private opts?: IrcOptions;
  private log: Logger = silentLogger;
  private password?: string;
  private client?: InstanceType<typeof ircFramework.Client>;
  private session?: IrcSession;
  private rawWrite?: (line: string, cb?: () => void) => boolean;
  private bucket = new FloodBucket(5, 500);
  private out = new OutgoingTracker((s) => this.normalize(s));
  private hist = new HistoryRequests((s) => this.normalize(s));
  /** Channels to (re)join on every connection, by folded name. */
  private readonly wanted = new Map<string, ChannelSpec>();
  private stopping = false;
  private attempt = 0;
  private onlineAt?: number;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private registrationTimer?: ReturnType<typeof setTimeout>;
  private welcomeTimer?: ReturnType<typeof setTimeout>;
  private closedWaiter?: () => void;
  private lastState?: ConnectionState;
  /** When we last sent +typing=active, per folded conversation. */
  private readonly typingSent = new Map<string, number>();

  async start(ctx: AdapterContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log.child('irc');
    this.opts = readOptions(ctx.config);
    this.password = await ctx.secret('password');
    registerSecret(this.password);
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
    this.emitConnection('connecting', `connecting to ${opts.host}:${opts.port}${opts.tls ? ' (TLS)' : ''}`);
    const transport: TransportOptions['natter'] = {
      caFile: opts.caFile,
      fingerprint: opts.tlsFingerprint,
      acceptInvalidCerts: opts.tlsDangerAcceptInvalidCerts,
      connectTimeoutMs: 20_000,
      log: this.log.child('socket'),
    };
    const sasl = opts.saslUsername !== undefined && this.password !== undefined;
    const client = new ircFramework.Client({
      host: opts.host,
      port: opts.port,
      tls: opts.tls,
      nick: opts.nick,
      username: opts.username,
      gecos: opts.realname,
      // With sasl_username the password goes to SASL PLAIN; without it, to PASS (bouncers). An empty `account`
      // object stops irc-framework from reusing the PASS password for SASL.
      ...(sasl ? { account: { account: opts.saslUsername, password: this.password } } : { account: {}, password: this.password }),
      auto_reconnect: false,
      enable_echomessage: true,
      enable_chghost: true,
      enable_setname: true,
      version: '', // CTCP VERSION is answered (or not) by events/message.ts, never by irc-framework.
      ping_interval: 30,
      ping_timeout: 120,
      transport: IrcTransport,
      natter: transport,
    });
    client.requestCap(EXTRA_CAPS);
    this.client = client;
    const conn = client.connection;
    // irc-framework's own handlers index params without checking them (a bare "BATCH" throws). Its listener runs
    // before ours on the same event, so contain its exceptions here: our handlers must still see every line.
    const commands = (client as unknown as { command_handler: { dispatch(m: IrcLine): void } }).command_handler;
    const frameworkDispatch = commands.dispatch.bind(commands);
    commands.dispatch = (m: IrcLine) => {
      try {
        frameworkDispatch(m);
      } catch (e) {
        this.log.debug(`irc-framework could not handle ${String(m.command).slice(0, 32)}`, e);
      }
    };
    this.rawWrite = conn.write.bind(conn);
    // Every line irc-framework writes (registration, PONG, QUIT, …) passes the flood bucket too.
    conn.write = (data: string, cb?: () => void) => {
      this.writeLine(data, { onWritten: cb, onDropped: cb, priority: /^(PONG|QUIT)\b/.test(data) }, client);
      return true;
    };
    client.on('raw', (e: { line: string; from_server: boolean }) => {
      if (SECRET_LINE.test(e.line)) return;
      this.log.debug(e.from_server ? '<<' : '>>', e.line.length > 1024 ? e.line.slice(0, 1024) + '…' : e.line);
    });
    client.on('debug', (m: string) => this.log.debug(String(m)));
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
    const s = this.session!;
    const history = s.offered.has('draft/chathistory') || s.offered.has('chathistory') || s.isupport.has('CHATHISTORY');
    const channelLen = Math.min(50, Number(s.isupport.get('CHANNELLEN')) || 50);
    // Client-only tags such as +typing need message-tags and must not be denied by ISUPPORT CLIENTTAGDENY.
    const deny = (s.isupport.get('CLIENTTAGDENY') ?? '').split(',');
    const typingDenied = deny.includes('typing') || (deny.includes('*') && !deny.includes('-typing'));
    this.capabilities = {
      ...baseCapabilities(),
      typing: s.caps.has('message-tags') && !typingDenied,
      history,
      presence: s.caps.has('away-notify'),
      messageIds: s.caps.has('message-tags'),
      maxBodyBytes: this.maxBody('#'.padEnd(channelLen, 'x'), 'text'),
    };
  }

  /**
   * Longest body for one line to `target`: 512 bytes minus CRLF, the prefix the server prepends when relaying
   * (`:nick!user@host `), the command and target, and the CTCP wrapper for actions.
   */
  private maxBody(target: string, kind: OutgoingMessage['kind']): number {
    const s = this.session;
    const nick = s?.nick ?? this.opts?.nick ?? '';
    const userLen = Number(s?.isupport.get('USERLEN')) || 10;
    const hostLen = Number(s?.isupport.get('HOSTLEN')) || 63;
    const user = s?.user ?? 'x'.repeat(userLen + 1);
    const host = s?.host ?? 'x'.repeat(hostLen);
    const prefix = utf8Length(`:${nick}!${user}@${host} `);
    const command = utf8Length(`${kind === 'notice' ? 'NOTICE' : 'PRIVMSG'} ${target} :`);
    const wrapper = kind === 'action' ? utf8Length(ctcp('ACTION', ' ')) - 1 : 0;
    // ISUPPORT LINELEN (https://modern.ircdocs.horse/#linelen-parameter) may raise the 512-byte default.
    const lineLen = Math.max(IRC_LINE_BYTES, Number(s?.isupport.get('LINELEN')) || IRC_LINE_BYTES);
    return lineLen - 2 - prefix - command - wrapper;
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
    this.onlineAt = this.ctx!.now();
    this.log.info('registered', { nick: s.nick, caps: [...s.caps].sort(), offered: [...s.offered].sort() });
    this.emitConnection('online');
    this.joinChannels([...this.wanted.values()]);
  }

  /** JOINs several channels per line (keyed ones first, as RFC 2812 §3.2.1 pairs keys with the leading channels). */
  private joinChannels(channels: ChannelSpec[]): void {
    const keyed = channels.filter((c) => c.key);
    const open = channels.filter((c) => !c.key);
    let names: string[] = [];
    let keys: string[] = [];
    const flush = () => {
      if (names.length) this.writeLine(`JOIN ${names.join(',')}${keys.length ? ` ${keys.join(',')}` : ''}`);
      names = [];
      keys = [];
    };
    for (const group of [keyed, open]) {
      for (const c of group) {
        if (names.length && utf8Length(names.join(',') + keys.join(',')) + c.name.length + (c.key?.length ?? 0) > 400) flush();
        names.push(clean(c.name));
        if (c.key) keys.push(clean(c.key));
      }
      flush();
    }
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

  private onClose(client: InstanceType<typeof ircFramework.Client>, err: unknown): void {
    if (client !== this.client) return;
    clearTimeout(this.registrationTimer);
    clearTimeout(this.welcomeTimer);
    const s = this.session;
    this.bucket.clear();
    this.out.dropAll('the connection was lost before the server confirmed the message');
    this.hist.dropAll('the connection was lost');
    this.typingSent.clear();
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
    const now = this.ctx!.now();
    if (this.onlineAt !== undefined && now - this.onlineAt >= STABLE_MS) this.attempt = 0;
    this.onlineAt = undefined;
    const delay = backoffDelay(this.attempt++);
    const { state, reason } = describeClose(err, s?.serverError);
    this.log.info('disconnected', { reason, retryInMs: delay });
    this.emitConnection(state, `${reason}, retrying in ${Math.max(1, Math.round(delay / 1000))} s`);
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
        (client.connection as unknown as { transport?: { disposeSocket(): void } }).transport?.disposeSocket();
        this.onClose(client, undefined);
      }
    } else {
      if (client) (client.connection as unknown as { transport?: { disposeSocket(): void } }).transport?.disposeSocket();
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
    const target = clean(message.conversation.remoteId).trim();
    if (!target || /[\s,]/.test(target) || target === '*') throw new SendRejected(`cannot send to "${target}"`);
    const command = message.kind === 'notice' ? 'NOTICE' : 'PRIVMSG';
    const chunks = splitBody(message.body.replace(/\0/g, ''), this.maxBody(target, message.kind));
    if (chunks.length === 0) throw new SendRejected('empty message');
    const labels = s.caps.has('labeled-response');
    const lines = chunks.map((c) => ({
      label: labels ? this.out.nextLabel() : undefined,
      command,
      text: message.kind === 'action' ? ctcp('ACTION', c) : c,
    }));
    const wire = (l: (typeof lines)[number]) => `${l.label ? `@label=${l.label} ` : ''}${l.command} ${target} :${l.text}`;

    if (s.caps.has('echo-message')) {
      const pending = this.out.track(target, lines);
      lines.forEach((l, i) => this.writeLine(wire(l), { onWritten: () => pending.written(i) }));
      return pending.promise;
    }
    // Without echo-message the server confirms nothing: the message counts as sent once it is on the socket.
    let written = 0;
    await Promise.all(
      lines.map(
        (l) =>
          new Promise<void>((resolve, reject) =>
            this.writeLine(wire(l), {
              onWritten: () => {
                written++;
                resolve();
              },
              onDropped: () =>
                reject(written === 0 ? new SendRejected('not connected', { retryable: true }) : new SendRejected('connection lost while sending', { retryable: false })),
            }),
          ),
      ),
    );
    return { state: 'sent' };
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
    const key = this.normalize(target);
    const now = this.ctx!.now();
    const last = this.typingSent.get(key);
    if (active) {
      if (last !== undefined && now - last < 3000) return;
      this.typingSent.set(key, now);
      this.writeLine(`@+typing=active TAGMSG ${target}`);
    } else if (last !== undefined) {
      this.typingSent.delete(key);
      this.writeLine(`@+typing=done TAGMSG ${target}`);
    }
  }

  normalize(address: string): string {
    return foldCase(address, this.session?.caseMapping ?? 'rfc1459');
  }
}
