/**
 * Joining rooms (by id or alias; joining an invited room accepts the invitation). An invitation flagged `is_direct`
 * becomes a direct chat in our own `m.direct` account data too, as the inviter's client did on its side (spec
 * §"Direct Messaging"), so both sides list the room as a DM.
 */
import type { MatrixState } from './state.js';

export async function joinRoom(s: MatrixState, address: string): Promise<void> {
  const client = s.client;
  if (!client) throw new Error('not connected');
  const target = address.trim();
  const invited = client.getRoom(target);
  const invite = invited?.getMyMembership() === 'invite' ? invited.currentState.getMember(s.userId)?.events.member : undefined;
  await client.joinRoom(target);
  const inviter = invite?.getSender();
  if (invite?.getContent().is_direct === true && inviter) {
    const direct = { ...(client.getAccountData('m.direct' as never)?.getContent<Record<string, string[]>>() ?? {}) };
    if (!(direct[inviter] ?? []).includes(target)) {
      direct[inviter] = [...(direct[inviter] ?? []), target];
      await client.setAccountData('m.direct' as never, direct as never);
    }
  }
}
