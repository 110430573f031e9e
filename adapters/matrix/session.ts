/**
 * The {@link Session} the event handlers use, backed by the SDK client: conversations from rooms.ts, display names
 * and power levels from the room state, the live timeline for read receipts.
 */
import type { Session } from './events/types.js';
import { rememberEncryptedFile } from './download.js';
import { conversationOf } from './rooms.js';
import type { MatrixState } from './state.js';

export function makeSession(s: MatrixState): Session {
  const room = (roomId: string) => s.client?.getRoom(roomId) ?? undefined;
  const powerLevels = (roomId: string): Record<string, unknown> =>
    room(roomId)?.currentState.getStateEvents('m.room.power_levels', '')?.getContent() ?? {};
  return {
    own: s.userId,
    log: s.log,
    recent: s.recent,
    typing: s.typing,
    emit: (e) => s.emit(e),
    conversation(roomId) {
      const r = room(roomId);
      return r && s.client ? conversationOf(s.client, r) : { remoteId: roomId, kind: 'group' };
    },
    displayName(roomId, userId) {
      return room(roomId)?.getMember(userId)?.name ?? undefined;
    },
    powerLevel(roomId, userId) {
      const pl = powerLevels(roomId);
      const users = (pl.users ?? {}) as Record<string, unknown>;
      const v = users[userId] ?? pl.users_default ?? 0;
      return typeof v === 'number' ? v : 0;
    },
    redactLevel(roomId) {
      const v = powerLevels(roomId).redact;
      return typeof v === 'number' ? v : 50;
    },
    rememberFile(file) {
      rememberEncryptedFile(s.ctx?.kv, file);
    },
    ownEventsUpTo(roomId, eventId) {
      const events = room(roomId)?.getLiveTimeline().getEvents() ?? [];
      const at = events.findIndex((e) => e.getId() === eventId);
      if (at < 0) return [];
      const out: string[] = [];
      for (let i = at; i >= 0 && out.length < 200; i--) {
        const e = events[i]!;
        const id = e.getId();
        if (e.getSender() === s.userId && id?.startsWith('$') && !e.isState() && e.getType() !== 'm.reaction') out.push(id);
      }
      return out;
    },
  };
}
