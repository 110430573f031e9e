/**
 * Service discovery (XEP-0030) and Entity Capabilities (XEP-0115).
 *
 * - natter's own identity and features answer `disco#info` queries (also for `node#ver`, as the caps spec asks);
 * - the caps element `<c hash="sha-1" node ver/>` in our presence lets servers and contacts cache that answer;
 *   `ver` is the §5.1 verification string hashed with SHA-1 (base64);
 * - contacts' and rooms' caps are looked up once per `ver`, checked against their hash (§5.4: an answer that does not
 *   hash to the advertised ver is not cached) and kept in the account's kv (`caps:<ver>`), so a restart asks nobody
 *   again. Entities without caps (rooms) are asked directly, kept in memory for the session.
 *
 * Others ask {@link supports}: `true`/`false` once the features are known, `undefined` while unknown.
 */
import { createHash } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { bareJid, normalizeJid } from './jid.js';
import { NS } from './ns.js';
import { RICH_NS } from './rich-ns.js';
import type { XmppState } from './state.js';

export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_CAPS = 'http://jabber.org/protocol/caps';
/** The caps node naming natter (XEP-0115 §4: a URI for the software). */
export const CAPS_NODE = 'https://github.com/natter-im/natter';
/** kv prefix: features known for a caps ver (`caps:<ver>` → JSON string array). */
export const KV_CAPS = 'caps:';

/** Our identity (XEP-0030 §3.1, registry: client/console for a terminal client). */
export const IDENTITY = { category: 'client', type: 'console', name: 'natter' } as const;

/**
 * What natter understands. `+notify` features (XEP-0163 §6) subscribe us to PEP nodes: bookmarks pushes.
 * Other parts of the adapter add theirs here (they are advertised with the next presence).
 */
export const FEATURES = new Set<string>([
  NS_DISCO_INFO,
  NS_CAPS,
  'urn:xmpp:ping',
  NS.muc,
  NS.chatStates,
  NS.receipts,
  NS.carbons,
  NS.mam,
  NS.sid,
  'urn:xmpp:csi:0',
  // XEP-0066 out-of-band links (shown as attachments).
  'jabber:x:oob',
  // XEP-0249 direct invitations.
  'jabber:x:conference',
  // XEP-0402 bookmarks pushes.
  'urn:xmpp:bookmarks:1+notify',
  // Rich messaging (corrections, replies, reactions, retractions, markers; rich-ns.ts).
  RICH_NS.correct,
  RICH_NS.reply,
  RICH_NS.reactions,
  RICH_NS.retract,
  RICH_NS.markers,
]);

/** XEP-0115 §5.1 verification string: identities, then features, each sorted and followed by `<`; SHA-1, base64. */
export function capsVer(identities: Array<{ category: string; type: string; lang?: string; name?: string }>, features: Iterable<string>): string {
  const ids = identities.map((i) => `${i.category}/${i.type}/${i.lang ?? ''}/${i.name ?? ''}`).sort(octetCompare);
  const feats = [...new Set(features)].sort(octetCompare);
  const s = [...ids, ...feats].map((x) => `${x}<`).join('');
  return createHash('sha1').update(s, 'utf8').digest('base64');
}

/** "i;octet" ordering (RFC 4790) the spec asks for: compare UTF-8 bytes, not UTF-16 code units. */
function octetCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The caps ver of natter itself. */
export function ownVer(): string {
  return capsVer([IDENTITY], FEATURES);
}

/** The `<c/>` element for our presence (XEP-0115 §4). */
export function capsElement(): Element {
  return xml('c', { xmlns: NS_CAPS, hash: 'sha-1', node: CAPS_NODE, ver: ownVer() });
}

/**
 * Our answer to a disco#info query: identity and features; the node is echoed when it is ours (`node#ver`), and an
 * unknown node is `item-not-found` (XEP-0030 §3.2).
 */
export function discoInfoReply(node: string | undefined): Element {
  if (node !== undefined && node !== `${CAPS_NODE}#${ownVer()}`) {
    return xml('error', { type: 'cancel' }, xml('item-not-found', { xmlns: NS.stanzas }));
  }
  return xml(
    'query',
    { xmlns: NS_DISCO_INFO, ...(node ? { node } : {}) },
    xml('identity', { ...IDENTITY }),
    ...[...FEATURES].sort(octetCompare).map((f) => xml('feature', { var: f })),
  );
}

/** Identities and features of a disco#info answer. */
export function readDiscoInfo(query: Element | undefined): { identities: Array<{ category: string; type: string; lang?: string; name?: string }>; features: string[] } {
  const identities = (query?.getChildren('identity') ?? [])
    .filter((i) => typeof i.attrs.category === 'string' && typeof i.attrs.type === 'string')
    .map((i) => ({
      category: i.attrs.category as string,
      type: i.attrs.type as string,
      ...(i.attrs['xml:lang'] ? { lang: i.attrs['xml:lang'] as string } : {}),
      ...(i.attrs.name !== undefined ? { name: i.attrs.name as string } : {}),
    }));
  const features = (query?.getChildren('feature') ?? []).map((f) => f.attrs.var).filter((v): v is string => typeof v === 'string');
  return { identities, features };
}

/** What the adapter knows about other entities' features this session. */
export class DiscoCache {
  /** Full or bare JID → caps ver advertised in its latest presence. */
  readonly verOf = new Map<string, string>();
  /** Entity (bare room JID, full contact JID) → features asked directly. */
  readonly direct = new Map<string, Set<string>>();
  /** Lookups in flight (by ver or entity), so one presence storm asks once. */
  readonly inFlight = new Set<string>();
}

function featuresForVer(s: XmppState, ver: string): Set<string> | undefined {
  const raw = s.ctx?.kv.get(KV_CAPS + ver);
  if (!raw) return undefined;
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? new Set(list.filter((x): x is string => typeof x === 'string')) : undefined;
  } catch {
    return undefined;
  }
}

/** The features known for `jid` (a full JID's caps, else any resource of a bare JID, else a direct answer). */
export function featuresOf(s: XmppState, jid: string): Set<string> | undefined {
  const key = normalizeJid(jid);
  const direct = s.directory.disco.direct.get(key);
  if (direct) return direct;
  const ver = s.directory.disco.verOf.get(key);
  if (ver) return featuresForVer(s, ver);
  if (!key.includes('/')) {
    // A bare JID: the union over its resources we know (any of its devices may take the feature).
    let union: Set<string> | undefined;
    for (const [who, v] of s.directory.disco.verOf) {
      if (bareJid(who) !== key) continue;
      const f = featuresForVer(s, v);
      if (f) union = new Set([...(union ?? []), ...f]);
    }
    return union;
  }
  return undefined;
}

/** Whether `jid` supports `feature`: undefined while nothing is known about it. */
export function supports(s: XmppState, jid: string, feature: string): boolean | undefined {
  const f = featuresOf(s, jid);
  return f ? f.has(feature) : undefined;
}

/**
 * A presence carried caps (`<c hash node ver/>`): remember the ver for the sender and, when the ver is new, ask the
 * sender for `node#ver` and cache the answer if it hashes to ver (sha-1 only; other hashes are not verifiable here).
 */
export function onCapsPresence(s: XmppState, p: Element): void {
  const c = p.getChild('c', NS_CAPS);
  const from = p.attrs.from;
  if (!from) return;
  const who = normalizeJid(from);
  if (p.attrs.type === 'unavailable') {
    s.directory.disco.verOf.delete(who);
    return;
  }
  const ver = c?.attrs.ver;
  const node = c?.attrs.node;
  if (!c || !ver || !node || c.attrs.hash !== 'sha-1') return;
  s.directory.disco.verOf.set(who, ver);
  if (featuresForVer(s, ver) || s.directory.disco.inFlight.has(ver)) return;
  const conn = s.conn;
  if (!conn?.online || conn.closed) return;
  s.directory.disco.inFlight.add(ver);
  s.iq(conn, 'get', xml('query', { xmlns: NS_DISCO_INFO, node: `${node}#${ver}` }), from)
    .then((res) => {
      const info = readDiscoInfo(res.getChild('query', NS_DISCO_INFO));
      if (capsVer(info.identities, info.features) !== ver) {
        s.log.warn('caps answer does not match its ver; not cached', { from, ver });
        return;
      }
      s.ctx?.kv.set(KV_CAPS + ver, JSON.stringify(info.features));
    })
    .catch((e: unknown) => s.log.debug('caps lookup failed', { from, error: String(e) }))
    .finally(() => s.directory.disco.inFlight.delete(ver));
}

/**
 * Asks `jid` (a room, a server) for its features directly and keeps them for the session. Resolves with them, or
 * undefined when it did not answer.
 */
export async function discoverEntity(s: XmppState, jid: string): Promise<Set<string> | undefined> {
  const key = normalizeJid(jid);
  const known = s.directory.disco.direct.get(key);
  if (known) return known;
  const conn = s.conn;
  if (!conn?.online || conn.closed) return undefined;
  try {
    const res = await s.iq(conn, 'get', xml('query', { xmlns: NS_DISCO_INFO }), jid);
    const features = new Set(readDiscoInfo(res.getChild('query', NS_DISCO_INFO)).features);
    s.directory.disco.direct.set(key, features);
    return features;
  } catch (e) {
    s.log.debug('disco#info failed', { jid, error: String(e) });
    return undefined;
  }
}
