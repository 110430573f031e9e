/**
 * What the stanza handlers see of the adapter: the account's identity, the state they read and update, and ways to
 * report events and answer stanzas. Kept small so the handlers can be driven by fixtures without a connection.
 */
import type { AdapterEvent, KeyValue } from '../../../src/core/contract.js';
import type { EncryptionInfo } from '../../../src/core/model.js';
import type { Logger } from '../../../src/core/logger.js';
import type { Element } from '@xmpp/xml';
import type { MamQueries } from '../mam.js';
import type { OutgoingTracker } from '../outgoing.js';
import type { RichState } from '../rich-state.js';
import type { Rooms } from '../rooms.js';

export interface Session {
  /** Own bare JID, folded. */
  readonly own: string;
  /** Own full JID once bound. */
  full?: string;
  readonly rooms: Rooms;
  readonly outgoing: OutgoingTracker;
  readonly mam: MamQueries;
  readonly log: Logger;
  /** The account's kv store (rich-messaging id maps and reaction sets, rich-state.ts). */
  readonly kv: KeyValue;
  /** Current time in ms (the context's clock). */
  now(): number;
  /** What corrections, replies, reactions and markers remember between stanzas. */
  readonly rich: RichState;
  emit(event: AdapterEvent): void;
  /** OMEMO decryption in place (omemo/pipeline.ts), when enabled: the body becomes the plaintext or a placeholder. */
  readonly omemo?: { decryptIncoming(m: Element, sender: string): EncryptionInfo | undefined };
  /** Writes a stanza (fire and forget; failures are logged). */
  send(stanza: Element): void;
  /**
   * The room asks for its configuration before it opens (XEP-0045 §10.1.2: status 201): submits the default one and
   * calls `then` once the room answered (or the attempt failed, which is logged and noticed), never before.
   */
  unlockRoom(room: string, then: () => void): void;
  /** Sends our join presence to the room (again). */
  joinRoom(room: string): void;
  /** A room message with the room's archive id was seen (room catch-up starts after the newest). */
  sawRoomArchiveId(room: string, id: string): void;
  /** Our join of `room` completed (our own presence came back). */
  roomJoined(room: string): void;
  /** A trusted archive id of the own archive was seen live (for catch-up after the next connect). */
  sawArchiveId(id: string): void;
}
