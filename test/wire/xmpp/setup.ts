/**
 * Drives the XMPP adapter's stanza handlers (adapters/xmpp/events) with raw stanzas, without a connection: a
 * {@link Session} over a recording context, recording what the handlers would write back.
 */
import parse from '@xmpp/xml/lib/parse.js';
import type { Element } from '@xmpp/xml';
import { dispatch, type Session } from '../../../adapters/xmpp/events/index.js';
import { MamQueries } from '../../../adapters/xmpp/mam.js';
import { OutgoingTracker } from '../../../adapters/xmpp/outgoing.js';
import { RichState } from '../../../adapters/xmpp/rich-state.js';
import { Rooms } from '../../../adapters/xmpp/rooms.js';
import { recordingContext, type RecordingContext } from '../../harness/irc-context.js';

export const OWN = 'alice@example.org';
export const FULL = 'alice@example.org/natter.1';

export interface Fixture {
  session: Session;
  ctx: RecordingContext;
  /** Stanzas the handlers wrote (as XML). */
  sent: string[];
  unlocked: string[];
  rejoined: string[];
  archiveIds: string[];
  /** `room id` pairs of room archive ids seen, and rooms whose join completed. */
  roomArchiveIds: string[];
  roomsJoined: string[];
  /** Feeds one raw stanza. */
  feed(xml: string): void;
}

export function fixture(): Fixture {
  const ctx = recordingContext({ jid: OWN });
  const sent: string[] = [];
  const unlocked: string[] = [];
  const rejoined: string[] = [];
  const archiveIds: string[] = [];
  const roomArchiveIds: string[] = [];
  const roomsJoined: string[] = [];
  const session: Session = {
    own: OWN,
    full: FULL,
    rooms: new Rooms(),
    outgoing: new OutgoingTracker(),
    mam: new MamQueries(),
    log: ctx.log,
    kv: ctx.kv,
    now: () => ctx.now(),
    rich: new RichState(),
    emit: (e) => ctx.emit(e),
    send: (el: Element) => void sent.push(el.toString()),
    unlockRoom: (r, then) => {
      unlocked.push(r);
      then();
    },
    joinRoom: (r) => void rejoined.push(r),
    sawArchiveId: (id) => void archiveIds.push(id),
    sawRoomArchiveId: (room, id) => void roomArchiveIds.push(`${room} ${id}`),
    roomJoined: (room) => void roomsJoined.push(room),
  };
  return { session, ctx, sent, unlocked, rejoined, archiveIds, roomArchiveIds, roomsJoined, feed: (xml) => dispatch(session, parse(xml)) };
}
