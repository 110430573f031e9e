/**
 * Live timeline events from the SDK to the handlers, in order per room. Encrypted events wait for their decryption
 * (the Rust crypto decrypts asynchronously); one that fails is reported as an undecryptable placeholder and stays
 * watched: when its key arrives later (a late to-device room key, a key backup), the Rust crypto decrypts it again
 * and it is re-dispatched with `late` set, which turns the placeholder into the message (a `message.update` with the
 * `decrypted` change for the same event id; a new `message` event would be dropped by the engine's dedup on that id).
 */
import { Direction, MatrixEventEvent, RoomEvent, RoomMemberEvent, type MatrixClient, type MatrixEvent, type Room } from 'matrix-js-sdk';
import { encryptionOf, viewOf } from './event-view.js';
import { dispatchEphemeral, dispatchTimeline } from './events/index.js';
import { catchUpRoom } from './catch-up.js';
import type { MatrixState } from './state.js';

/** Decrypts (if needed), describes and dispatches one event. Used by live sync, catch-up and history. */
export async function handleEvent(s: MatrixState, client: MatrixClient, ev: MatrixEvent, flags: { historical?: boolean } = {}): Promise<void> {
  if (ev.isEncrypted()) await client.decryptEventIfNeeded(ev);
  const view = viewOf(ev, await encryptionOf(ev, client.getCrypto()), { ...flags, late: placeholderResolved(s, ev) });
  if (!view.eventId || !view.roomId) return;
  dispatchTimeline(s.session!, view);
  if (ev.isDecryptionFailure()) watchLateDecryption(s, client, ev, flags);
}

/**
 * Bookkeeping of undecryptable placeholders: a failed event is remembered; one that decrypts now and was shown as a
 * placeholder before (maybe in an earlier run) is late, and forgotten.
 */
export function placeholderResolved(s: MatrixState, ev: MatrixEvent): boolean {
  const id = ev.getId();
  if (!id || !ev.isEncrypted()) return false;
  if (ev.isDecryptionFailure()) {
    s.undecryptable.add(id);
    return false;
  }
  return s.undecryptable.delete(id);
}

function watchLateDecryption(s: MatrixState, client: MatrixClient, ev: MatrixEvent, flags: { historical?: boolean }): void {
  const onDecrypted = (e: MatrixEvent) => {
    if (e.isDecryptionFailure() || s.client !== client) return;
    ev.off(MatrixEventEvent.Decrypted, onDecrypted);
    s.enqueue(ev.getRoomId() ?? '', async () => {
      placeholderResolved(s, ev);
      const view = viewOf(ev, await encryptionOf(ev, client.getCrypto()), { ...flags, late: true });
      s.log.info('late decryption', { roomId: view.roomId, eventId: view.eventId });
      dispatchTimeline(s.session!, view);
      void s.persist();
    });
  };
  ev.on(MatrixEventEvent.Decrypted, onDecrypted);
}

/** Subscribes the adapter to the client's room events (timeline, gaps, receipts, typing). */
export function attachTimeline(s: MatrixState, client: MatrixClient): void {
  client.on(RoomEvent.Timeline, (ev, room, toStartOfTimeline, removed) => {
    if (s.client !== client || !room || toStartOfTimeline || removed) return;
    // Local echoes (`~`-prefixed temporary ids) are our own sends; send() reports those itself.
    const id = ev.getId();
    if (!id || !id.startsWith('$') || ev.status !== null) return;
    const historical = s.replaying;
    const roomId = room.roomId;
    s.enqueue(roomId, async () => {
      await handleEvent(s, client, ev, { historical });
      if (!ev.isState() || ev.getType() === 'm.room.member') s.lastEvents[roomId] = id;
    });
  });
  // A limited sync (more events than the filter's timeline limit arrived while we were away) resets the live
  // timeline: fetch the gap with /messages before the new events are handled.
  client.on(RoomEvent.TimelineReset, (room: Room | undefined) => {
    if (s.client !== client || !room || s.replaying) return;
    const since = s.lastEvents[room.roomId];
    const token = room.getLiveTimeline().getPaginationToken(Direction.Backward);
    s.log.debug('timeline reset (gap)', { roomId: room.roomId, since, token });
    if (!since || !token) return;
    s.enqueue(room.roomId, () => catchUpRoom(s, client, room.roomId, token, since));
  });
  client.on(RoomEvent.Receipt, (event, room) => {
    if (s.client !== client) return;
    s.enqueue(room.roomId, async () => dispatchEphemeral(s.session!, room.roomId, 'm.receipt', event.getContent()));
  });
  client.on(RoomMemberEvent.Typing, (event, member) => {
    if (s.client !== client) return;
    dispatchEphemeral(s.session!, member.roomId, 'm.typing', event.getContent());
  });
}
