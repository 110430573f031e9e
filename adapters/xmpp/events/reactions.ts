/**
 * Message Reactions (XEP-0444): `<reactions id>` carries the sender's complete current set of reactions to that
 * message. The set is compared with the last one seen from that sender on that message (kept in kv with its time,
 * rich-state.ts) and reported as per-key additions and removals. An older set than the one known (an archive copy
 * fetched after a newer live one) changes nothing, so a removed reaction never comes back.
 *
 * The id names the message's `id`/origin-id in one-to-one chat and the room's stanza-id in group chat (§4).
 * Hostile input: at most RICH_LIMITS.reactionsPerSender distinct, non-empty, short keys are taken.
 */
import type { Element } from '@xmpp/xml';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { RICH_LIMITS, RICH_NS } from '../rich-ns.js';
import { refId } from './replies.js';
import type { RichOrigin } from './rich-origin.js';
import type { Session } from './types.js';

/** The keys of a reactions element: trimmed, distinct, bounded in number and length. */
export function reactionKeys(el: Element): string[] {
  const keys: string[] = [];
  for (const r of el.getChildren('reaction')) {
    const k = r.text().trim();
    if (!k || [...k].length > RICH_LIMITS.reactionLength || keys.includes(k)) continue;
    keys.push(k);
    if (keys.length >= RICH_LIMITS.reactionsPerSender) break;
  }
  return keys;
}

export function reactionsOf(s: Session, m: Element, o: RichOrigin): AdapterEvent[] | undefined {
  const el = m.getChild('reactions', RICH_NS.reactions);
  if (!el) return undefined;
  const id = refId(el.attrs.id);
  if (!id) return [];
  const keys = reactionKeys(el);
  const t = o.sentAt ?? s.now();
  const before = s.rich.reactionSet(s.kv, o.conversation, id, o.by);
  if (t < before.t) return [];
  s.rich.setReactionSet(s.kv, o.conversation, id, o.by, t, keys);
  const target = o.room ? { targetRemoteId: id } : { targetRemoteId: id, targetLocalId: id };
  const change = (key: string, add: boolean): AdapterEvent => ({
    type: 'message.update',
    conversationRemoteId: o.conversation,
    ...target,
    change: { kind: 'reaction', senderId: o.by, key, add },
  });
  return [...before.keys.filter((k) => !keys.includes(k)).map((k) => change(k, false)), ...keys.filter((k) => !before.keys.includes(k)).map((k) => change(k, true))];
}
