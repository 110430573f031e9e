/**
 * Backfill (spec §"GET /rooms/{roomId}/messages"): pages backwards from the newest event, or from the `end` token
 * of the previous page. Encrypted events are decrypted; the handlers turn them into messages, which are collected
 * and returned instead of emitted. Only messages come back: edits, reactions and redactions found on a page are not
 * applied to it (events redacted already come without content and are skipped).
 */
import { Direction } from 'matrix-js-sdk';
import type { HistoryPage, IncomingMessage } from '../../src/core/contract.js';
import { encryptionOf, viewOf } from './event-view.js';
import { dispatchTimeline } from './events/index.js';
import type { Session } from './events/types.js';
import type { MatrixState } from './state.js';
import { placeholderResolved } from './timeline.js';

const MAX_ROUNDS = 5;

export async function fetchHistory(s: MatrixState, roomId: string, before: string | undefined, limit: number): Promise<HistoryPage> {
  const client = s.client;
  if (!client || !s.session) throw new Error('not connected');
  const mapper = client.getEventMapper();
  const messages: IncomingMessage[] = [];
  const base = s.session;
  const collect: Session = {
    ...base,
    emit: (e) => {
      if (e.type === 'message') messages.push(e.message);
    },
  };
  // A page of events may hold no message at all (reactions, edits, state): read on, a few pages at most, so that a
  // page handed back is empty only at the start of the room.
  let from: string | null = before ?? null;
  let next: string | undefined;
  for (let round = 0; round < MAX_ROUNDS && messages.length === 0; round++) {
    const page = await client.createMessagesRequest(roomId, from, Math.max(1, Math.min(limit, 200)), Direction.Backward);
    for (const raw of page.chunk) {
      if (raw.unsigned?.redacted_because) continue;
      const ev = mapper({ ...raw, room_id: roomId });
      if (ev.isEncrypted()) await client.decryptEventIfNeeded(ev);
      // A placeholder shown earlier that decrypts now is updated in place (its row exists: dedup would drop it).
      const late = placeholderResolved(s, ev);
      dispatchTimeline(late ? base : collect, viewOf(ev, await encryptionOf(ev, client.getCrypto()), { historical: true, late }));
    }
    next = page.chunk.length > 0 && page.end ? page.end : undefined;
    if (!next) break;
    from = next;
  }
  return { messages, ...(next ? { next } : {}) };
}
