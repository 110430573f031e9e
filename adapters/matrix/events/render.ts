/**
 * The parts of an `m.room.message` content every handler needs: kind, text (plain or from the formatted body),
 * attachments, reply and thread relations, and whether it mentions the own user (spec §"User and room mentions").
 */
import type { Attachment, MessageKind, Span } from '../../../src/core/model.js';
import { htmlToSpans, stripReplyFallback } from '../html.js';
import { relatesTo, str } from './types.js';

export interface Rendered {
  kind: MessageKind;
  body: string;
  spans?: Span[];
  attachments?: Attachment[];
  /** The encrypted-file description of an encrypted attachment (key, iv, hashes), kept in ext for download. */
  file?: Record<string, unknown>;
  replyTo?: string;
  threadId?: string;
  mentionsMe: boolean;
}

const MEDIA = new Set(['m.image', 'm.file', 'm.audio', 'm.video']);

export function renderContent(content: Record<string, unknown>, own: string, type = 'm.room.message'): Rendered {
  const msgtype = str(content.msgtype);
  const kind: MessageKind = msgtype === 'm.emote' ? 'action' : msgtype === 'm.notice' ? 'notice' : 'text';
  const rel = relatesTo(content);
  const replyTo = rel?.['m.in_reply_to']?.event_id && !(rel.rel_type === 'm.thread' && rel.is_falling_back) ? rel['m.in_reply_to'].event_id : undefined;
  const threadId = rel?.rel_type === 'm.thread' ? rel.event_id : undefined;
  const raw = str(content.body) ?? '';
  let body = replyTo ? stripReplyFallback(raw) : raw;
  let spans: Span[] | undefined;
  let pills: string[] = [];
  const html = str(content.formatted_body);
  if (content.format === 'org.matrix.custom.html' && html !== undefined) {
    const f = htmlToSpans(html);
    if (f.body.length > 0) {
      body = f.body;
      spans = f.spans;
      pills = f.pills;
    }
  }
  let attachments: Attachment[] | undefined;
  let file: Record<string, unknown> | undefined;
  if ((msgtype && MEDIA.has(msgtype)) || type === 'm.sticker') {
    const info = (content.info && typeof content.info === 'object' ? content.info : {}) as Record<string, unknown>;
    const enc = content.file && typeof content.file === 'object' ? (content.file as Record<string, unknown>) : undefined;
    const url = str(enc?.url) ?? str(content.url);
    if (url) {
      const a: Attachment = { url, name: str(content.filename) ?? raw };
      if (typeof info.size === 'number') a.size = info.size;
      if (typeof info.mimetype === 'string') a.mime = info.mimetype;
      if (enc) {
        a.encrypted = true;
        file = enc;
      }
      attachments = [a];
    }
  }
  return { kind, body, spans, attachments, file, replyTo, threadId, mentionsMe: mentions(content, own, body, pills) };
}

/**
 * Intentional mentions: `m.mentions` (spec v1.7) is authoritative when present — its `user_ids` or `room: true`.
 * Without it (older clients): a user pill to us, our user id in the text, or `@room`.
 */
function mentions(content: Record<string, unknown>, own: string, body: string, pills: string[]): boolean {
  const m = content['m.mentions'];
  if (m && typeof m === 'object') {
    const mm = m as { user_ids?: unknown; room?: unknown };
    return (Array.isArray(mm.user_ids) && mm.user_ids.includes(own)) || mm.room === true;
  }
  return pills.includes(own) || body.includes(own) || /(^|\W)@room\b/.test(body);
}
