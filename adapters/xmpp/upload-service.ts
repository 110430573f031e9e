/**
 * HTTP File Upload (XEP-0363 v1.1, namespace `urn:xmpp:http:upload:0`): finding the upload service by service
 * discovery (XEP-0030) and asking it for a slot. Pure stanza building and reading; upload.ts does the asking and
 * upload-put.ts the HTTP PUT.
 */
import xml, { type Element } from '@xmpp/xml';
import { NS } from './ns.js';
import { xmlSafe } from './xml-text.js';

export const NS_UPLOAD = 'urn:xmpp:http:upload:0';
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

/** An upload service found on the server: its JID and the largest file it takes (bytes), when it says. */
export interface UploadService {
  jid: string;
  maxFileSize?: number;
}

/** A slot (XEP-0363 §5): where to PUT (with the headers to send) and the URL others GET the file from. */
export interface UploadSlot {
  put: string;
  get: string;
  headers: Record<string, string>;
}

/**
 * An upload that failed, in plain words for the user. `retryable` only for transient network failures (the outbox
 * keeps the message pending and tries again on the next connection); everything else fails the message.
 */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.retryable = options?.retryable ?? false;
  }
}

/**
 * Reads a disco#info answer (XEP-0030 §3.1): the service when it has the upload feature, with `max-file-size` from
 * its XEP-0128 form whose FORM_TYPE is the upload namespace (XEP-0363 §3). A missing or bad limit means none given.
 */
export function uploadServiceFromInfo(jid: string, info: Element | undefined): UploadService | undefined {
  const query = info?.getChild('query', NS_DISCO_INFO) ?? (info?.is('query', NS_DISCO_INFO) ? info : undefined);
  if (!query) return undefined;
  if (!query.getChildren('feature').some((f) => f.attrs.var === NS_UPLOAD)) return undefined;
  for (const form of query.getChildren('x', NS.data)) {
    const fields = form.getChildren('field');
    const formType = fields.find((f) => f.attrs.var === 'FORM_TYPE')?.getChildText('value');
    if (formType !== NS_UPLOAD) continue;
    const raw = fields.find((f) => f.attrs.var === 'max-file-size')?.getChildText('value')?.trim();
    const max = raw && /^\d{1,16}$/.test(raw) ? Number(raw) : undefined;
    if (max !== undefined && max > 0) return { jid, maxFileSize: max };
  }
  return { jid };
}

/** The JIDs a disco#items answer lists (XEP-0030 §4.1), at most `limit` of them. */
export function discoItems(answer: Element | undefined, limit = 50): string[] {
  const query = answer?.getChild('query', NS_DISCO_ITEMS);
  return (query?.getChildren('item') ?? [])
    .map((i) => i.attrs.jid)
    .filter((j): j is string => typeof j === 'string' && j.length > 0 && j.length < 1024)
    .slice(0, limit);
}

/** A file name fit for a slot request: no path, no controls, at most 200 characters; `file` when nothing is left. */
export function slotFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = xmlSafe(base).replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const cut = [...clean].slice(0, 200).join('');
  return cut || 'file';
}

/** A content type fit for the slot request and the PUT (which must match, XEP-0363 §4); octet-stream otherwise. */
export function slotMime(mime: string | undefined): string {
  return mime && mime.length <= 255 && /^[\w.+-]+\/[\w.+-]+$/.test(mime) ? mime : 'application/octet-stream';
}

/** The slot request (XEP-0363 §4): file name, size in bytes and content type. */
export function slotRequest(file: { name: string; size: number; mime: string }): Element {
  return xml('request', { xmlns: NS_UPLOAD, filename: slotFileName(file.name), size: String(file.size), 'content-type': slotMime(file.mime) });
}

/** Header names a slot may ask for (XEP-0363 §5); the client MUST ignore any other. */
const ALLOWED_HEADERS = new Map([
  ['authorization', 'Authorization'],
  ['cookie', 'Cookie'],
  ['expires', 'Expires'],
]);

/**
 * Reads the slot from the service's answer. Both URLs must be HTTPS (XEP-0363 §12: the PUT carries the file and
 * its credentials; a plain-HTTP GET would leak the file). Headers other than Authorization, Cookie and Expires are
 * dropped, and line breaks are removed from values (§5: they would allow header injection).
 */
export function readSlot(answer: Element): UploadSlot {
  const slot = answer.getChild('slot', NS_UPLOAD);
  const putEl = slot?.getChild('put');
  const put = putEl?.attrs.url;
  const get = slot?.getChild('get')?.attrs.url;
  if (!slot || !put || !get) throw new UploadError('the upload service gave no usable upload slot');
  for (const [what, url] of [['upload', put], ['download', get]] as const) {
    if (!isHttpsUrl(url)) throw new UploadError(`the upload service gave an insecure or invalid ${what} address (only https is accepted)`);
  }
  const headers: Record<string, string> = {};
  for (const h of putEl.getChildren('header')) {
    const name = ALLOWED_HEADERS.get(String(h.attrs.name ?? '').toLowerCase());
    if (!name) continue;
    headers[name] = h.text().replace(/[\r\n]/g, '').trim();
  }
  return { put, get, headers };
}

function isHttpsUrl(text: string): boolean {
  if (text.length > 8192 || /[\s\p{Cc}]/u.test(text)) return false;
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}

/** A slot request's error answer in plain words (XEP-0363 §4.1: file too large, quota reached, not allowed). */
export function describeSlotError(condition: string, text: string | undefined): string {
  const why = text ? `: ${text}` : '';
  switch (condition) {
    case 'not-acceptable':
      return `the upload service refused the file${why || ' (too large or of a type it does not take)'}`;
    case 'resource-constraint':
      return `the upload service is out of space for you for now${why || ' (quota reached)'}`;
    case 'not-allowed':
    case 'forbidden':
      return `this account may not upload files${why}`;
    default:
      return `the upload service refused the request (${condition.replace(/-/g, ' ')}${why})`;
  }
}

/** Sizes for messages: `1.5 MB`, `300 kB`, `12 bytes`. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} bytes`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)} kB`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)} MB`;
  return `${(n / 1_000_000_000).toFixed(1)} GB`;
}
