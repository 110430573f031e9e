/**
 * Drives the Matrix adapter's event handlers (adapters/matrix/events) with raw event JSON, as it comes in a /sync
 * response, without a client: each event goes through the SDK's MatrixEvent and the adapter's viewOf(), then
 * dispatch, into a Session over a recording context.
 */
import { readFileSync } from 'node:fs';
import { MatrixEvent, type IEvent } from 'matrix-js-sdk';
import type { ConversationUpsert } from '../../../src/core/contract.js';
import { dispatchEphemeral, dispatchTimeline, RecentEvents, type Session } from '../../../adapters/matrix/index.js';
import { viewOf } from '../../../adapters/matrix/event-view.js';
import { recordingContext, type RecordingContext } from '../../harness/irc-context.js';

export const OWN = '@alice:hs.test';

export interface Fixture {
  session: Session;
  ctx: RecordingContext;
  /** Display names by user id, as the room state would give them. */
  names: Map<string, string>;
  power: Map<string, number>;
  /** Own event ids in timeline order (oldest first), for read receipts. */
  ownTimeline: string[];
  /** Feeds one timeline event (JSON as in /sync) of `roomId`. */
  event(roomId: string, raw: Partial<IEvent>): void;
  /** Feeds every room of a /sync response: timeline events, then ephemeral events. */
  sync(response: SyncFixture): void;
}

export interface SyncFixture {
  rooms?: { join?: Record<string, { timeline?: { events?: Array<Partial<IEvent>> }; ephemeral?: { events?: Array<{ type: string; content: Record<string, unknown> }> } }> };
}

export function loadFixture(name: string): SyncFixture {
  return JSON.parse(readFileSync(new URL(`../../../../test/fixtures/matrix/${name}`, import.meta.url), 'utf8')) as SyncFixture;
}

export function fixture(): Fixture {
  const ctx = recordingContext({ user: OWN, homeserver: 'http://127.0.0.1:1' });
  const names = new Map<string, string>();
  const power = new Map<string, number>();
  const ownTimeline: string[] = [];
  const session: Session = {
    own: OWN,
    log: ctx.log,
    recent: new RecentEvents(),
    typing: new Map(),
    emit: (e) => ctx.emit(e),
    conversation: (roomId): ConversationUpsert => ({ remoteId: roomId, kind: 'group', title: 'Room', joined: true }),
    displayName: (_roomId, userId) => names.get(userId),
    powerLevel: (_roomId, userId) => power.get(userId) ?? 0,
    redactLevel: () => 50,
    ownEventsUpTo: (_roomId, eventId) => {
      const at = ownTimeline.indexOf(eventId);
      return at < 0 ? [] : ownTimeline.slice(0, at + 1).reverse();
    },
  };
  const event = (roomId: string, raw: Partial<IEvent>) => {
    const ev = new MatrixEvent({ ...raw, room_id: roomId });
    // Membership events name people: what the SDK's room state would then know.
    if (raw.type === 'm.room.member' && raw.state_key && typeof raw.content?.displayname === 'string') names.set(raw.state_key, raw.content.displayname);
    dispatchTimeline(session, viewOf(ev, { scheme: 'none' }));
  };
  return {
    session,
    ctx,
    names,
    power,
    ownTimeline,
    event,
    sync(response) {
      for (const [roomId, room] of Object.entries(response.rooms?.join ?? {})) {
        for (const raw of room.timeline?.events ?? []) event(roomId, raw);
        for (const e of room.ephemeral?.events ?? []) dispatchEphemeral(session, roomId, e.type, e.content);
      }
    },
  };
}
