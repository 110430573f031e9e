/**
 * Email commands without a portable action:
 * - `/group <name> <address>…` creates a group (Delta Chat group: random Chat-Group-ID) with those members; it
 *   reaches them with the first message sent to it. The name is one word; underscores become spaces.
 * - `/add <address>`, `/remove <address>`, `/rename <name>` in a group change its members or name; every member
 *   (and a removed one) hears it.
 * - `/invite [name]` shows a SecureJoin v3 invite (a link and its QR code) as a notice; whoever opens it in Delta
 *   Chat (or natter's `/join`) becomes a verified contact, and, when typed in a group, a member of that group.
 * - `/join <link>` joins from a pasted `https://i.delta.chat/#…` or `OPENPGP4FPR:…` link (contact or group).
 */
import { CommandError } from '../../src/core/errors.js';
import { qrLines } from '../../src/core/qr-lines.js';
import { normalizeAddress } from './address.js';
import { addMember, removeMember, renameGroup } from './editing.js';
import { announceGroup, getGroup, newGroupId, putGroup } from './groups.js';
import { acceptInvite, makeInvite } from './securejoin.js';
import { sendRequest, sendRequestPubkey } from './securejoin-send.js';
import type { EmailState } from './state.js';

const ADDRESS = /^[^@\s<>]+@[^@\s<>]+$/;

/** Creates a group; returns its id (the conversation's remote id). */
export function createGroup(s: EmailState, name: string, members: string[]): string {
  const self = s.opts!.address;
  const list = [...new Set(members.map(normalizeAddress))].filter((m) => m !== self);
  for (const m of list) if (!ADDRESS.test(m)) throw new CommandError(`not an email address: ${m}`);
  if (list.length === 0) throw new CommandError('a group needs at least one other member: /group <name> <address>…');
  const id = newGroupId();
  const group = { name, members: list };
  putGroup(s, id, group);
  announceGroup(s, id, group);
  return id;
}

export async function runCommand(s: EmailState, name: string, args: string[], conversation?: string): Promise<void> {
  switch (name.toLowerCase()) {
    case 'group': {
      const [title, ...members] = args;
      if (!title) throw new CommandError('usage: /group <name> <address>…');
      createGroup(s, title.replace(/_/g, ' '), members);
      return;
    }
    case 'add':
      if (!args[0]) throw new CommandError('usage: /add <address> (in a group)');
      await addMember(s, conversation, args[0]);
      return;
    case 'remove':
      if (!args[0]) throw new CommandError('usage: /remove <address> (in a group)');
      await removeMember(s, conversation, args[0]);
      return;
    case 'rename':
      await renameGroup(s, conversation, args.join(' '));
      return;
    case 'invite': {
      // In a group conversation the invite is to the group too.
      const group = conversation ? getGroup(s, conversation) : undefined;
      const link = await makeInvite(s, args.join(' ') || undefined, group && conversation ? { id: conversation, name: group.name } : undefined);
      s.emit({ type: 'notice', level: 'info', text: `Invite (open in Delta Chat or paste into /join):\n${link}\n${qrLines(link).join('\n')}` });
      return;
    }
    case 'join': {
      if (!args[0]) throw new CommandError('usage: /join <invite link>');
      await startJoin(s, args[0]);
      return;
    }
    default:
      throw new CommandError(`unknown email command /${name}`);
  }
}

/** Starts SecureJoin v3 as the joiner: remembers the invite and asks the inviter for its key. */
export async function startJoin(s: EmailState, link: string): Promise<void> {
  const invite = acceptInvite(s, link);
  s.emit({ type: 'conversation', conversation: { remoteId: invite.addr, kind: 'direct', title: invite.name ?? invite.addr, joined: true, encrypted: true } });
  if (invite.v3) await sendRequestPubkey(s, invite);
  else await sendRequest(s, invite);
  s.emit({ type: 'notice', level: 'info', text: `SecureJoin with ${invite.addr} started; waiting for their key` });
}
