/** Serialization of stored events into the client-server API's "ClientEvent" format (spec: "Room Event Format"). */
import type { JsonObject } from './json.js';
import { clone } from './json.js';
import type { StoredEvent } from './room.js';
import type { Session } from './state.js';

/**
 * The event as `viewer` sees it: `unsigned.transaction_id` only for the device that sent it (spec: "Transaction
 * identifiers"), `unsigned.prev_content` for state replacements, `unsigned.redacted_because` for redacted events.
 */
export function clientEvent(e: StoredEvent, viewer?: Session): JsonObject {
  const out: JsonObject = {
    event_id: e.event_id,
    room_id: e.room_id,
    type: e.type,
    sender: e.sender,
    content: clone(e.content),
    origin_server_ts: e.origin_server_ts,
  };
  if (e.state_key !== undefined) out['state_key'] = e.state_key;
  if (e.redacts !== undefined) out['redacts'] = e.redacts;
  const unsigned: JsonObject = { age: Math.max(0, Date.now() - e.origin_server_ts) };
  if (e.prevContent) {
    unsigned['prev_content'] = clone(e.prevContent);
    if (e.prevSender) unsigned['prev_sender'] = e.prevSender;
    if (e.replacesState) unsigned['replaces_state'] = e.replacesState;
  }
  if (e.txn && viewer && e.txn.userId === viewer.userId && e.txn.deviceId === viewer.deviceId) {
    unsigned['transaction_id'] = e.txn.txnId;
  }
  if (e.redactedBecause) unsigned['redacted_because'] = clientEvent(e.redactedBecause);
  // Server-side aggregations in unsigned.m.relations (spec: "Aggregations of child events"): the thread summary
  // ("Threading") and the most recent replacement ("Event replacements", v1.7+).
  const relations: JsonObject = {};
  const replies = e.threadReplies?.filter((r) => !r.redactedBecause);
  const latest = replies?.[replies.length - 1];
  if (replies && latest) {
    const participated = viewer !== undefined && (e.sender === viewer.userId || replies.some((r) => r.sender === viewer.userId));
    relations['m.thread'] = { latest_event: clientEvent(latest, viewer), count: replies.length, current_user_participated: participated };
  }
  const edits = e.redactedBecause ? undefined : e.edits?.filter((r) => !r.redactedBecause);
  const lastEdit = edits?.[edits.length - 1];
  if (lastEdit) relations['m.replace'] = clientEvent(lastEdit, viewer);
  if (Object.keys(relations).length) unsigned['m.relations'] = relations;
  out['unsigned'] = unsigned;
  return out;
}

/** "Stripped state" for invites (spec: m.room.member invite_room_state): type, state_key, sender, content only. */
export function strippedEvent(e: StoredEvent): JsonObject {
  return { type: e.type, state_key: e.state_key ?? '', sender: e.sender, content: clone(e.content) };
}

/** Sync and pagination tokens: the stream position with a prefix, opaque to clients. */
export function token(pos: number): string {
  return `s${pos}`;
}

/** Parses a token this server handed out; anything else is `undefined`. */
export function parseToken(t: string | null | undefined): number | undefined {
  if (!t) return undefined;
  const m = /^[st]?(\d+)(?:_.*)?$/.exec(t);
  return m ? Number(m[1]) : undefined;
}
