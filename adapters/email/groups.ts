/**
 * Group chats as Delta Chat defines them: a random `Chat-Group-ID` names the group, `Chat-Group-Name` its title, the
 * recipients of a group message are its members (inside the encryption: the protected To). natter keeps each
 * group's name and members (without the own address) in kv.
 */
import { randomBytes } from 'node:crypto';
import type { Participant } from '../../src/core/model.js';
import type { EmailState } from './state.js';

export const KV_GROUP = 'group:';

export interface GroupState {
  name: string;
  /** Members other than ourselves, folded addresses. */
  members: string[];
  /** We were removed from the group (a later message adding us back rejoins it). */
  left?: boolean;
}

/** Delta Chat's group ids: 11 or more characters of base64url (create_id: 144 bits since 1.x, 66 before). */
export function newGroupId(): string {
  return randomBytes(18).toString('base64url');
}

/** A plausible Chat-Group-ID: what Delta Chat writes, nothing that could smuggle text into a key or header. */
export function validGroupId(id: string | undefined): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(id);
}

export function getGroup(s: EmailState, id: string): GroupState | undefined {
  const raw = s.kv.get(KV_GROUP + id);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as GroupState;
  } catch {
    return undefined;
  }
}

export function putGroup(s: EmailState, id: string, group: GroupState): void {
  s.kv.set(KV_GROUP + id, JSON.stringify({ name: group.name, members: [...new Set(group.members)].sort(), ...(group.left ? { left: true } : {}) }));
}

/** Tells the engine about the group and its full member list (the own address first). */
export function announceGroup(s: EmailState, id: string, group: GroupState): void {
  s.emit({ type: 'conversation', conversation: { remoteId: id, kind: 'group', title: group.name, joined: !group.left, encrypted: true } });
  const self = s.opts!.address;
  const replace: Participant[] = [self, ...group.members].map((id) => ({ id, name: id, role: 'member' as const }));
  s.emit({ type: 'members', conversationRemoteId: id, replace });
}
