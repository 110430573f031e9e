/**
 * Contact presence (RFC 6121 §4): available/away/unavailable with a status text, by bare JID. Room presence is
 * handled by room-presence.ts first.
 */
import type { Element } from '@xmpp/xml';
import { bareJid } from '../jid.js';
import { NS } from '../ns.js';
import { onRoomPresence } from './room-presence.js';
import type { Session } from './types.js';

export function onPresence(s: Session, p: Element): void {
  if (onRoomPresence(s, p)) return;
  // Presence of a room we are not in (a late answer after leaving) is no contact's presence.
  if (p.getChild('x', NS.mucUser)) return;
  const type = p.attrs.type;
  const from = bareJid(p.attrs.from);
  if (!from || from === s.own) return;
  if (type && type !== 'unavailable') return onSubscription(s, type, from);
  const show = p.getChildText('show');
  const status = p.getChildText('status');
  s.emit({
    type: 'presence',
    senderId: from,
    away: type === 'unavailable' || show === 'away' || show === 'xa' || show === 'dnd',
    ...(status ? { status } : {}),
  });
}

/** Subscription traffic (RFC 6121 §3) shown as notices with the commands that answer it. */
function onSubscription(s: Session, type: string, from: string): void {
  const text =
    type === 'subscribe'
      ? `${from} wants to see your presence: /accept ${from} or /deny ${from}`
      : type === 'subscribed'
        ? `${from} accepted your request: you see their presence now`
        : type === 'unsubscribed'
          ? `${from} refused or withdrew your presence subscription`
          : undefined;
  if (text) s.emit({ type: 'notice', level: 'info', text });
}
