/**
 * Files linked from incoming messages, as contract attachments:
 *
 * - XEP-0066 Out of Band Data `<x xmlns='jabber:x:oob'><url>` (what Conversations, Dino, Gajim send with an
 *   HTTP File Upload, XEP-0363);
 * - metadata when the sender gives it: XEP-0447 Stateless File Sharing (`<file-sharing>` with an XEP-0446 `<file>`
 *   and `<url-data target>` sources) and XEP-0385 SIMS (`<reference><media-sharing>` with a Jingle file description
 *   and `<reference uri>` sources): name, size and media type of the file behind a URL;
 * - a bare upload URL: a body that is nothing but one https: URL naming a file (with an extension), or an
 *   `aesgcm:` URL (XEP-0454 OMEMO media sharing, the file itself encrypted).
 *
 * Only http:, https: and aesgcm: URLs of sane length without whitespace or control characters are taken; anything
 * else (javascript:, data:, file:, forged giants) is ignored. The name comes from the metadata or else the URL's
 * last path segment. The body loses the URL only when it is exactly the attachment's URL (a file message); a body
 * with other text keeps it.
 */
import type { Element } from '@xmpp/xml';
import type { Attachment } from '../../../src/core/model.js';

export const NS_OOB = 'jabber:x:oob';
const NS_SFS = 'urn:xmpp:sfs:0';
const NS_FILE_METADATA = 'urn:xmpp:file:metadata:0';
const NS_URL_DATA = 'http://jabber.org/protocol/url-data';
const NS_REFERENCE = 'urn:xmpp:reference:0';
const NS_SIMS = 'urn:xmpp:sims:1';
const JINGLE_FT_PREFIX = 'urn:xmpp:jingle:apps:file-transfer:';

/** Longest URL taken (upload URLs are far shorter; the limit keeps forged giants out of the store). */
export const MAX_URL_LENGTH = 2048;
/** At most this many attachments per message. */
const MAX_ATTACHMENTS = 10;
const MAX_NAME = 255;

/** `url` when it may be shown as a file link: http(s) or aesgcm, parseable, no whitespace or controls. */
export function safeAttachmentUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const url = raw.trim();
  if (url.length === 0 || url.length > MAX_URL_LENGTH) return undefined;
  // Whitespace, C0/C1 controls and format characters (bidi overrides) have no place in a URL.
  if (/[\s\p{Cc}\p{Cf}]/u.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'aesgcm:'].includes(parsed.protocol)) return undefined;
  if (!parsed.hostname) return undefined;
  return url;
}

/** The file name a URL names: its last path segment, percent-decoded; undefined when there is none. */
export function nameFromUrl(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const last = path.split('/').pop() ?? '';
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    // A broken percent escape: keep the segment as it is.
  }
  return cleanName(name);
}

function cleanName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  // Path separators never belong to a name shown (or later used to save the file).
  const base = name.split(/[/\\]/).pop() ?? '';
  const cut = [...base.trim()].slice(0, MAX_NAME).join('');
  return cut && cut !== '.' && cut !== '..' ? cut : undefined;
}

function sizeOf(text: string | undefined): number | undefined {
  const t = text?.trim();
  if (!t || !/^\d{1,15}$/.test(t)) return undefined;
  return Number(t);
}

function mimeOf(text: string | undefined): string | undefined {
  const t = text?.trim();
  return t && t.length <= 255 && /^[\w.+-]+\/[\w.+-]+(;.*)?$/.test(t) ? t : undefined;
}

interface Meta {
  urls: string[];
  name?: string;
  size?: number;
  mime?: string;
}

/** XEP-0447 file-sharing elements with XEP-0446 metadata. */
function statelessFileSharing(m: Element): Meta[] {
  return m.getChildren('file-sharing', NS_SFS).map((fs) => {
    const file = fs.getChild('file', NS_FILE_METADATA);
    const urls = (fs.getChild('sources')?.getChildren('url-data', NS_URL_DATA) ?? []).map((u) => u.attrs.target as string | undefined);
    return describe(file, urls);
  });
}

/** XEP-0385 SIMS: `<reference type='data'><media-sharing><file/><sources><reference uri/>…`. */
function sims(m: Element): Meta[] {
  const out: Meta[] = [];
  for (const ref of m.getChildren('reference', NS_REFERENCE)) {
    const ms = ref.getChild('media-sharing', NS_SIMS);
    if (!ms) continue;
    const file = ms.getChildElements().find((c) => c.name === 'file' && String(c.getNS() ?? '').startsWith(JINGLE_FT_PREFIX));
    const urls = (ms.getChild('sources')?.getChildren('reference', NS_REFERENCE) ?? []).map((r) => r.attrs.uri as string | undefined);
    out.push(describe(file, urls));
  }
  return out;
}

function describe(file: Element | undefined, urls: Array<string | undefined>): Meta {
  const meta: Meta = { urls: urls.map(safeAttachmentUrl).filter((u): u is string => u !== undefined) };
  const name = cleanName(file?.getChildText('name') ?? undefined);
  const size = sizeOf(file?.getChildText('size') ?? undefined);
  const mime = mimeOf(file?.getChildText('media-type') ?? undefined);
  if (name) meta.name = name;
  if (size !== undefined) meta.size = size;
  if (mime) meta.mime = mime;
  return meta;
}

/** A body that is one bare upload URL: https with a file extension in its last segment, or aesgcm (XEP-0454). */
function bareUploadUrl(body: string): string | undefined {
  const url = safeAttachmentUrl(body);
  if (!url || url !== body.trim()) return undefined;
  if (url.startsWith('aesgcm:')) return url;
  if (!url.startsWith('https:')) return undefined;
  const name = nameFromUrl(url);
  return name && /\.[A-Za-z0-9]{1,8}$/.test(name) ? url : undefined;
}

/**
 * The attachments of message `m` and the body to show with them: the body unchanged, or empty when it is exactly
 * an attachment's URL. No attachments: `attachments` is undefined.
 */
export function attachmentsOf(m: Element, body: string): { body: string; attachments?: Attachment[] } {
  const metas = [...statelessFileSharing(m), ...sims(m)];
  const urls: string[] = [];
  for (const x of m.getChildren('x', NS_OOB)) {
    const url = safeAttachmentUrl(x.getChildText('url') ?? undefined);
    if (url) urls.push(url);
  }
  for (const meta of metas) urls.push(...meta.urls.slice(0, 1));
  if (urls.length === 0) {
    const bare = bareUploadUrl(body);
    if (bare) urls.push(bare);
  }
  const seen = new Set<string>();
  const attachments: Attachment[] = [];
  for (const url of urls) {
    if (seen.has(url) || attachments.length >= MAX_ATTACHMENTS) continue;
    seen.add(url);
    const meta = metas.find((x) => x.urls.includes(url)) ?? (metas.length === 1 && urls.length === 1 ? metas[0] : undefined);
    const a: Attachment = { url };
    const name = meta?.name ?? nameFromUrl(url);
    if (name) a.name = name;
    if (meta?.size !== undefined) a.size = meta.size;
    if (meta?.mime) a.mime = meta.mime;
    if (url.startsWith('aesgcm:')) a.encrypted = true;
    attachments.push(a);
  }
  if (attachments.length === 0) return { body };
  const trimmed = body.trim();
  return { body: attachments.some((a) => a.url === trimmed) ? '' : body, attachments };
}
