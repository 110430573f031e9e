/**
 * Outgoing MIME as Delta Chat writes it (https://github.com/chatmail/core/blob/main/spec.md, RFC 3156, RFC 5322,
 * RFC 2047): a text/plain chat message with Chat-Version, and its PGP/MIME form, whose outer headers are minimal
 * (From without name, `To: "hidden-recipients": ;`, Subject `[...]`, Date, Message-ID) while the real headers travel
 * protected inside the ciphertext (`hp="cipher"`, draft-ietf-lamps-header-protection; `protected-headers="v1"` for
 * older readers).
 */
import { randomBytes } from 'node:crypto';

export type HeaderList = Array<[string, string]>;

/** A chat message to be written out. Addresses are plain (`a@b`); ids bare (no angle brackets). */
export interface OutgoingMail {
  from: string;
  fromName?: string;
  to: string[];
  subject: string;
  date: Date;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /** Chat-Version, Chat-Group-*, Autocrypt, Autocrypt-Gossip, … in order. */
  extra: HeaderList;
  body: string;
  /** `reaction` for an RFC 9078 reaction (the body is the emoji). */
  disposition?: 'reaction';
  /** False for SecureJoin handshake steps that Delta Chat sends without Chat-Version. */
  chat?: boolean;
  /** A read receipt (RFC 8098 MDN in a multipart/report, RFC 6522) for these Message-IDs, instead of a text body. */
  receipt?: { original: string; additional: string[] };
  /** A file sent with the text (multipart/mixed: the text part, then the file as an attachment). */
  attachment?: { name: string; mime: string; data: Buffer };
}

/** A MIME parameter value: quoted ASCII, or RFC 2231 `name*=utf-8''…` for anything else. */
function mimeParam(key: string, value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean) && !/["\\]/.test(clean)) return `${key}="${clean}"`;
  return `${key}*=utf-8''${encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** A new Message-ID under the own domain (random, 144 bits). */
export function newMessageId(domain: string): string {
  return `Mr.${randomBytes(12).toString('base64url')}.${randomBytes(6).toString('base64url')}@${domain}`;
}

/** RFC 2047 B-encoding for a header text with anything but printable ASCII; chunks end on character boundaries. */
export function encodeWords(text: string): string {
  // Header values may never carry CR/LF: a name or subject with a line break would inject headers.
  const clean = text.replace(/[\r\n]+/g, ' ');
  if (!/[^\x20-\x7e]/.test(clean) && !/=\?/.test(clean)) return clean;
  const words: string[] = [];
  let chunk = '';
  for (const ch of clean) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/** `"Name" <addr>` (name encoded or quoted), or `<addr>` without a name. */
export function formatAddress(address: string, name?: string): string {
  if (!name) return `<${address}>`;
  const clean = name.replace(/[\r\n]+/g, ' ');
  const enc = encodeWords(clean);
  if (enc !== clean) return `${enc} <${address}>`;
  return `"${clean.replace(/[\\"]/g, (c) => `\\${c}`)}" <${address}>`;
}

/** RFC 5322 date-time. */
export function formatDate(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

function base64Body(text: string): string {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64').match(/.{1,76}/g)?.join('\r\n') ?? '';
}

function headerBlock(headers: HeaderList): string {
  return headers.map(([k, v]) => `${k}: ${v}\r\n`).join('');
}

/** The headers the message is about (From, To, Subject, ids, chat headers), in the order Delta Chat writes them. */
function chatHeaders(mail: OutgoingMail): HeaderList {
  const h: HeaderList = [
    ...(mail.chat === false ? [] : [['Chat-Version', '1.0'] as [string, string]]),
    ['Subject', encodeWords(mail.subject)],
    ['Date', formatDate(mail.date)],
    ['Message-ID', `<${mail.messageId}>`],
  ];
  if (mail.inReplyTo) h.push(['In-Reply-To', `<${mail.inReplyTo}>`]);
  const refs = mail.references?.length ? mail.references : mail.inReplyTo ? [mail.inReplyTo] : [];
  if (refs.length) h.push(['References', refs.map((r) => `<${r}>`).join('\r\n ')]);
  h.push(['From', formatAddress(mail.from, mail.fromName)]);
  h.push(['To', mail.to.map((a) => `<${a}>`).join(',\r\n ')]);
  return [...h, ...mail.extra];
}

/** The body entity: its Content-* headers, a blank line, the content (text, or an MDN report). */
function bodyEntity(mail: OutgoingMail, protectedHeaders: boolean): string {
  const params = protectedHeaders ? '; protected-headers="v1"; hp="cipher"' : '';
  if (mail.receipt) {
    // As Delta Chat writes it (chatmail/core render_mdn): a human part, then the machine-readable notification.
    const b = `mdn-${randomBytes(12).toString('hex')}`;
    const extra = mail.receipt.additional.length ? `Additional-Message-IDs: ${mail.receipt.additional.map((id) => `<${id}>`).join(' ')}\r\n` : '';
    return (
      `Content-Type: multipart/report; report-type=disposition-notification;\r\n boundary="${b}"${params}\r\n\r\n` +
      `--${b}\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\nThis is a receipt notification.\r\n` +
      `--${b}\r\nContent-Type: message/disposition-notification\r\n\r\n` +
      `Original-Recipient: rfc822;${mail.from}\r\nFinal-Recipient: rfc822;${mail.from}\r\n` +
      `Original-Message-ID: <${mail.receipt.original}>\r\n` +
      'Disposition: manual-action/MDN-sent-automatically; displayed\r\n' +
      extra +
      `--${b}--\r\n`
    );
  }
  if (mail.attachment) {
    const b = `mix-${randomBytes(12).toString('hex')}`;
    const a = mail.attachment;
    const mime = /^[\w.+-]+\/[\w.+-]+$/.test(a.mime) ? a.mime : 'application/octet-stream';
    return (
      `Content-Type: multipart/mixed; boundary="${b}"${params}\r\n\r\n` +
      (mail.body
        ? `--${b}\r\nContent-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Body(mail.body)}\r\n`
        : '') +
      `--${b}\r\nContent-Type: ${mime}; ${mimeParam('name', a.name)}\r\n` +
      `Content-Disposition: attachment; ${mimeParam('filename', a.name)}\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
      `${a.data.toString('base64').match(/.{1,76}/g)?.join('\r\n') ?? ''}\r\n` +
      `--${b}--\r\n`
    );
  }
  return (
    `Content-Type: text/plain; charset="utf-8"${params}\r\n` +
    (mail.disposition === 'reaction' ? 'Content-Disposition: reaction\r\n' : '') +
    'Content-Transfer-Encoding: base64\r\n\r\n' +
    base64Body(mail.body) +
    '\r\n'
  );
}

/** The whole message in the clear (before the peers' keys are known): Autocrypt header among `extra`. */
export function buildPlain(mail: OutgoingMail): Buffer {
  const text = headerBlock(chatHeaders(mail)) + 'MIME-Version: 1.0\r\n' + bodyEntity(mail, false);
  return Buffer.from(text, 'utf8');
}

/** The protected inner entity that goes into the ciphertext: every header, then the body. */
export function buildInner(mail: OutgoingMail): Buffer {
  const text = headerBlock(chatHeaders(mail)) + bodyEntity(mail, true);
  return Buffer.from(text, 'utf8');
}

/** The PGP/MIME envelope (RFC 3156 §4) around an armored ciphertext, with the minimal outer headers. */
export function buildEncrypted(mail: Pick<OutgoingMail, 'from' | 'date' | 'messageId' | 'chat'>, armored: string): Buffer {
  const boundary = `nat-${randomBytes(12).toString('hex')}`;
  const headers: HeaderList = [
    // Delta Chat copies Chat-Version outside too, so that servers and clients can tell chat mail without decrypting.
    ...(mail.chat === false ? [] : [['Chat-Version', '1.0'] as [string, string]]),
    ['Subject', '[...]'],
    ['Date', formatDate(mail.date)],
    ['Message-ID', `<${mail.messageId}>`],
    ['From', `<${mail.from}>`],
    ['To', '"hidden-recipients": ;'],
    ['MIME-Version', '1.0'],
    ['Content-Type', `multipart/encrypted; protocol="application/pgp-encrypted";\r\n boundary="${boundary}"`],
  ];
  const text =
    headerBlock(headers) +
    '\r\n' +
    `--${boundary}\r\n` +
    'Content-Type: application/pgp-encrypted\r\n' +
    'Content-Description: PGP/MIME version identification\r\n' +
    '\r\n' +
    'Version: 1\r\n' +
    '\r\n' +
    `--${boundary}\r\n` +
    'Content-Type: application/octet-stream; name="encrypted.asc"\r\n' +
    'Content-Description: OpenPGP encrypted message\r\n' +
    'Content-Disposition: inline; filename="encrypted.asc"\r\n' +
    '\r\n' +
    armored.replace(/\r?\n/g, '\r\n') +
    (armored.endsWith('\n') ? '' : '\r\n') +
    `--${boundary}--\r\n`;
  return Buffer.from(text, 'utf8');
}
