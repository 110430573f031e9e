/**
 * Catch-up after a gap. When more events arrived while we were away than the sync filter's timeline limit, /sync
 * returns the newest ones with `limited: true` and a `prev_batch` token (spec §"Syncing"); the events between the
 * last one we handled and those are fetched here with `/messages` backwards from `prev_batch`, until the last known
 * event (or {@link CATCH_UP_MAX} events), and reported oldest first as live messages, before the new ones.
 */
import { Direction, type MatrixClient, type MatrixEvent } from 'matrix-js-sdk';
import { handleEvent } from './timeline.js';
import type { MatrixState } from './state.js';

export const CATCH_UP_MAX = 500;
const PAGE = 100;

export async function catchUpRoom(s: MatrixState, client: MatrixClient, roomId: string, token: string, since: string): Promise<void> {
  const mapper = client.getEventMapper();
  const found: MatrixEvent[] = [];
  let from: string | undefined = token;
  let reached = false;
  while (from && !reached && found.length < CATCH_UP_MAX && s.client === client) {
    const page = await client.createMessagesRequest(roomId, from, PAGE, Direction.Backward);
    for (const raw of page.chunk) {
      if (raw.event_id === since) {
        reached = true;
        break;
      }
      found.push(mapper({ ...raw, room_id: roomId }));
    }
    from = page.chunk.length > 0 ? page.end : undefined;
  }
  s.log.info('catch-up', { roomId, events: found.length, reachedLastKnown: reached });
  for (const ev of found.reverse()) {
    if (s.client !== client) return;
    await handleEvent(s, client, ev);
  }
}
