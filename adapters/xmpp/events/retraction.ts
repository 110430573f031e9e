/**
 * Message Retraction (XEP-0424) and Moderated Message Retraction (XEP-0425), in their current form
 * (`<retract id xmlns='urn:xmpp:message-retract:1'>`, moderation inside it as `<moderated>` with a `<reason>`) and
 * the older fastening form (`<apply-to id xmlns='urn:xmpp:fasten:0'>` around `<retract>` or `<moderated>`).
 *
 * - The id names the origin-id/message id in one-to-one chat and the room's stanza-id in group chat.
 * - A plain retraction is reported with `by` = the true sender; the engine applies it only to that sender's message.
 * - A moderation is accepted only from the room itself (the bare room JID, XEP-0425 §4): the same element from an
 *   occupant or in one-to-one chat is a forgery and changes nothing.
 * The fallback body that comes with a retraction is never shown as a message.
 */
import type { Element } from '@xmpp/xml';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { RICH_LIMITS, RICH_NS } from '../rich-ns.js';
import { refId } from './replies.js';
import type { RichOrigin } from './rich-origin.js';

interface Parsed {
  id?: string;
  moderated?: { by?: string; reason?: string };
}

function parse(m: Element): Parsed | undefined {
  const retract = m.getChild('retract', RICH_NS.retract);
  if (retract) {
    const mod = retract.getChild('moderated', RICH_NS.moderate);
    const reason = retract.getChildText('reason', RICH_NS.retract) ?? retract.getChildText('reason') ?? undefined;
    return { id: refId(retract.attrs.id), ...(mod ? { moderated: { by: mod.attrs.by, ...(reason ? { reason } : {}) } } : {}) };
  }
  const apply = m.getChild('apply-to', RICH_NS.fasten);
  if (!apply) return undefined;
  const mod = apply.getChild('moderated', RICH_NS.moderate0);
  if (mod && mod.getChild('retract', RICH_NS.retract0)) {
    const reason = mod.getChildText('reason') ?? undefined;
    return { id: refId(apply.attrs.id), moderated: { by: mod.attrs.by, ...(reason ? { reason } : {}) } };
  }
  if (apply.getChild('retract', RICH_NS.retract0)) return { id: refId(apply.attrs.id) };
  return undefined;
}

/** The retract event for a retraction in `m`; undefined when `m` is none; [] when it is broken or forged. */
export function retractionOf(m: Element, o: RichOrigin): AdapterEvent[] | undefined {
  const p = parse(m);
  if (!p) return undefined;
  if (!p.id) return [];
  if (p.moderated) {
    if (!o.room || !o.fromRoom) return [];
    const reason = p.moderated.reason?.slice(0, RICH_LIMITS.reasonLength);
    return [
      {
        type: 'message.update',
        conversationRemoteId: o.conversation,
        targetRemoteId: p.id,
        change: { kind: 'retract', ...(p.moderated.by ? { by: p.moderated.by } : {}), moderated: true, ...(reason ? { reason } : {}) },
      },
    ];
  }
  // A room speaking for itself does not retract; only occupants retract their own messages.
  if (o.fromRoom) return [];
  return [
    {
      type: 'message.update',
      conversationRemoteId: o.conversation,
      targetRemoteId: p.id,
      ...(o.room ? {} : { targetLocalId: p.id }),
      change: { kind: 'retract', by: o.by },
    },
  ];
}
