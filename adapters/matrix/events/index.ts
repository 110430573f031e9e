/**
 * Dispatches each timeline event to its kind's handler, and ephemeral events (receipts, typing) to theirs. A handler
 * that throws is logged and never breaks the sync loop.
 */
import { onMember } from './membership.js';
import { onRoomMessage } from './message.js';
import { onReaction } from './reaction.js';
import { onReceipt } from './receipt.js';
import { onRedaction } from './redaction.js';
import { onRoomState } from './room-state.js';
import { onTyping } from './typing.js';
import type { EventView, Session } from './types.js';
import { onUndecryptable, retractPlaceholder } from './undecryptable.js';

export type { EventView, Session } from './types.js';
export { RecentEvents } from './types.js';

export function dispatchTimeline(s: Session, ev: EventView): void {
  try {
    // A late decryption that turned out not to be a message removes its placeholder first.
    if (ev.late && ev.type !== 'm.room.message' && ev.type !== 'm.sticker' && ev.type !== 'm.room.encrypted') retractPlaceholder(s, ev);
    switch (ev.type) {
      case 'm.room.message':
      case 'm.sticker':
        return onRoomMessage(s, ev);
      case 'm.room.encrypted':
        return onUndecryptable(s, ev);
      case 'm.reaction':
        return onReaction(s, ev);
      case 'm.room.redaction':
        return onRedaction(s, ev);
      case 'm.room.member':
        return onMember(s, ev);
      case 'm.room.name':
      case 'm.room.topic':
      case 'm.room.encryption':
        return onRoomState(s, ev);
    }
  } catch (e) {
    s.log.error('failed to handle an event', { type: ev.type, eventId: ev.eventId, error: e instanceof Error ? e.message : String(e) });
  }
}

export function dispatchEphemeral(s: Session, roomId: string, type: string, content: Record<string, unknown>): void {
  try {
    if (type === 'm.receipt') onReceipt(s, roomId, content);
    else if (type === 'm.typing') onTyping(s, roomId, content);
  } catch (e) {
    s.log.error('failed to handle an ephemeral event', { type, error: e instanceof Error ? e.message : String(e) });
  }
}
