/**
 * Incoming mail read into what the chat layer needs: ids, addresses, the effective (protected) headers, the text,
 * and what protected it. PGP/MIME (RFC 3156) is decrypted with the own key; the inner entity's headers replace the
 * outer ones (header protection: Delta Chat's outer headers are placeholders). Signatures are checked against the
 * key known for the From address before this message, then against a key the message itself carries.
 *
 * Trust (the message's EncryptionInfo):
 * - not encrypted: scheme `none`;
 * - encrypted and validly signed by the key already known for the From address: `trusted`;
 * - encrypted and signed by a key first seen in this very message (Autocrypt header inside): `unverified`;
 * - encrypted without a valid signature from the From address's key (forged From, unknown signer, inner From not
 *   matching the outer one): `untrusted`. Such a message never teaches keys (no Autocrypt, no gossip).
 */
import { simpleParser, type AddressObject, type HeaderLines, type ParsedMail, type StructuredHeader } from 'mailparser';
import type { Logger } from '../../src/core/logger.js';
import type { Attachment, EncryptionInfo } from '../../src/core/model.js';
import { bareMessageId, messageIds, normalizeAddress } from './address.js';
import { parseAutocrypt, type Autocrypt, type AutocryptHeader } from './autocrypt.js';
import { decrypt, decryptSymmetric, fingerprintOf, isSymmetric, type Decrypted, type PublicKey } from './pgp.js';

export interface InboundMail {
  messageId?: string;
  from?: { address: string; name?: string };
  /** To and Cc addresses (effective headers), folded. */
  recipients: string[];
  subject: string;
  /** Date header in ms. */
  date?: number;
  inReplyTo?: string;
  references: string[];
  /** First value of an effective header (lowercase name), unfolded. */
  header(name: string): string | undefined;
  text: string;
  /** `reaction` for an RFC 9078 reaction. */
  disposition?: string;
  /** For a disposition notification (RFC 8098): the Message-ID it reports on. */
  mdnFor?: string;
  /** Further Message-IDs the same notification covers (Delta Chat's Additional-Message-IDs). */
  mdnAlso: string[];
  encryption: EncryptionInfo;
  /** Files the message carries (name, size, type; `cid:`/`mid:` URLs naming the part in the mail on the server). */
  attachments: Attachment[];
  /** The shared secret that opened a password-encrypted message (SecureJoin v3), if that is how it was encrypted. */
  symmetricSecret?: string;
  /** Autocrypt-Gossip headers of an encrypted, validly signed message (addresses and keys as sent). */
  gossip: AutocryptHeader[];
}

/**
 * Where a received file lives, as an RFC 2392 URL: `mid:<message-id>/<content-id>` when the part has a Content-ID,
 * else `mid:<message-id>` (the file is then picked by its name; Delta Chat mail carries one file). download.ts reads it.
 */
export function attachmentUrl(messageId: string | undefined, contentId: string | undefined): string {
  const mid = `mid:${encodeURIComponent(messageId ?? '')}`;
  return contentId ? `${mid}/${encodeURIComponent(contentId)}` : mid;
}

export const PARSE = { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true } as const;

function unfold(line: string): string {
  const v = line.slice(line.indexOf(':') + 1);
  return v.replace(/\r?\n[ \t]+/g, ' ').trim();
}

function headerValues(lines: HeaderLines, name: string): string[] {
  return lines.filter((l) => l.key === name).map((l) => unfold(l.line));
}

function addresses(v: AddressObject | AddressObject[] | undefined): Array<{ address: string; name?: string }> {
  const out: Array<{ address: string; name?: string }> = [];
  const walk = (list: Array<{ address?: string; name: string; group?: Array<{ address?: string; name: string }> }>) => {
    for (const a of list) {
      if (a.group) walk(a.group);
      else if (a.address) out.push({ address: normalizeAddress(a.address), ...(a.name ? { name: a.name } : {}) });
    }
  };
  for (const o of Array.isArray(v) ? v : v ? [v] : []) walk(o.value);
  return out;
}

/** Delta Chat's footer ("-- " line, RFC 3676 §4.3) and a leading quote of the message replied to are not the text. */
export function chatText(text: string, isReply: boolean): string {
  let t = text.replace(/\r\n/g, '\n');
  const sig = t.lastIndexOf('\n-- \n');
  if (sig >= 0) t = t.slice(0, sig);
  else if (t.startsWith('-- \n')) t = '';
  if (isReply && t.startsWith('>')) {
    const lines = t.split('\n');
    let i = 0;
    while (i < lines.length && lines[i]!.startsWith('>')) i++;
    if (i < lines.length && lines[i] === '') t = lines.slice(i + 1).join('\n');
  }
  return t.replace(/\n+$/, '');
}

/** The ASCII-armored ciphertext of a PGP/MIME message (RFC 3156 §4: the second part of multipart/encrypted). */
export function findArmored(parsed: ParsedMail): string | undefined {
  for (const a of parsed.attachments) {
    const s = a.content.toString('utf8');
    if (s.includes('-----BEGIN PGP MESSAGE-----')) return s;
  }
  if (parsed.text?.includes('-----BEGIN PGP MESSAGE-----')) return parsed.text;
  return undefined;
}

function mdnTarget(parsed: ParsedMail): { original?: string; also: string[] } {
  const ct = parsed.headers.get('content-type') as StructuredHeader | undefined;
  if (ct?.value !== 'multipart/report' || ct.params['report-type'] !== 'disposition-notification') return { also: [] };
  for (const a of parsed.attachments) {
    if (a.contentType !== 'message/disposition-notification') continue;
    const text = a.content.toString('utf8');
    const m = /^Original-Message-ID:\s*(.+)$/im.exec(text);
    const also = /^Additional-Message-IDs:\s*(.+)$/im.exec(text);
    const original = m ? bareMessageId(m[1]) : undefined;
    return { ...(original ? { original } : {}), also: messageIds(also?.[1]) };
  }
  return { also: [] };
}

/**
 * Parses `raw` (the whole message). Encrypted mail that cannot be decrypted comes back with an `encryption.error`
 * and a placeholder text, never with ciphertext. Throws only when the bytes are not mail at all.
 */
export async function readMail(raw: Buffer, ac: Autocrypt, log: Logger, secrets: () => string[] = () => []): Promise<InboundMail> {
  const outer = await simpleParser(raw, PARSE);
  const outerCt = outer.headers.get('content-type') as StructuredHeader | undefined;
  const outerFrom = addresses(outer.from)[0];
  let inner: ParsedMail | undefined;
  let encryption: EncryptionInfo = { scheme: 'none' };
  let verify: ((fromAddress: string, date: number) => Promise<EncryptionInfo>) | undefined;
  let symmetricSecret: string | undefined;

  if (outerCt?.value === 'multipart/encrypted') {
    const armored = findArmored(outer);
    if (!armored) {
      encryption = { scheme: 'openpgp', error: 'the encrypted part is missing' };
    } else {
      try {
        let d: Decrypted | undefined;
        if (await isSymmetric(armored)) {
          // SecureJoin v3: encrypted to a secret shared through the invite link, not to our key.
          for (const secret of secrets()) {
            try {
              d = await decryptSymmetric(armored, secret);
              symmetricSecret = secret;
              break;
            } catch {
              // not this secret
            }
          }
          if (!d) throw new Error('no shared secret opens this message');
        } else {
          d = await decrypt(armored, await ac.ownKey());
        }
        const dec = d;
        inner = await simpleParser(Buffer.from(dec.data), PARSE);
        verify = async (fromAddress, date) => {
          // One check over every candidate: openpgp.js verifies a decrypted message's signatures only once.
          const known = await ac.peerKey(fromAddress);
          const carried: Array<{ header: ReturnType<typeof parseAutocrypt> & object; key: PublicKey }> = [];
          for (const value of headerValues(inner!.headerLines, 'autocrypt')) {
            const h = parseAutocrypt(value);
            if (!h || h.addr !== fromAddress) continue;
            const key = await ac.learnPreview(h);
            if (key) carried.push({ header: h, key });
          }
          const fpr = await dec.verify([...(known ? [known] : []), ...carried.map((c) => c.key)]);
          if (fpr && known && fpr === fingerprintOf(known)) {
            return { scheme: 'openpgp', senderDevice: fpr, trust: ac.verifiedFingerprint(fromAddress) === fpr ? 'verified' : 'trusted' };
          }
          // A key carried by this very message (its protected Autocrypt header) counts only when it signed it.
          const signer = carried.find((c) => fingerprintOf(c.key) === fpr);
          if (fpr && signer) {
            await ac.learn(signer.header, date, false);
            return { scheme: 'openpgp', senderDevice: fpr, trust: 'unverified' };
          }
          return { scheme: 'openpgp', trust: 'untrusted' };
        };
      } catch (e) {
        log.info('cannot decrypt a message', { error: (e as Error).message });
        encryption = { scheme: 'openpgp', error: `cannot decrypt: ${(e as Error).message}` };
      }
    }
  }

  const eff = inner ?? outer;
  let from = addresses(eff.from)[0] ?? outerFrom;
  const date = eff.date?.getTime() ?? outer.date?.getTime();
  if (inner && outerFrom && from && from.address !== outerFrom.address) {
    // The inner From is what the signature covers, the outer what the transport saw; they must agree.
    from = outerFrom;
    verify = async () => ({ scheme: 'openpgp', trust: 'untrusted', error: 'the protected From differs from the envelope From' });
  }
  if (verify && from) encryption = await verify(from.address, date ?? Date.now());
  else if (verify) encryption = { scheme: 'openpgp', trust: 'untrusted' };

  // Autocrypt (Level 1 §2.3): in the clear from the header; inside encryption only when the signature held.
  const trusted = encryption.scheme === 'none' || encryption.trust === 'trusted' || encryption.trust === 'unverified';
  if (from && trusted && !encryption.error) {
    for (const value of headerValues(eff.headerLines, 'autocrypt')) {
      const h = parseAutocrypt(value);
      if (h && h.addr === from.address) await ac.learn(h, date ?? Date.now(), false);
    }
  }
  const recipients = [...addresses(eff.to), ...addresses(eff.cc)].map((a) => a.address);
  // Gossip (§2.4) only from encrypted, signed mail, and only for the message's own recipients.
  const gossip: AutocryptHeader[] = [];
  if (inner && encryption.senderDevice) {
    for (const value of headerValues(inner.headerLines, 'autocrypt-gossip')) {
      const h = parseAutocrypt(value);
      if (!h) continue;
      gossip.push(h);
      if (recipients.includes(h.addr)) await ac.learn(h, date ?? Date.now(), true);
    }
  }

  const header = (name: string): string | undefined => headerValues(eff.headerLines, name)[0];
  const inReplyTo = bareMessageId(header('in-reply-to'));
  const disposition = (eff.headers.get('content-disposition') as StructuredHeader | undefined)?.value?.toLowerCase();
  const mdn = mdnTarget(eff);
  const mdnFor = mdn.original;
  let text = eff.text ?? '';
  if (!eff.text && typeof eff.html === 'string') text = eff.html.replace(/<[^>]*>/g, '');
  // mailparser files a body with a non-inline disposition (an RFC 9078 reaction) as an attachment.
  if (!text && disposition === 'reaction') text = eff.attachments.find((a) => a.contentType === 'text/plain')?.content.toString('utf8') ?? '';
  if (encryption.error && !inner) text = '[encrypted message: cannot decrypt]';
  const messageId = bareMessageId(header('message-id')) ?? bareMessageId(outer.messageId);
  // Files: not the report of an MDN, not the ciphertext, not a reaction's body. RFC 2392 URLs name where they are.
  const attachments: Attachment[] = [];
  if (!mdnFor && disposition !== 'reaction' && !(encryption.error && !inner)) {
    for (const a of eff.attachments) {
      if (a.contentType === 'message/disposition-notification' || a.contentType === 'application/pgp-encrypted' || a.related) continue;
      const cid = a.contentId ? bareMessageId(a.contentId) : undefined;
      attachments.push({
        url: attachmentUrl(messageId, cid),
        ...(a.filename ? { name: a.filename } : {}),
        size: a.size,
        mime: a.contentType,
      });
    }
  }
  return {
    messageId,
    ...(from ? { from } : {}),
    recipients,
    subject: eff.subject ?? '',
    ...(date !== undefined && Number.isFinite(date) ? { date } : {}),
    ...(inReplyTo ? { inReplyTo } : {}),
    references: messageIds(header('references')),
    header,
    text: chatText(text, inReplyTo !== undefined && header('chat-version') !== undefined),
    ...(disposition ? { disposition } : {}),
    ...(mdnFor ? { mdnFor } : {}),
    mdnAlso: mdn.also,
    encryption,
    attachments,
    ...(symmetricSecret ? { symmetricSecret } : {}),
    gossip,
  };
}
