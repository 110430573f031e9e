/**
 * Outgoing traffic: messages (with replies), edits, reactions, redactions, read receipts and typing notices. The
 * SDK encrypts for encrypted rooms (Megolm, keys shared with the members' devices over Olm); it never sends in the
 * clear to a room with `m.room.encryption`. The transaction id of a message is its local id, so the homeserver
 * dedups a repeated request (spec §"Transaction identifiers").
 */
import { ConnectionError, MatrixError, type MatrixClient } from 'matrix-js-sdk';
import { SendRejected, SendUncertain, type OutgoingMessage, type SendResult } from '../../src/core/contract.js';
import { describeError } from './errors.js';
import { msgtypeFor, uploadFile } from './upload.js';
import { rememberEncryptedFile } from './download.js';
import type { MatrixState } from './state.js';

/** User ids typed in the text (spec §"User Identifiers": localpart, colon, server name). */
const USER_ID = /@[a-z0-9._=/+-]+:[a-zA-Z0-9.-]+(?::\d+)?/g;

const MSGTYPE = { text: 'm.text', action: 'm.emote', notice: 'm.notice' } as const;

function clientOf(s: MatrixState): MatrixClient {
  if (!s.client) throw new SendRejected('not connected', { retryable: true });
  return s.client;
}

/** Sends any room event through the SDK (encrypting when the room is encrypted); returns the event id. */
async function sendRaw(client: MatrixClient, roomId: string, type: string, content: Record<string, unknown>, txnId?: string): Promise<string> {
  const send = client.sendEvent.bind(client) as unknown as (r: string, t: string, c: Record<string, unknown>, x?: string) => Promise<{ event_id: string }>;
  return (await send(roomId, type, content, txnId)).event_id;
}

/** Maps SDK failures to the contract's send errors. */
function sendError(e: unknown): Error {
  if (e instanceof SendRejected || e instanceof SendUncertain) return e;
  const { reason } = describeError(e);
  if (e instanceof MatrixError) {
    // 429 and 5xx: the server did not take it; it may later.
    const retryable = e.errcode === 'M_LIMIT_EXCEEDED' || (e.httpStatus ?? 0) >= 500;
    return new SendRejected(reason, { cause: e, retryable });
  }
  if (e instanceof ConnectionError) return new SendUncertain(reason, { cause: e });
  // The SDK refuses before sending (no crypto for an encrypted room, unknown room): certain, not retryable.
  return new SendRejected(reason, { cause: e });
}

export async function sendMessage(s: MatrixState, m: OutgoingMessage): Promise<SendResult> {
  const client = clientOf(s);
  const roomId = m.conversation.remoteId;
  const room = client.getRoom(roomId);
  if (!room || room.getMyMembership() !== 'join') throw new SendRejected(`not in room ${roomId}`);
  const content: Record<string, unknown> = { msgtype: MSGTYPE[m.kind], body: m.body };
  if (m.attachment) {
    const a = m.attachment;
    let uploaded;
    try {
      uploaded = await uploadFile(s.auth!.homeserver, s.auth!.accessToken, a, room.hasEncryptionStateEvent(), (sent, total) =>
        s.emit({ type: 'transfer', localId: m.localId, sent, total }),
        s.fetch,
      );
    } catch (e) {
      throw new SendRejected(`the file could not be uploaded: ${e instanceof Error ? e.message : String(e)}`, { cause: e, retryable: false });
    }
    // Our own encrypted file stays downloadable here: its key is kept like one read from a room.
    const file = uploaded.content.file;
    if (file && typeof file === 'object') rememberEncryptedFile(s.ctx?.kv, file as Record<string, unknown>);
    // Spec v1.10 media captions: `body` is the caption when `filename` differs from it.
    Object.assign(content, uploaded.content, { msgtype: msgtypeFor(a.mime), filename: a.name, body: m.body.trim() || a.name });
  }
  // Spec §"User and room mentions": an explicit list, so text that merely looks like a name pings no one; it holds
  // the user ids typed in the text and the author of the message answered; `@room` mentions the room.
  const mentioned: string[] = [];
  if (m.replyTo) {
    content['m.relates_to'] = { 'm.in_reply_to': { event_id: m.replyTo } };
    const author = room.findEventById(m.replyTo)?.getSender() ?? s.recent.get(m.replyTo)?.sender;
    if (author && author !== s.userId) mentioned.push(author);
  }
  for (const typed of m.body.match(USER_ID) ?? []) {
    const id = typed.replace(/\.+$/, '');
    if (id !== s.userId && !mentioned.includes(id)) mentioned.push(id);
  }
  content['m.mentions'] = { ...(mentioned.length ? { user_ids: mentioned } : {}), ...(/(^|\W)@room\b/.test(m.body) ? { room: true } : {}) };
  try {
    const eventId = await sendRaw(client, roomId, 'm.room.message', content, m.localId);
    s.recent.remember(eventId, { roomId, sender: s.userId, type: 'm.room.message' });
    // A new outbound Megolm session may have been made: keep the crypto store current.
    void s.persist();
    return { remoteId: eventId, state: 'sent' };
  } catch (e) {
    throw sendError(e);
  }
}

/** Spec §"Event replacements": `m.new_content` holds the new text; the fallback body starts with "* ". */
export async function sendEdit(s: MatrixState, eventId: string, roomId: string, body: string): Promise<void> {
  const client = clientOf(s);
  const original = client.getRoom(roomId)?.findEventById(eventId);
  const msgtype = (original?.getContent().msgtype as string | undefined) ?? 'm.text';
  await sendRaw(client, roomId, 'm.room.message', {
    msgtype,
    body: `* ${body}`,
    'm.new_content': { msgtype, body, 'm.mentions': {} },
    'm.mentions': {},
    'm.relates_to': { rel_type: 'm.replace', event_id: eventId },
  }).catch((e: unknown) => {
    throw sendError(e);
  });
}

/** Spec §"Reactions": an `m.annotation`; taking it back redacts our reaction event. */
export async function sendReaction(s: MatrixState, eventId: string, roomId: string, key: string, add: boolean): Promise<void> {
  const client = clientOf(s);
  const k = `${eventId}\u0000${key}`;
  try {
    if (add) {
      if (s.ownReactions.has(k)) return;
      const id = await sendRaw(client, roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key } });
      s.ownReactions.set(k, id);
      s.recent.remember(id, { roomId, sender: s.userId, type: 'm.reaction', reaction: { target: eventId, key } });
      return;
    }
    const id = s.ownReactions.get(k) ?? findOwnReaction(s, client, roomId, eventId, key);
    if (!id) return;
    await client.redactEvent(roomId, id);
    s.ownReactions.delete(k);
  } catch (e) {
    throw sendError(e);
  }
}

function findOwnReaction(s: MatrixState, client: MatrixClient, roomId: string, eventId: string, key: string): string | undefined {
  for (const ev of client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? []) {
    if (ev.getType() !== 'm.reaction' || ev.getSender() !== s.userId || ev.isRedacted()) continue;
    const rel = ev.getContent()['m.relates_to'] as { event_id?: string; key?: string } | undefined;
    if (rel?.event_id === eventId && rel.key === key) return ev.getId() ?? undefined;
  }
  return undefined;
}

export async function sendRedaction(s: MatrixState, eventId: string, roomId: string): Promise<void> {
  await clientOf(s)
    .redactEvent(roomId, eventId)
    .catch((e: unknown) => {
      throw sendError(e);
    });
}

/** A public read receipt (`m.read`, spec §"Receipts") on the newest event the user saw. */
export async function sendReadReceipt(s: MatrixState, roomId: string, eventId: string): Promise<void> {
  const client = clientOf(s);
  const path = `/rooms/${encodeURIComponent(roomId)}/receipt/m.read/${encodeURIComponent(eventId)}`;
  await client.http.authedRequest('POST' as never, path, undefined, {});
}

/** Spec §"Typing Notifications": on with a 30 s timeout (the composer renews it), off at once. */
export async function sendTyping(s: MatrixState, roomId: string, active: boolean): Promise<void> {
  await clientOf(s).sendTyping(roomId, active, 30_000);
}
