/**
 * Last Message Correction (XEP-0308): `<replace id>` with a new body replaces the message with that id. The id is
 * the original message's `id` (also in rooms), so the update names it both as remote id (resolved by the engine
 * through altIds) and as local id (our own one-to-one and room messages carry natter's local id as their id).
 * `by` is the true sender; the engine applies the edit only when it equals the original's sender (§5: a correction
 * from anyone else must be ignored).
 */
import type { Element } from '@xmpp/xml';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { RICH_NS } from '../rich-ns.js';
import { bodyWithoutFallback, refId } from './replies.js';
import type { RichOrigin } from './rich-origin.js';

/** The edit event for a correction in `m`; undefined when `m` is none; [] when it is a broken one. */
export function correctionOf(m: Element, o: RichOrigin, now: number): AdapterEvent[] | undefined {
  const replace = m.getChild('replace', RICH_NS.correct);
  if (!replace) return undefined;
  const id = refId(replace.attrs.id);
  const body = bodyWithoutFallback(m);
  if (!id || body === undefined) return [];
  return [
    {
      type: 'message.update',
      conversationRemoteId: o.conversation,
      targetRemoteId: id,
      targetLocalId: id,
      change: { kind: 'edit', body: body.startsWith('/me ') ? body.slice(4) : body, editedAt: o.sentAt ?? now, by: o.by },
    },
  ];
}
