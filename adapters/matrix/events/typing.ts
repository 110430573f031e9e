/**
 * `m.typing` ephemeral events (spec §"Typing Notifications"): each carries the complete list of users typing in the
 * room now, so starts and stops are the differences to the previous list.
 */
import type { Session } from './types.js';

export function onTyping(s: Session, roomId: string, content: Record<string, unknown>): void {
  const ids = Array.isArray(content.user_ids) ? content.user_ids.filter((u): u is string => typeof u === 'string' && u !== s.own) : [];
  const now = new Set(ids);
  const before = s.typing.get(roomId) ?? new Set<string>();
  for (const u of now) {
    if (!before.has(u)) s.emit({ type: 'typing', conversationRemoteId: roomId, senderId: u, senderName: s.displayName(roomId, u) ?? u, active: true });
  }
  for (const u of before) {
    if (!now.has(u)) s.emit({ type: 'typing', conversationRemoteId: roomId, senderId: u, senderName: s.displayName(roomId, u) ?? u, active: false });
  }
  if (now.size > 0) s.typing.set(roomId, now);
  else s.typing.delete(roomId);
}
