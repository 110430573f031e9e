/**
 * A group message (Chat-Group-ID): the group is created or updated before the message is reported. Members are
 * the message's recipients plus its sender (Delta Chat sends every group message to all members); a
 * `Chat-Group-Member-Removed` drops that address, `Chat-Group-Name` renames.
 */
import type { ConversationUpsert } from '../../../src/core/contract.js';
import { normalizeAddress } from '../address.js';
import { announceGroup, getGroup, putGroup, validGroupId } from '../groups.js';
import type { EmailState } from '../state.js';
import type { Inbound } from './types.js';

export function groupConversation(s: EmailState, m: Inbound): ConversationUpsert | undefined {
  const id = m.mail.header('chat-group-id')?.trim();
  if (!validGroupId(id)) return undefined;
  const self = s.opts!.address;
  const known = getGroup(s, id);
  const name = m.mail.header('chat-group-name') !== undefined ? decodeName(m) : (known?.name ?? id);
  const removed = m.mail.header('chat-group-member-removed');
  const added = m.mail.header('chat-group-member-added');
  const members = new Set(known?.members ?? []);
  let left = known?.left ?? false;
  // Unsigned or forged mail changes nothing about the group; it is still shown (marked) in it.
  if (m.mail.encryption.trust !== 'untrusted') {
    for (const r of [...m.mail.recipients, m.from.address]) if (r !== self) members.add(r);
    if (removed) {
      members.delete(normalizeAddress(removed));
      // Removed ourselves: the group stays, we are no longer in it (until someone adds us again).
      if (normalizeAddress(removed) === self) left = true;
    } else if (added && normalizeAddress(added) === self) {
      left = false;
    }
  }
  const next = { name, members: [...members], ...(left ? { left } : {}) };
  const same = known && known.name === next.name && Boolean(known.left) === left && known.members.length === next.members.length && known.members.every((a) => members.has(a));
  if (!same) {
    putGroup(s, id, next);
    announceGroup(s, id, next);
  }
  return { remoteId: id, kind: 'group', title: name, joined: !left };
}

/** Chat-Group-Name as mailparser left it (encoded words already decoded by readMail's header accessor when plain). */
function decodeName(m: Inbound): string {
  const raw = m.mail.header('chat-group-name') ?? '';
  return raw.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_all, _cs: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}
