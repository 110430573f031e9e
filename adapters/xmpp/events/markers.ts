/**
 * Chat Markers (XEP-0333) from others: `displayed` marks our message with that id read, and with it every message we
 * sent before it in the conversation (§4: a marker covers all earlier messages); `received` marks it delivered.
 * Markers name the message id in one-to-one chat and the room's stanza-id in group chat. Our own markers (from our
 * other devices, or our nick in a room) say nothing about delivery and are dropped.
 */
import type { Element } from '@xmpp/xml';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { RICH_NS } from '../rich-ns.js';
import { refId } from './replies.js';
import type { RichOrigin } from './rich-origin.js';
import type { Session } from './types.js';

export function markerOf(s: Session, m: Element, o: RichOrigin): AdapterEvent[] | undefined {
  const el = m.getChild('displayed', RICH_NS.markers) ?? m.getChild('received', RICH_NS.markers) ?? m.getChild('acknowledged', RICH_NS.markers);
  if (!el) return undefined;
  const id = refId(el.attrs.id);
  if (!id || o.out || o.fromRoom) return [];
  const state = el.name === 'received' ? 'delivered' : 'read';
  const ids = o.room || state === 'delivered' ? [id] : s.rich.readUpTo(o.conversation, id);
  return ids.map((target) => ({
    type: 'message.update',
    conversationRemoteId: o.conversation,
    targetRemoteId: target,
    ...(o.room ? {} : { targetLocalId: target }),
    change: { kind: 'delivery', state },
  }));
}
