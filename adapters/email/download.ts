/**
 * `/open` of a received file (Adapter.download): the file is a part of a mail in INBOX, named by the RFC 2392 URL
 * mime-in.ts gave it (`mid:<message-id>[/<content-id>]`). The message is found by its Message-ID (IMAP SEARCH HEADER,
 * RFC 9051 §6.4.4), fetched whole (BODY.PEEK: the \Seen flag stays as it was), decrypted with the own key when it is
 * PGP/MIME (RFC 3156), and the part is written to the destination through a private temp file and a rename, so a
 * half-written file never carries the final name. Nothing is learned from the message here (no Autocrypt, no
 * gossip): the sync already read it once.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { simpleParser, type ParsedMail, type StructuredHeader } from 'mailparser';
import type { Attachment } from '../../src/core/model.js';
import { bareMessageId } from './address.js';
import { findArmored, PARSE } from './mime-in.js';
import { decrypt } from './pgp.js';
import type { EmailState } from './state.js';

/** The message and part an attachment URL names; undefined for a URL that is not ours. */
export function parseAttachmentUrl(url: string): { messageId: string; contentId?: string } | undefined {
  const m = /^mid:([^/]+)(?:\/(.+))?$/i.exec(url);
  if (!m) return undefined;
  try {
    const messageId = decodeURIComponent(m[1]!);
    const contentId = m[2] !== undefined ? decodeURIComponent(m[2]) : undefined;
    return messageId ? { messageId, ...(contentId ? { contentId } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

/** Fetches `attachment` into `destination` (mode 0600). Rejects with a plain-words Error. */
export async function downloadAttachment(
  s: EmailState,
  attachment: Attachment,
  destination: string,
  onProgress?: (received: number, total?: number) => void,
): Promise<void> {
  const where = parseAttachmentUrl(attachment.url);
  if (!where) {
    // Files received before the URL named its message (plain `cid:`) cannot be found again on the server.
    throw new Error('natter cannot tell which mail holds this file; ask the sender to send it again');
  }
  const max = s.opts!.maxMessageBytes;
  if (attachment.size !== undefined && attachment.size > max) {
    throw new Error(`the file is ${mib(attachment.size)}, more than the ${mib(max)} allowed (max_message_bytes)`);
  }
  const raw = await fetchMessage(s, where.messageId, max);
  onProgress?.(raw.length, raw.length);
  const parsed = await openMessage(s, raw);
  const part = pickPart(parsed, where.contentId, attachment.name);
  if (!part) throw new Error('the mail no longer holds this file');
  if (part.length > max) throw new Error(`the file is ${mib(part.length)}, more than the ${mib(max)} allowed (max_message_bytes)`);
  const temp = `${destination}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, part, { mode: 0o600, flag: 'wx' });
    await rename(temp, destination);
  } catch (e) {
    await rm(temp, { force: true });
    throw new Error(`cannot write ${destination}: ${(e as Error).message}`, { cause: e });
  }
}

/** The whole message with this Message-ID from INBOX, at most `max` bytes. */
async function fetchMessage(s: EmailState, messageId: string, max: number): Promise<Buffer> {
  const conn = s.conn;
  if (!conn?.online || conn.closed) throw new Error('the mail account is not connected');
  // One command stream per connection: let a running sync pass finish first (it holds a FETCH open).
  await s.syncing?.catch(() => undefined);
  const client = conn.client;
  let uids: number[] | false | undefined;
  try {
    uids = await client.search({ header: { 'message-id': `<${messageId}>` } }, { uid: true });
  } catch (e) {
    throw new Error(`the mail server could not search for the message: ${(e as Error).message}`, { cause: e });
  }
  if (!uids || uids.length === 0) throw new Error('the mail holding this file is no longer in the inbox');
  // The newest copy wins (a resent message keeps its Message-ID).
  const uid = Math.max(...uids);
  const meta = await client.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
  if (meta && meta.size !== undefined && meta.size > max) {
    throw new Error(`the mail holding this file is ${mib(meta.size)}, more than the ${mib(max)} allowed (max_message_bytes)`);
  }
  const got = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
  if (!got || !got.source) throw new Error('the mail holding this file is no longer in the inbox');
  return got.source;
}

/** The message parsed, decrypted first when it is PGP/MIME. */
async function openMessage(s: EmailState, raw: Buffer): Promise<ParsedMail> {
  const outer = await simpleParser(raw, PARSE);
  const ct = outer.headers.get('content-type') as StructuredHeader | undefined;
  if (ct?.value !== 'multipart/encrypted') return outer;
  const armored = findArmored(outer);
  if (!armored) throw new Error('the encrypted part of the mail is missing');
  try {
    const d = await decrypt(armored, await s.ac!.ownKey());
    return await simpleParser(Buffer.from(d.data), PARSE);
  } catch (e) {
    throw new Error(`cannot decrypt the mail holding this file: ${(e as Error).message}`, { cause: e });
  }
}

/** The file part: by Content-ID, else by file name, else the message's only file. */
function pickPart(parsed: ParsedMail, contentId: string | undefined, name: string | undefined): Buffer | undefined {
  const files = parsed.attachments.filter(
    (a) => a.contentType !== 'message/disposition-notification' && a.contentType !== 'application/pgp-encrypted' && !a.related,
  );
  if (contentId) return files.find((a) => a.contentId !== undefined && bareMessageId(a.contentId) === contentId)?.content;
  const named = name !== undefined ? files.find((a) => a.filename === name) : undefined;
  return (named ?? (files.length === 1 ? files[0] : undefined))?.content;
}
