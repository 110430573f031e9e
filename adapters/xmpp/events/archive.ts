/**
 * Archive results (XEP-0313 §4.2): `<message><result queryid id><forwarded>…` answering one of our queries. Taken
 * only for a known queryid and from the archive that was asked (own bare JID, or the room); anything else is a
 * forgery and dropped. Results become historical messages collected on the query.
 */
import type { Element } from '@xmpp/xml';
import { bareJid } from '../jid.js';
import { NS } from '../ns.js';
import { delayOf } from '../stanza.js';
import { directMessage } from './direct.js';
import { groupMessage } from './group.js';
import { directOrigin, groupOrigin, richUpdates } from './rich.js';
import { jingleMessage } from './jingle-message.js';
import type { Session } from './types.js';

/** True when `m` was an archive result (taken or rejected). */
export function onArchiveResult(s: Session, m: Element): boolean {
  const result = m.getChild('result', NS.mam);
  if (!result) return false;
  const q = s.mam.get(result.attrs.queryid);
  if (!q) {
    s.log.warn('ignored an archive result for no query of ours', { from: m.attrs.from });
    return true;
  }
  // The own archive answers from the bare JID (or without 'from'); a room's archive from the room.
  const from = m.attrs.from === undefined ? s.own : bareJid(m.attrs.from);
  if (from !== q.archive) {
    s.log.warn('ignored a forged archive result', { from: m.attrs.from, archive: q.archive });
    return true;
  }
  const forwarded = result.getChild('forwarded', NS.forward);
  const inner = forwarded?.getChild('message');
  const archiveId = result.attrs.id;
  if (!inner || !archiveId) return true;
  q.lastId = archiveId;
  const sentAt = delayOf(forwarded);
  const o = { archiveId, ...(sentAt !== undefined ? { sentAt } : {}), historical: q.historical };
  let msg;
  if (q.room) {
    const room = s.rooms.get(q.room) ?? { jid: q.room, nick: '', joined: false, occupants: new Map() };
    const origin = groupOrigin(s, room, inner, sentAt);
    const ups = origin ? richUpdates(s, inner, origin) : undefined;
    if (ups) {
      q.updates.push(...ups);
      return true;
    }
    msg = groupMessage(s, room, inner, o);
  } else {
    const type = inner.attrs.type ?? 'normal';
    if (type === 'groupchat' || type === 'error') return true;
    // Calls (XEP-0353) from the archive are history: they become lines, never ring.
    const call = jingleMessage(s, inner, { ...(sentAt !== undefined ? { sentAt } : {}), historical: true });
    if (call) {
      if (call.line) q.messages.push(call.line);
      return true;
    }
    const origin = directOrigin(s, inner, sentAt);
    const ups = origin ? richUpdates(s, inner, origin) : undefined;
    if (ups) {
      q.updates.push(...ups);
      return true;
    }
    msg = directMessage(s, inner, o);
  }
  if (msg) q.messages.push(msg);
  return true;
}
