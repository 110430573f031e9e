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
  if (type && type !== 'unavailable') return; // subscription handling comes with the roster
  const from = bareJid(p.attrs.from);
  if (!from || from === s.own) return;
  const show = p.getChildText('show');
  const status = p.getChildText('status');
  s.emit({
    type: 'presence',
    senderId: from,
    away: type === 'unavailable' || show === 'away' || show === 'xa' || show === 'dnd',
    ...(status ? { status } : {}),
  });
}
