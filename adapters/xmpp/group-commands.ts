/**
 * Protocol commands for rooms and the roster (Adapter.command, after commands.ts's own):
 *
 * - `/roster` lists the contacts by group with presence and subscription (roster.ts), as notices;
 * - `/invite <jid> [reason]` invites into the current room (XEP-0045 §7.8.2, invitations.ts);
 * - `/kick <nick> [reason]` sets the occupant's role to none (XEP-0045 §8.2);
 * - `/ban <jid|nick> [reason]` sets the affiliation to outcast (§9.1; a nick is resolved through the occupant's real
 *   JID when the room shows it);
 * - `/password [secret]` protects the current room with a password, or removes it (owner only, §10.2: a room
 *   configuration form with just `muc#roomconfig_roomsecret`);
 * - `/group <jid> [group]` puts a contact into a roster group, or into none (RFC 6121 §2.1.2.4).
 */
import xml from '@xmpp/xml';
import { CommandError } from '../../src/core/errors.js';
import { sendInvitation } from './invitations.js';
import { bareJid } from './jid.js';
import { NS } from './ns.js';
import { NS_ROSTER, rosterLines } from './roster.js';
import type { XmppState } from './state.js';
import { xmlSafe } from './xml-text.js';

const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';

/** Runs `/name` when it is one of these commands; false when it is not. */
export async function groupCommand(s: XmppState, name: string, args: string[], conversationRemoteId?: string): Promise<boolean> {
  switch (name) {
    case 'roster':
      for (const text of rosterLines(s)) s.emit({ type: 'notice', level: 'info', text });
      return true;
    case 'invite':
      sendInvitation(s, conversationRemoteId ? bareJid(conversationRemoteId) : undefined, args);
      return true;
    case 'kick':
    case 'ban':
      await moderate(s, name, args, conversationRemoteId);
      return true;
    case 'password':
      await roomPassword(s, args, conversationRemoteId);
      return true;
    case 'group':
      await rosterGroup(s, args);
      return true;
  }
  return false;
}

async function roomPassword(s: XmppState, args: string[], conversationRemoteId?: string): Promise<void> {
  const room = s.rooms.get(conversationRemoteId ? bareJid(conversationRemoteId) : undefined);
  if (!room?.joined) throw new CommandError('/password works in a room you own');
  const secret = xmlSafe(args.join(' ').trim());
  const field = (v: string, value: string, type?: string) => xml('field', { var: v, ...(type ? { type } : {}) }, xml('value', {}, value));
  const form = xml(
    'x',
    { xmlns: NS.data, type: 'submit' },
    field('FORM_TYPE', 'http://jabber.org/protocol/muc#roomconfig', 'hidden'),
    field('muc#roomconfig_passwordprotectedroom', secret ? '1' : '0'),
    field('muc#roomconfig_roomsecret', secret),
  );
  try {
    await s.iq(s.conn!, 'set', xml('query', { xmlns: NS.mucOwner }, form), room.jid);
  } catch (e) {
    throw new CommandError(`/password failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (secret) room.password = secret;
  else delete room.password;
  s.emit({ type: 'notice', level: 'info', text: secret ? `${room.jid} now needs a password to join` : `${room.jid} no longer needs a password` });
}

async function rosterGroup(s: XmppState, args: string[]): Promise<void> {
  const jid = bareJid(args[0]);
  if (!jid || !jid.includes('@')) throw new CommandError('/group needs an address such as bob@example.org, then the group');
  const group = xmlSafe(args.slice(1).join(' ').trim());
  const known = s.directory.roster.get(jid);
  const item = xml('item', { jid, ...(known?.name ? { name: xmlSafe(known.name) } : {}) }, group ? xml('group', {}, group) : undefined);
  try {
    await s.iq(s.conn!, 'set', xml('query', { xmlns: NS_ROSTER }, item));
  } catch (e) {
    throw new CommandError(`/group failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function moderate(s: XmppState, name: 'kick' | 'ban', args: string[], conversationRemoteId?: string): Promise<void> {
  const room = s.rooms.get(conversationRemoteId ? bareJid(conversationRemoteId) : undefined);
  if (!room?.joined) throw new CommandError(`/${name} works in a room you are in`);
  const target = args[0]?.trim();
  if (!target) throw new CommandError(name === 'kick' ? '/kick needs a nickname' : '/ban needs an address or a nickname');
  const reason = xmlSafe(args.slice(1).join(' ').trim());
  let item;
  if (name === 'kick') {
    item = xml('item', { nick: target, role: 'none' }, reason ? xml('reason', {}, reason) : undefined);
  } else {
    const occupant = room.occupants.get(`${room.jid}/${target}`);
    const jid = occupant?.account ?? (target.includes('@') ? bareJid(target) : undefined);
    if (!jid) throw new CommandError(`cannot ban ${target}: the room does not show their address; use /ban <address>`);
    item = xml('item', { jid, affiliation: 'outcast' }, reason ? xml('reason', {}, reason) : undefined);
  }
  const conn = s.conn!;
  try {
    await s.iq(conn, 'set', xml('query', { xmlns: NS_MUC_ADMIN }, item), room.jid);
  } catch (e) {
    throw new CommandError(`/${name} ${target} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
