/**
 * Message Replies (XEP-0461) on incoming messages, with the fallback quote (XEP-0428) taken out of the body, and
 * what every incoming message contributes to the rich-messaging state: the other ids peers use for it (`altIds`),
 * how to reply to it, and whether it asked for chat markers (XEP-0333).
 *
 * Ids (XEP-0359 and the extensions' business rules): natter knows a message by the own server's stanza-id (one-to-
 * one) or the room's stanza-id (group chat). Corrections (XEP-0308) always name the message's `id`; replies and
 * reactions name the `id` (origin-id) in one-to-one chat and the room's stanza-id in group chat. So every message
 * carries its `id` and origin-id as altIds for the engine to resolve targets either way.
 */
import type { IncomingMessage } from '../../../src/core/contract.js';
import type { Element } from '@xmpp/xml';
import { RICH_LIMITS, RICH_NS } from '../rich-ns.js';
import { bodyOf, originIdOf } from '../stanza.js';
import type { Session } from './types.js';

/** An id attribute usable as a reference: present, not absurdly long. */
export function refId(v: string | undefined): string | undefined {
  return v && v.length <= RICH_LIMITS.idLength ? v : undefined;
}

/** The `<reply>` of `m` (XEP-0461 §3): the id it answers and the author named, when well formed. */
export function replyOf(m: Element): { id: string; to?: string } | undefined {
  const r = m.getChild('reply', RICH_NS.reply);
  const id = refId(r?.attrs.id);
  if (!r || !id) return undefined;
  return { id, ...(r.attrs.to ? { to: r.attrs.to } : {}) };
}

/**
 * The body of `m` without the parts a fallback (XEP-0428) marks as standing in for a feature natter supports: the
 * quote of a reply (only when the message is a reply). Ranges count Unicode code points (XEP-0426); a range that is
 * not a pair of integers within the body is ignored, and a `<body/>` without range marks the whole body.
 */
export function bodyWithoutFallback(m: Element): string | undefined {
  const raw = bodyOf(m);
  if (raw === undefined || !m.getChild('reply', RICH_NS.reply)) return raw;
  const chars = [...raw];
  const drop = new Array<boolean>(chars.length).fill(false);
  let any = false;
  for (const fb of m.getChildren('fallback', RICH_NS.fallback)) {
    if (fb.attrs.for !== RICH_NS.reply) continue;
    for (const b of fb.getChildren('body')) {
      const range = rangeOf(b, chars.length);
      if (!range) continue;
      for (let i = range[0]; i < range[1]; i++) drop[i] = true;
      any = true;
    }
  }
  return any ? chars.filter((_, i) => !drop[i]).join('') : raw;
}

function rangeOf(b: Element, length: number): [number, number] | undefined {
  const { start, end } = b.attrs;
  if (start === undefined && end === undefined) return [0, length];
  if (start === undefined || end === undefined || !/^\d{1,9}$/.test(start) || !/^\d{1,9}$/.test(end)) return undefined;
  const s = Number(start);
  const e = Number(end);
  return s <= e && e <= length ? [s, e] : undefined;
}

export interface Where {
  /** Normalized conversation remote id (as in the message). */
  conversation: string;
  group: boolean;
  /** Full JID a one-to-one marker goes to. */
  from?: string;
}

/**
 * Adds altIds and replyTo to a message built from `m`, and records how to refer to it (replies, edits, markers).
 * Never throws: a malformed element only means the extra is missing.
 */
export function enrichMessage(s: Session, m: Element, msg: IncomingMessage, where: Where): IncomingMessage {
  const msgId = refId(originIdOf(m)) ?? refId(m.attrs.id);
  const alt = [...new Set([refId(m.attrs.id), refId(originIdOf(m))])].filter((x): x is string => x !== undefined && x !== msg.remoteId);
  const reply = replyOf(m);
  const out: IncomingMessage = { ...msg, ...(alt.length ? { altIds: alt } : {}), ...(reply ? { replyTo: reply.id } : {}) };
  const remoteId = msg.remoteId;
  if (!remoteId) return out;
  const conv = where.conversation;
  s.rich.remember(
    s.kv,
    conv,
    remoteId,
    { ...(msgId ? { msgId } : {}), from: msg.direction === 'out' ? s.own : msg.senderId, quote: msg.body },
    // One-to-one: every message (replies and reactions name its id, which natter cannot derive from the stanza-id);
    // rooms: only our own (corrections name their id; everything else uses the room's stanza-id).
    !where.group || msg.direction === 'out',
  );
  // Our own messages are recorded too (never markable), so a markRead naming one finds its place.
  const markerId = where.group ? remoteId : msgId;
  if (markerId) {
    s.rich.seen(conv, {
      remoteId,
      markerId,
      markable: msg.direction === 'in' && m.getChild('markable', RICH_NS.markers) !== undefined,
      ...(where.from ? { to: where.from } : {}),
    });
  }
  return out;
}
