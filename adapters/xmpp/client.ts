/**
 * Builds one xmpp.js client for one connection attempt. The adapter composes the pieces itself (rather than
 * `@xmpp/client`'s `client()`), because that factory gives no way to pass TLS options to STARTTLS or direct TLS:
 *
 * - transports: TCP + STARTTLS (RFC 6120 §5) or direct TLS (XEP-0368), both through {@link TrustedTlsSocket};
 * - TLS is mandatory: credentials are never sent before the stream is encrypted;
 * - SASL SCRAM-SHA-256, then SCRAM-SHA-1, PLAIN only on the encrypted stream (RFC 6120 §6, sasl-mechanisms.ts);
 * - both transports are registered: each attempt names its endpoint (`xmpp://` or `xmpps://`, srv.ts);
 * - resource binding with the configured prefix plus a random suffix, so two sessions of one account differ;
 * - stream management (XEP-0198): acks confirm sends; resumption is not used yet (each connection is new).
 * xmpp.js's own reconnect module is left out: the adapter reconnects with the core backoff.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@xmpp/client-core';
import { promise } from '@xmpp/events';
import iqCallee, { type IqCallee } from '@xmpp/iq/callee.js';
import iqCaller, { type IqCaller } from '@xmpp/iq/caller.js';
import middleware from '@xmpp/middleware';
import resourceBinding from '@xmpp/resource-binding';
import sasl from '@xmpp/sasl';
import plain from '@xmpp/sasl-plain';
import scramsha1 from '@xmpp/sasl-scram-sha-1';
import streamFeatures from '@xmpp/stream-features';
import streamManagement, { type StreamManagement } from '@xmpp/stream-management';
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import ConnectionTLS from '@xmpp/tls/lib/Connection.js';
import xml from '@xmpp/xml';
import SASLFactory from 'saslmechanisms';
import { discoInfoReply, NS_DISCO_INFO } from './disco.js';
import type { XmppOptions } from './options.js';
import { proxiedTcpTransport, underlyingSocket } from './proxy-transport.js';
import { chooseMechanism, ScramSha256, ServerProofError } from './sasl-mechanisms.js';
import { TrustedTlsSocket } from './tls-socket.js';

const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

export interface XmppClient {
  entity: Client;
  iq: IqCaller;
  callee: IqCallee;
  sm: StreamManagement;
  /** The resource asked for at bind time. */
  resource: string;
}

/** Thrown when the server offers no way to encrypt the stream. */
export class NoTlsError extends Error {
  readonly code = 'NO_TLS';
}

/** Observers of the negotiation: `mechanism` hears the SASL mechanism chosen for each login. */
export interface ClientHooks {
  mechanism?(name: string): void;
}

export function createXmppClient(opts: XmppOptions, password: string, hooks: ClientHooks = {}): XmppClient {
  const direct = opts.tls === 'direct';
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const entity = new Client({
    service: `${direct ? 'xmpps' : 'xmpp'}://${host}:${opts.port}`,
    domain: opts.jid.domain,
    timeout: opts.connectTimeoutMs,
  });

  const Base = ConnectionTLS as unknown as new () => object;
  class DirectTls extends Base {}
  const parent = ConnectionTLS.prototype;
  Object.assign(DirectTls.prototype, {
    // The prototype's Socket is constructed without arguments: bind the account's trust options here.
    Socket: class extends TrustedTlsSocket {
      constructor() {
        super(opts);
      }
    },
    socketParameters: (service: string) => parent.socketParameters(service),
  });
  // Both transports: each attempt's service URI (srv.ts) picks STARTTLS (`xmpp://`) or direct TLS (`xmpps://`).
  entity.transports.push(DirectTls);
  // With a SOCKS5 proxy the STARTTLS socket is opened through it (direct TLS: TrustedTlsSocket does the same).
  entity.transports.push(opts.proxy ? proxiedTcpTransport(opts.proxy, opts.connectTimeoutMs) : ConnectionTCP);

  const mw = middleware({ entity });
  const features = streamFeatures({ middleware: mw });
  const iq = iqCaller({ middleware: mw, entity });
  const callee = iqCallee({ middleware: mw, entity });

  // STARTTLS with the account's trust rules (RFC 6120 §5.4).
  features.use('starttls', NS_TLS, async ({ entity: e }) => {
    if (e.isSecure()) return;
    const answer = await e.sendReceive(xml('starttls', { xmlns: NS_TLS }));
    if (!answer.is('proceed', NS_TLS)) throw new NoTlsError('the server refused to start TLS');
    const tlsSocket = new TrustedTlsSocket(opts);
    // Behind a proxy, TLS goes over the proxied TCP socket (proxy-transport.ts).
    tlsSocket.connect({ socket: underlyingSocket(e.socket) });
    await promise(tlsSocket, 'connect', 'error', opts.connectTimeoutMs);
    e._attachSocket(tlsSocket);
    await e.restart();
  });

  const factory = new SASLFactory();
  // The SCRAM-SHA-256 instance of the current login, kept to check the server's proof after <success>.
  const current: { scram?: ScramSha256 } = {};
  factory.use(
    class extends ScramSha256 {
      constructor() {
        super();
        current.scram = this;
      }
    },
  );
  scramsha1(factory);
  plain(factory);
  sasl({ streamFeatures: features, saslFactory: factory }, async (done, mechanisms, _fast, e) => {
    // Never authenticate on a plain-text stream (the server offered no STARTTLS, or stripped it).
    if (!e.isSecure()) throw new NoTlsError('the server does not offer TLS; refusing to send the password in the clear');
    const mechanism = chooseMechanism(mechanisms, e.isSecure());
    hooks.mechanism?.(mechanism);
    let successData = '';
    const onNonza = (el: { is(name: string, ns: string): boolean; text(): string }) => {
      if (el.is('success', NS_SASL)) successData = el.text();
    };
    e.on('nonza', onNonza);
    current.scram = undefined;
    try {
      await done({ username: opts.jid.local, password }, mechanism);
    } finally {
      e.removeListener('nonza', onNonza);
    }
    // (Set by the factory's constructor call inside done(), which the compiler cannot see.)
    const mech = current.scram as ScramSha256 | undefined;
    if (mechanism === 'SCRAM-SHA-256') {
      // RFC 5802 §5: the additional data of <success> (RFC 6120 §6.4.6) carries the server's proof.
      if (successData) mech?.challenge(Buffer.from(successData, 'base64').toString('utf8'));
      if (!mech?.serverVerified()) throw new ServerProofError('the server could not prove that it knows the password (SCRAM server signature); it may be an impostor');
    }
  });

  const sm = streamManagement({ streamFeatures: features, entity, middleware: mw });
  const resource = `${opts.resource}.${randomBytes(4).toString('hex')}`;
  resourceBinding({ streamFeatures: features, iqCaller: iq }, resource);
  callee.get('urn:xmpp:ping', 'ping', () => ({}));
  // Service discovery of natter itself (XEP-0030), also for the caps node#ver (XEP-0115 §6.2).
  callee.get(NS_DISCO_INFO, 'query', (ctx) => discoInfoReply((ctx as { element?: { attrs: { node?: string } } }).element?.attrs.node));
  // Pushes must be acknowledged (RFC 6121 §2.1.6, XEP-0191 §3.3): Prosody ends a session that answers a roster push
  // with an error. Their content is not used yet (the roster view comes later), so a plain result is the answer.
  callee.set('jabber:iq:roster', 'query', () => ({}));
  callee.set('urn:xmpp:blocking', 'block', () => ({}));
  callee.set('urn:xmpp:blocking', 'unblock', () => ({}));
  return { entity, iq, callee, sm, resource };
}
