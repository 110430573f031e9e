/**
 * Jingle Message Initiation (XEP-0353, `urn:xmpp:jingle-message:0`): incoming call invitations. natter has no media,
 * so it only makes sure a terminal user knows about a call and can refuse it:
 *
 * - `<propose id>` from a contact: an event line "X is calling (audio/video)" in the direct conversation and, when
 *   live, a notice; the call is remembered as ringing (for `/reject-call`, see calls.ts).
 * - The call ends with one line per call: `<retract>` or `<finish>` from the caller ("missed call"), `<accept>`/
 *   `<proceed>` from another device of ours ("answered on another device", XEP-0353 §3.2: it tells the caller and,
 *   through carbons or a copy to the own bare JID, our other devices), `<reject>` from another device ("declined on
 *   another device").
 *
 * Trust: a caller's action counts only from the JID that proposed (another contact cannot end someone else's call
 * by guessing its id); "another device" actions only from the own bare JID. Copies from this very session (the reject
 * it sent to the own bare JID) are ignored. Live, carbon and archive copies of one stanza get the same synthetic
 * ids (`jmi:<sid>:propose`, `jmi:<sid>:end`), so the engine keeps one line each.
 */
import type { Element } from '@xmpp/xml';
import type { IncomingMessage } from '../../../src/core/contract.js';
import { bareOf, parseJid } from '../jid.js';
import { delayOf } from '../stanza.js';
import type { Session } from './types.js';

export const NS_JMI = 'urn:xmpp:jingle-message:0';
const NS_RTP = 'urn:xmpp:jingle:apps:rtp:1';
const ACTIONS = ['propose', 'retract', 'accept', 'proceed', 'reject', 'finish', 'ringing'] as const;
type JmiAction = (typeof ACTIONS)[number];

/** A call someone proposed to this account. */
export interface Call {
  sid: string;
  /** The caller's bare JID (the conversation) and full JID (where a reject goes, XEP-0353 §3.3). */
  peer: string;
  peerFull: string;
  /** `audio`, `video` or both, from the proposed RTP descriptions. */
  media: string[];
  state: 'ringing' | 'ended';
  at: number;
}

/** Calls per session (the handlers' Session is the adapter's, one per start()). */
const registries = new WeakMap<Session, Map<string, Call>>();
/** Ended calls are forgotten beyond this many. */
const MAX_CALLS = 50;

export function callsOf(s: Session): Map<string, Call> {
  let calls = registries.get(s);
  if (!calls) {
    calls = new Map();
    registries.set(s, calls);
  }
  return calls;
}

/** The newest ringing call from `peer` (bare JID), if any. */
export function ringingCallFrom(s: Session, peer: string): Call | undefined {
  let found: Call | undefined;
  for (const c of callsOf(s).values()) if (c.peer === peer && c.state === 'ringing' && (!found || c.at >= found.at)) found = c;
  return found;
}

function remember(s: Session, call: Call): void {
  const calls = callsOf(s);
  calls.set(call.sid, call);
  while (calls.size > MAX_CALLS) calls.delete(calls.keys().next().value!);
}

/** The JMI element of `m`, if it carries one. */
function jmiOf(m: Element): { action: JmiAction; sid: string; el: Element } | undefined {
  for (const el of m.getChildElements()) {
    if (el.getNS() !== NS_JMI || !(ACTIONS as readonly string[]).includes(el.name)) continue;
    const sid = el.attrs.id;
    if (typeof sid !== 'string' || sid.length === 0 || sid.length > 256) return undefined;
    return { action: el.name as JmiAction, sid, el };
  }
  return undefined;
}

/** "audio", "video" or "audio and video" from the proposal's RTP descriptions (XEP-0167). */
function mediaOf(propose: Element): string[] {
  const media = new Set<string>();
  for (const d of propose.getChildren('description', NS_RTP)) {
    if (d.attrs.media === 'audio' || d.attrs.media === 'video') media.add(d.attrs.media);
  }
  return [...media].sort();
}

/** The synthetic remote id of a call's line: one `propose` line and one `end` line per call and conversation. */
export function callLineId(sid: string, line: 'propose' | 'end'): string {
  return `jmi:${sid}:${line}`;
}

/** An event line in the direct conversation with `peer`. */
export function callLine(s: Session, peer: string, sid: string, line: 'propose' | 'end', body: string, o: { out: boolean; sentAt?: number; historical?: boolean }): IncomingMessage {
  return {
    conversation: { remoteId: peer, kind: 'direct', title: peer },
    remoteId: callLineId(sid, line),
    senderId: o.out ? s.own : peer,
    senderName: o.out ? s.own : peer,
    direction: o.out ? 'out' : 'in',
    kind: 'event',
    body,
    ...(o.sentAt !== undefined ? { sentAt: o.sentAt } : {}),
    ...(o.historical ? { historical: true } : {}),
    ext: { xmppCall: { sid, line } },
  };
}

export interface JmiOptions {
  sentAt?: number;
  /** From an archive query (XEP-0313) or delayed: shown as history, never rings. */
  historical?: boolean;
}

/**
 * Reads a JMI message. Undefined when `m` is none; else `line` is the event line to show (if any). Updates the
 * session's calls; emits nothing (see {@link onJingleMessage} for live delivery).
 */
export function jingleMessage(s: Session, m: Element, o: JmiOptions = {}): { line?: IncomingMessage; ringing?: Call } | undefined {
  const jmi = jmiOf(m);
  if (!jmi) return undefined;
  const from = parseJid(m.attrs.from);
  if (!from) return {};
  const fromBare = bareOf(from);
  const sentAt = o.sentAt ?? delayOf(m);
  const historical = o.historical || delayOf(m) !== undefined;
  const calls = callsOf(s);
  const known = calls.get(jmi.sid);
  const mine = fromBare === s.own;
  // Our own reject copied to the own bare JID comes back to this session too: it said so already.
  if (mine && s.full !== undefined && m.attrs.from === s.full) return {};

  if (jmi.action === 'propose') {
    // Our other device calling someone is not an incoming call (carbons of it are ignored).
    if (mine) return {};
    if (known && known.peer !== fromBare) return {};
    const media = mediaOf(jmi.el);
    const what = media.length === 0 ? 'a call' : media.join(' and ');
    const call: Call = known ?? { sid: jmi.sid, peer: fromBare, peerFull: m.attrs.from as string, media, state: historical ? 'ended' : 'ringing', at: Date.now() };
    remember(s, call);
    const line = callLine(s, fromBare, jmi.sid, 'propose', `${fromBare} is calling (${what})`, { out: false, sentAt, historical });
    return { line, ...(call.state === 'ringing' && !known ? { ringing: call } : {}) };
  }

  let peer: string | undefined;
  let text: string | undefined;
  let out = false;
  if (mine) {
    // Another device of ours answered or refused: the caller is the call's peer (or, in a carbon or the archive,
    // whom the message went to).
    const to = parseJid(m.attrs.to);
    peer = known?.peer ?? (to && bareOf(to) !== s.own ? bareOf(to) : undefined);
    out = true;
    if (jmi.action === 'accept' || jmi.action === 'proceed') text = 'call answered on another device';
    else if (jmi.action === 'reject') text = 'call declined on another device';
    else if (jmi.action === 'retract' || jmi.action === 'finish') text = undefined;
  } else {
    // Only the caller may end its own call.
    if (known && known.peer !== fromBare) return {};
    peer = fromBare;
    if (jmi.action === 'retract') text = `missed call from ${fromBare}`;
    else if (jmi.action === 'finish') text = `call from ${fromBare} ended`;
    else if (jmi.action === 'reject') text = `${fromBare} declined the call`;
  }
  if (!peer || !text) return {};
  if (known?.state === 'ended' && !historical) {
    return {};
  }
  if (known) known.state = 'ended';
  return { line: callLine(s, peer, jmi.sid, 'end', text, { out, sentAt, historical }) };
}

/** Live delivery: emits the line and, for a new ringing call, a notice. True when `m` was a JMI message. */
export function onJingleMessage(s: Session, m: Element): boolean {
  const r = jingleMessage(s, m);
  if (!r) return false;
  if (r.line) s.emit({ type: 'message', message: r.line });
  if (r.ringing) {
    s.emit({ type: 'notice', level: 'info', text: `${r.ringing.peer} is calling (${r.ringing.media.join(' and ') || 'call'}); natter cannot take calls: /reject-call in that conversation declines` });
  }
  return true;
}
