/**
 * What the event handlers see: a Matrix event reduced to plain data ({@link EventView}, already decrypted when it
 * was encrypted) and a small {@link Session} over the adapter, so that wire tests can drive the handlers with raw
 * event JSON and no client.
 */
import type { AdapterEvent, ConversationUpsert } from '../../../src/core/contract.js';
import type { Logger } from '../../../src/core/logger.js';
import type { EncryptionInfo } from '../../../src/core/model.js';

export interface EventView {
  roomId: string;
  eventId: string;
  /** Clear type (`m.room.message`, …); `m.room.encrypted` only when decryption failed. */
  type: string;
  /** Clear content. */
  content: Record<string, unknown>;
  sender: string;
  /** origin_server_ts. */
  ts: number;
  stateKey?: string;
  /** Target of an `m.room.redaction` (top-level `redacts` before room v11, in content since). */
  redacts?: string;
  prevContent?: Record<string, unknown>;
  /** What protected the event; `none` for events sent in the clear. */
  encryption: EncryptionInfo;
  /** From a history fetch or cache replay: never notifies. */
  historical?: boolean;
  /**
   * Decrypted only now, after it was reported undecryptable (the keys arrived later): it already exists as a
   * placeholder message with this event id.
   */
  late?: boolean;
}

/** What the adapter remembers about recent events, to interpret redactions (of reactions) and receipts. */
export interface Remembered {
  roomId: string;
  sender: string;
  type: string;
  /** For an `m.reaction`: the event it annotates and its key. */
  reaction?: { target: string; key: string };
  /** For an own event: a read receipt covering it was reported. */
  read?: boolean;
}

/** A bounded memory of recent events by id (oldest forgotten first). */
export class RecentEvents {
  private readonly map = new Map<string, Remembered>();
  constructor(private readonly max = 20_000) {}

  remember(eventId: string, r: Remembered): void {
    this.map.delete(eventId);
    this.map.set(eventId, r);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  get(eventId: string): Remembered | undefined {
    return this.map.get(eventId);
  }
}

export interface Session {
  /** Own user id. */
  readonly own: string;
  readonly log: Logger;
  readonly recent: RecentEvents;
  /** Who is typing in each room now (the last `m.typing` list, without ourselves). */
  readonly typing: Map<string, Set<string>>;
  emit(event: AdapterEvent): void;
  /** The room as a conversation, as it stands now. */
  conversation(roomId: string): ConversationUpsert;
  /** Display name of a room member, when known. */
  displayName(roomId: string, userId: string): string | undefined;
  /** Power level of a user in a room (m.room.power_levels; 0 when unknown). */
  powerLevel(roomId: string, userId: string): number;
  /** The power level needed to redact other users' events (`redact`, default 50). */
  redactLevel(roomId: string): number;
  /** Own events in the room's known timeline up to and including `eventId`, newest first (for read receipts). */
  ownEventsUpTo(roomId: string, eventId: string): string[];
  /** Keeps the `file` object (key, iv, hashes) of an encrypted attachment, by its mxc URL, for a later download. */
  rememberFile?(file: Record<string, unknown>): void;
}

/** The `m.relates_to` of a content, typed loosely. */
export interface RelatesTo {
  rel_type?: string;
  event_id?: string;
  key?: string;
  is_falling_back?: boolean;
  'm.in_reply_to'?: { event_id?: string };
}

export function relatesTo(content: Record<string, unknown>): RelatesTo | undefined {
  const r = content['m.relates_to'];
  return r && typeof r === 'object' ? (r as RelatesTo) : undefined;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
