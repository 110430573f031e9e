/**
 * Edits and deletions as Delta Chat defines them (chatmail/core `send_edit_request`, `delete_msgs_ex`): a hidden
 * message to the same conversation with `Chat-Edit: <Message-ID>` and the new text (prefixed with ✏️ for other mail
 * clients), or `Chat-Delete: <Message-ID>`; group changes with `Chat-Group-Member-Added/-Removed` and
 * `Chat-Group-Name-Changed`, whose body says what happened for mail clients without Delta Chat.
 */
import { CommandError } from '../../src/core/errors.js';
import { normalizeAddress } from './address.js';
import { announceGroup, getGroup, putGroup } from './groups.js';
import { encodeWords } from './mime-out.js';
import { sendChat } from './sending.js';
import type { EmailState } from './state.js';

/** Delta Chat's marker in front of edited text (EDITED_PREFIX). */
export const EDITED_PREFIX = '✏️';

const kindOf = (remoteId: string) => (remoteId.includes('@') ? 'direct' : 'group');

export async function sendEdit(s: EmailState, remoteId: string, conversation: string, body: string): Promise<void> {
  await sendChat(s, { conversation: { remoteId: conversation, kind: kindOf(conversation) }, body: EDITED_PREFIX + body, headers: [['Chat-Edit', `<${remoteId}>`]], control: true });
}

export async function sendDelete(s: EmailState, remoteId: string, conversation: string): Promise<void> {
  await sendChat(s, { conversation: { remoteId: conversation, kind: kindOf(conversation) }, body: '🚮', headers: [['Chat-Delete', `<${remoteId}>`]], control: true });
}

function groupOrFail(s: EmailState, id: string | undefined) {
  const group = id ? getGroup(s, id) : undefined;
  if (!id || !group) throw new CommandError('type this in a group conversation');
  return { id, group };
}

/**
 * Adds a member: the group hears it with the new member's key gossiped (Delta Chat requires it), then they do.
 * `headers` go along (SecureJoin's `Secure-Join: vg-member-added`).
 */
export async function addMember(s: EmailState, groupId: string | undefined, address: string, headers: Array<[string, string]> = []): Promise<void> {
  const { id, group } = groupOrFail(s, groupId);
  const addr = normalizeAddress(address);
  if (!/^[^@\s<>]+@[^@\s<>]+$/.test(addr)) throw new CommandError(`not an email address: ${address}`);
  if (group.members.includes(addr)) throw new CommandError(`${addr} is already a member`);
  const next = { name: group.name, members: [...group.members, addr] };
  putGroup(s, id, next);
  try {
    await sendChat(s, { conversation: { remoteId: id, kind: 'group' }, body: `Member ${addr} added by ${s.opts!.address}.`, headers: [['Chat-Group-Member-Added', addr], ...headers], control: true, gossip: true });
  } catch (e) {
    putGroup(s, id, group);
    throw e;
  }
  announceGroup(s, id, next);
}

/** Removes a member; the removed member gets the message too, so their copy of the group knows. */
export async function removeMember(s: EmailState, groupId: string | undefined, address: string): Promise<void> {
  const { id, group } = groupOrFail(s, groupId);
  const addr = normalizeAddress(address);
  if (!group.members.includes(addr)) throw new CommandError(`${addr} is not a member`);
  await sendChat(s, { conversation: { remoteId: id, kind: 'group' }, body: `Member ${addr} removed by ${s.opts!.address}.`, headers: [['Chat-Group-Member-Removed', addr]], control: true });
  const next = { name: group.name, members: group.members.filter((m) => m !== addr) };
  putGroup(s, id, next);
  announceGroup(s, id, next);
}

export async function renameGroup(s: EmailState, groupId: string | undefined, name: string): Promise<void> {
  const { id, group } = groupOrFail(s, groupId);
  const clean = name.replace(/[\r\n]+/g, ' ').trim();
  if (!clean) throw new CommandError('usage: /rename <new name>');
  await sendChat(s, {
    conversation: { remoteId: id, kind: 'group' },
    body: `Group name changed from "${group.name}" to "${clean}" by ${s.opts!.address}.`,
    headers: [['Chat-Group-Name-Changed', encodeWords(group.name)]],
    groupName: clean,
    control: true,
  });
  const next = { name: clean, members: group.members };
  putGroup(s, id, next);
  announceGroup(s, id, next);
}

/** Leaves a group: the members hear `Chat-Group-Member-Removed` naming us (as Delta Chat sends it), then we stop. */
export async function leaveGroup(s: EmailState, groupId: string): Promise<void> {
  const group = getGroup(s, groupId);
  if (!group || group.left) return;
  const self = s.opts!.address;
  await sendChat(s, { conversation: { remoteId: groupId, kind: 'group' }, body: `Group left by ${self}.`, headers: [['Chat-Group-Member-Removed', self]], control: true });
  const next = { ...group, left: true };
  putGroup(s, groupId, next);
  announceGroup(s, groupId, next);
}
