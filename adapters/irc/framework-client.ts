/**
 * The irc-framework Client for one connection attempt: its options (SASL or PASS, no auto-reconnect, our own
 * transport and keepalive), the IRCv3 caps requested beyond its defaults, a guard around its own command handlers,
 * and debug logging of raw lines with secrets left out.
 */
import ircFramework from 'irc-framework';
import type { Logger } from '../../src/core/logger.js';
import type { ProxyConfig } from '../../src/core/net/proxy.js';
import type { IrcOptions } from './options.js';
import type { IrcLine } from './session.js';
import { IrcTransport, type TransportOptions } from './transport.js';

export type IrcClient = InstanceType<typeof ircFramework.Client>;

/** Caps requested beyond irc-framework's defaults (it already asks for batch, server-time, message-tags, …). */
const EXTRA_CAPS = ['echo-message', 'labeled-response', 'chghost', 'setname', 'draft/chathistory', 'chathistory', 'multi-prefix', 'extended-join', 'account-tag', 'away-notify'];

const SECRET_LINE = /^(?:@\S+ )?(?::\S+ )?(PASS|AUTHENTICATE)\b/i;

/** A configured client, not yet connected; the caller wires the connection's writes and events. */
export function createClient(opts: IrcOptions, password: string | undefined, log: Logger, proxy?: ProxyConfig): IrcClient {
  const transport: TransportOptions['natter'] = {
    proxy,
    caFile: opts.caFile,
    fingerprint: opts.tlsFingerprint,
    acceptInvalidCerts: opts.tlsDangerAcceptInvalidCerts,
    connectTimeoutMs: 20_000,
    log: log.child('socket'),
  };
  const sasl = opts.saslUsername !== undefined && password !== undefined;
  const client = new ircFramework.Client({
    host: opts.host,
    port: opts.port,
    tls: opts.tls,
    nick: opts.nick,
    username: opts.username,
    gecos: opts.realname,
    // With sasl_username the password goes to SASL PLAIN; without it, to PASS (bouncers). An empty `account`
    // object stops irc-framework from reusing the PASS password for SASL.
    ...(sasl ? { account: { account: opts.saslUsername, password } } : { account: {}, password }),
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
  // irc-framework's own handlers index params without checking them (a bare "BATCH" throws). Its listener runs
  // before ours on the same event, so contain its exceptions here: our handlers must still see every line.
  const commands = (client as unknown as { command_handler: { dispatch(m: IrcLine): void } }).command_handler;
  const frameworkDispatch = commands.dispatch.bind(commands);
  commands.dispatch = (m: IrcLine) => {
    try {
      frameworkDispatch(m);
    } catch (e) {
      log.debug(`irc-framework could not handle ${String(m.command).slice(0, 32)}`, e);
    }
  };
  client.on('raw', (e: { line: string; from_server: boolean }) => {
    if (SECRET_LINE.test(e.line)) return;
    log.debug(e.from_server ? '<<' : '>>', e.line.length > 1024 ? e.line.slice(0, 1024) + '…' : e.line);
  });
  client.on('debug', (m: string) => log.debug(String(m)));
  return client;
}

/** Destroys the client's socket at once, without waiting for the server to close it. */
export function disposeSocket(client: IrcClient): void {
  (client.connection as unknown as { transport?: { disposeSocket(): void } }).transport?.disposeSocket();
}
