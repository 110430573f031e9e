/**
 * Adapter.command for XMPP: the protocol commands without a portable action (room subject, nick, and the contact
 * commands of roster-commands.ts).
 */
import xml from '@xmpp/xml';
import { CommandError } from '../../src/core/errors.js';
import { groupCommand } from './group-commands.js';
import { bareJid } from './jid.js';
import { ROSTER_COMMANDS, rosterCommand } from './roster-commands.js';
import { CALL_COMMANDS, runCallCommand } from './calls.js';
import { OMEMO_COMMANDS, runOmemoCommand } from './omemo/commands.js';
import { omemoCommandHost } from './omemo-glue.js';
import type { XmppState } from './state.js';
import { xmlSafe } from './xml-text.js';

/**
 * XMPP commands without a portable action: `/topic <text>` sets a room's subject (XEP-0045 §8.1); `/nick <name>`
 * changes the own nick in the room (§7.6), or in every room when typed outside one; the contact commands of
 * roster-commands.ts (`/add`, `/remove`, `/accept`, `/deny`, `/block`, `/unblock`).
 */
export async function runCommand(s: XmppState, name: string, args: string[], conversationRemoteId?: string): Promise<void> {
  const conn = s.conn;
  if (!conn?.online || conn.closed) throw new CommandError('not connected to the XMPP server');
  const room = s.rooms.get(conversationRemoteId ? bareJid(conversationRemoteId) : undefined);
  const lower = name.toLowerCase();
  switch (lower) {
    case 'topic': {
      if (!room?.joined) throw new CommandError('/topic works in a room you are in');
      s.write(xml('message', { type: 'groupchat', to: room.jid }, xml('subject', {}, xmlSafe(args.join(' ')))), conn);
      return;
    }
    case 'nick': {
      const nick = xmlSafe(args.join(' ').trim());
      if (!nick) throw new CommandError('/nick needs a new nickname');
      const targets = room?.joined ? [room] : s.rooms.all().filter((r) => r.joined);
      if (targets.length === 0) throw new CommandError('an XMPP nickname belongs to a room: join one first');
      for (const r of targets) s.write(xml('presence', { to: `${r.jid}/${nick}` }), conn);
      return;
    }
  }
  if ((ROSTER_COMMANDS as readonly string[]).includes(lower)) {
    try {
      await rosterCommand({ write: (el) => s.write(el, conn), iq: (type, child) => s.iq(conn, type, child) }, lower as (typeof ROSTER_COMMANDS)[number], args);
    } catch (e) {
      if (e instanceof CommandError) throw e;
      throw new CommandError(`/${lower} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return;
  }
  // `/omemo …` and `/download` (omemo/commands.ts): trust, verification, per-conversation choice, encrypted files.
  if ((OMEMO_COMMANDS as readonly string[]).includes(lower)) {
    if (!s.omemo) throw new CommandError(`/${lower} needs OMEMO, which is off for this account (omemo = false in its config)`);
    await runOmemoCommand(omemoCommandHost(s, conn), lower, args, conversationRemoteId);
    return;
  }
  // `/reject-call`: decline a ringing call (XEP-0353, calls.ts).
  if ((CALL_COMMANDS as readonly string[]).includes(lower)) return runCallCommand(s, conversationRemoteId);
  if (await groupCommand(s, lower, args, conversationRemoteId)) return;
  throw new CommandError(`/${name} is not available for XMPP accounts yet`);
}
