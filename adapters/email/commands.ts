/**
 * Email commands without a portable action:
 * - `/group <name> <address>…` creates a group (Delta Chat group: random Chat-Group-ID) with those members; it
 *   reaches them with the first message sent to it. The name is one word; underscores become spaces.
 * - `/invite` and `/join <link>`: SecureJoin is not implemented yet; they say so instead of doing something else.
 */
import { CommandError } from '../../src/core/errors.js';
import { normalizeAddress } from './address.js';
import { announceGroup, newGroupId, putGroup } from './groups.js';
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

export async function runCommand(s: EmailState, name: string, args: string[]): Promise<void> {
  switch (name.toLowerCase()) {
    case 'group': {
      const [title, ...members] = args;
      if (!title) throw new CommandError('usage: /group <name> <address>…');
      createGroup(s, title.replace(/_/g, ' '), members);
      return;
    }
    case 'invite':
    case 'join':
      throw new CommandError('SecureJoin (Delta Chat invite links) is not supported by natter yet');
    default:
      throw new CommandError(`unknown email command /${name}`);
  }
}
