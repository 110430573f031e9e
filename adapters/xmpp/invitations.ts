/**
 * Room invitations:
 *
 * - incoming direct (XEP-0249 `<x xmlns="jabber:x:conference" jid password reason/>`) and mediated (XEP-0045 §7.8.2,
 *   `<x xmlns="…muc#user"><invite from><reason/></invite><password/></x>` from the room) invitations become a
 *   conversation upsert with `invitedBy` (the password and reason kept in `ext.xmppInvite`) and a notice; the
 *   invitation is also kept in kv (`invite:<room>`), so it can be declined after a restart;
 * - `/join` on it accepts (the adapter joins with the invitation's password); `declineInvite` sends the mediated
 *   decline through the room (§7.8.2) to the inviter;
 * - a decline of our own invitation is shown as a notice;
 * - `/invite <jid> [reason]` in a room sends a mediated invitation (the room adds its password for members-only rooms).
 */
import xml, { type Element } from '@xmpp/xml';
import { CommandError } from '../../src/core/errors.js';
import type { Invitation } from './directory.js';
import { bareJid, bareOf, parseJid } from './jid.js';
import { NS } from './ns.js';
import type { XmppState } from './state.js';
import { xmlSafe } from './xml-text.js';

export const NS_CONFERENCE = 'jabber:x:conference';
/** kv prefix: an unanswered invitation per room (JSON {@link Invitation}). */
export const KV_INVITE = 'invite:';

/** What an incoming message says about invitations: an invitation, a decline of ours, or nothing. */
export type InvitationStanza = { kind: 'invite'; invite: Invitation } | { kind: 'decline'; room: string; by: string; reason?: string };

/** Reads an invitation or a decline from `m` (not from ourselves); undefined when it carries none. */
export function readInvitation(own: string, m: Element): InvitationStanza | undefined {
  if (m.attrs.type === 'groupchat' || m.attrs.type === 'error') return undefined;
  const from = parseJid(m.attrs.from);
  if (!from) return undefined;
  const fromBare = from.local ? `${from.local}@${from.domain}` : from.domain;
  const muc = m.getChild('x', NS.mucUser);
  const invite = muc?.getChild('invite');
  if (invite) {
    // Mediated: the room sends it (bare room JID) on behalf of the inviter named in `from`: their real bare JID, or
    // in a semi-anonymous room their occupant JID (room/nick), kept whole since the bare part is the room itself.
    const inviterJid = parseJid(invite.attrs.from);
    const inviterBare = inviterJid ? bareOf(inviterJid) : undefined;
    const inviter = inviterBare === fromBare && inviterJid?.resource ? `${inviterBare}/${inviterJid.resource}` : inviterBare;
    if (from.resource || !from.local || !inviter || inviter === own || inviter === fromBare) return undefined;
    const reason = invite.getChildText('reason') || undefined;
    const password = muc!.getChildText('password') || undefined;
    return { kind: 'invite', invite: { room: fromBare, from: inviter, mediated: true, ...(reason ? { reason } : {}), ...(password ? { password } : {}) } };
  }
  const decline = muc?.getChild('decline');
  if (decline) {
    const by = bareJid(decline.attrs.from);
    if (from.resource || !by) return undefined;
    const reason = decline.getChildText('reason') || undefined;
    return { kind: 'decline', room: fromBare, by, ...(reason ? { reason } : {}) };
  }
  const direct = m.getChild('x', NS_CONFERENCE);
  const room = bareJid(direct?.attrs.jid);
  if (direct && room && room.includes('@')) {
    if (fromBare === own) return undefined;
    const reason = direct.attrs.reason || undefined;
    const password = direct.attrs.password || undefined;
    return { kind: 'invite', invite: { room, from: fromBare, mediated: false, ...(reason ? { reason } : {}), ...(password ? { password } : {}) } };
  }
  return undefined;
}

/** Handles an invitation or decline in `m`; true when it was one (the message is then not shown as chat). */
export function onInvitation(s: XmppState, m: Element): boolean {
  const r = readInvitation(s.opts!.bare, m);
  if (!r) return false;
  if (r.kind === 'decline') {
    s.emit({ type: 'notice', level: 'info', text: `${r.by} declined your invitation to ${r.room}${r.reason ? `: ${r.reason}` : ''}` });
    return true;
  }
  const inv = r.invite;
  const room = s.rooms.get(inv.room);
  // Already in the room: nothing to accept.
  if (room?.joined) return true;
  s.directory.invites.set(inv.room, inv);
  s.ctx?.kv.set(KV_INVITE + inv.room, JSON.stringify(inv));
  s.emit({
    type: 'conversation',
    conversation: {
      remoteId: inv.room,
      kind: 'group',
      title: parseJid(inv.room)?.local || inv.room,
      joined: false,
      invitedBy: inv.from,
      ext: { xmppInvite: { mediated: inv.mediated, ...(inv.reason ? { reason: inv.reason } : {}), ...(inv.password ? { password: inv.password } : {}) } },
    },
  });
  s.emit({ type: 'notice', level: 'info', text: `${inv.from} invites you to ${inv.room}${inv.reason ? `: ${inv.reason}` : ''} (/join to accept, /decline to refuse)` });
  return true;
}

/** The unanswered invitation into `room`, from memory or kv. */
export function invitationFor(s: XmppState, room: string): Invitation | undefined {
  const known = s.directory.invites.get(room);
  if (known) return known;
  const raw = s.ctx?.kv.get(KV_INVITE + room);
  if (!raw) return undefined;
  try {
    const inv = JSON.parse(raw) as Invitation;
    return typeof inv.from === 'string' && typeof inv.room === 'string' ? inv : undefined;
  } catch {
    return undefined;
  }
}

/** The invitation into `room` is answered (joined or declined): forget it. */
export function forgetInvitation(s: XmppState, room: string): void {
  s.directory.invites.delete(room);
  s.ctx?.kv.delete(KV_INVITE + room);
}

/** Adapter.declineInvite: the mediated decline (XEP-0045 §7.8.2) through the room to the inviter. */
export function declineInvitation(s: XmppState, remoteId: string, reason?: string): void {
  const room = bareJid(remoteId);
  if (!room) throw new CommandError(`not a room address: ${remoteId}`);
  const inv = invitationFor(s, room);
  if (!inv) throw new CommandError(`there is no invitation to ${room} to decline`);
  const conn = s.conn;
  if (!conn?.online || conn.closed) throw new CommandError('not connected to the XMPP server');
  s.write(
    xml('message', { to: room }, xml('x', { xmlns: NS.mucUser }, xml('decline', { to: inv.from }, reason ? xml('reason', {}, xmlSafe(reason)) : undefined))),
    conn,
  );
  forgetInvitation(s, room);
  s.emit({ type: 'conversation', conversation: { remoteId: room, kind: 'group', invitedBy: null } });
}

/** `/invite <jid> [reason]` in a joined room: a mediated invitation (XEP-0045 §7.8.2). */
export function sendInvitation(s: XmppState, roomJid: string | undefined, args: string[]): void {
  const room = s.rooms.get(roomJid);
  if (!room?.joined) throw new CommandError('/invite works in a room you are in');
  const who = bareJid(args[0]);
  if (!who || !who.includes('@')) throw new CommandError('/invite needs an address such as bob@example.org');
  const reason = xmlSafe(args.slice(1).join(' ').trim());
  s.write(xml('message', { to: room.jid }, xml('x', { xmlns: NS.mucUser }, xml('invite', { to: who }, reason ? xml('reason', {}, reason) : undefined))));
}
