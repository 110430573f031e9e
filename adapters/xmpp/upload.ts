/**
 * Sending a file with a message (OutgoingMessage.attachment) by HTTP File Upload (XEP-0363):
 *
 * 1. find the upload service: the server itself or one of its disco items with `urn:xmpp:http:upload:0`
 *    (XEP-0363 §3), once per connection, and refuse a file above its `max-file-size` before asking for a slot;
 * 2. ask it for a slot (§4) and PUT the file there, streaming from disk, emitting `transfer` events (at most every
 *    {@link PROGRESS_INTERVAL_MS}, plus one at 0 and a final one at the total once the server took it);
 * 3. the caller (sending.ts) sends the message with the GET URL as its body (after any text) and an XEP-0066
 *    `<x xmlns='jabber:x:oob'><url>` of the same URL, as Conversations does, so clients show the file inline.
 *
 * Every failure is a SendRejected in plain words; retryable only for a transient network failure (connection lost
 * while asking, upload server unreachable or reset), so the outbox tries again on the next connection.
 */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import xml, { type Element } from '@xmpp/xml';
import { SendRejected, type OutgoingAttachment, type OutgoingMessage, type SendResult } from '../../src/core/contract.js';
import { IqError } from './iq.js';
import type { Connection, XmppState } from './state.js';
import { putFile, type PutTrust } from './upload-put.js';
import {
  describeSlotError,
  discoItems,
  formatBytes,
  NS_DISCO_INFO,
  NS_DISCO_ITEMS,
  readSlot,
  slotFileName,
  slotMime,
  slotRequest,
  UploadError,
  uploadServiceFromInfo,
  type UploadService,
} from './upload-service.js';

/** XEP-0066 Out of Band Data, the form of a file link every client understands. */
export const NS_OOB = 'jabber:x:oob';
/** Transfer events come no more often than this while a file uploads. */
export const PROGRESS_INTERVAL_MS = 100;

/** What was uploaded: the GET URL others fetch the file from, and what the file is. */
export interface Uploaded {
  url: string;
  name: string;
  size: number;
  mime: string;
}

const services = new WeakMap<Connection, Promise<UploadService | undefined>>();

/** The upload service of the account's server, discovered once per connection (a failed discovery is not kept). */
export function findUploadService(s: XmppState, conn: Connection): Promise<UploadService | undefined> {
  let found = services.get(conn);
  if (!found) {
    found = discover(s, conn);
    services.set(conn, found);
    found.catch(() => services.delete(conn));
  }
  return found;
}

async function discover(s: XmppState, conn: Connection): Promise<UploadService | undefined> {
  const domain = s.opts!.jid.domain;
  const ask = (ns: string, to: string) => s.iq(conn, 'get', xml('query', { xmlns: ns }), to);
  // An error from the server's own disco#info only means the service is not the server itself.
  const own = uploadServiceFromInfo(domain, await ask(NS_DISCO_INFO, domain).catch(() => undefined));
  if (own) return own;
  const items = discoItems(await ask(NS_DISCO_ITEMS, domain));
  const found = await Promise.all(items.map((jid) => ask(NS_DISCO_INFO, jid).then((info) => uploadServiceFromInfo(jid, info), () => undefined)));
  return found.find((x) => x !== undefined);
}

/** Uploads `a` for the message `localId`; resolves with the GET URL, rejects with SendRejected. */
export async function uploadAttachment(s: XmppState, localId: string, a: OutgoingAttachment): Promise<Uploaded> {
  const conn = s.conn;
  if (!conn?.online || conn.closed) throw new SendRejected('not connected', { retryable: true });
  const name = slotFileName(a.name || a.path);
  const mime = slotMime(a.mime);
  let size: number;
  try {
    const st = await stat(a.path);
    if (!st.isFile()) throw new SendRejected(`${a.path} is not a file`);
    // What is on disk now is what goes out (the size given with the attachment may be stale).
    size = st.size;
  } catch (e) {
    if (e instanceof SendRejected) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new SendRejected(`cannot read ${a.path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(e)}`, { cause: e });
  }

  let service: UploadService | undefined;
  try {
    service = await findUploadService(s, conn);
  } catch (e) {
    throw new SendRejected('could not find the upload service: the server did not answer', { cause: e, retryable: true });
  }
  if (!service) throw new SendRejected('this server offers no file upload (XEP-0363 HTTP File Upload)');
  if (service.maxFileSize !== undefined && size > service.maxFileSize) {
    const [have, max] = [formatBytes(size), formatBytes(service.maxFileSize)];
    // Just above the limit both round alike: then say the exact byte counts.
    const words = have === max ? `${size} bytes, the server takes at most ${service.maxFileSize} bytes` : `${have}, the server takes at most ${max}`;
    throw new SendRejected(`${name} is too large to upload: ${words}`);
  }

  let answer: Element;
  try {
    answer = await s.iq(conn, 'get', slotRequest({ name, size, mime }), service.jid);
  } catch (e) {
    if (e instanceof IqError) throw new SendRejected(describeSlotError(e.condition, e.text), { cause: e });
    throw new SendRejected('the upload service did not answer', { cause: e, retryable: true });
  }

  try {
    const slot = readSlot(answer);
    s.log.info('uploading', { localId, size, host: new URL(slot.put).host });
    const progress = progressReporter((sent) => s.emit({ type: 'transfer', localId, sent, total: size }));
    progress.report(0, true);
    await putFile({ url: slot.put, headers: slot.headers, path: a.path, size, mime, trust: trustOf(s), onProgress: (n) => progress.report(n) });
    progress.report(size, true);
    return { url: slot.get, name, size, mime };
  } catch (e) {
    if (e instanceof UploadError) throw new SendRejected(e.message, { cause: e, retryable: e.retryable });
    throw e;
  }
}

/** Reports monotonic progress at most every PROGRESS_INTERVAL_MS; `force` reports now (the first and last). */
export function progressReporter(emit: (sent: number) => void, now: () => number = () => performance.now()): { report(sent: number, force?: boolean): void } {
  let last = -1;
  let at = -Infinity;
  return {
    report(sent, force = false) {
      if (sent < last) return;
      const t = now();
      if (!force && (sent === last || t - at < PROGRESS_INTERVAL_MS)) return;
      last = sent;
      at = t;
      emit(sent);
    },
  };
}

/** The account's TLS trust (and proxy) for HTTP transfers: system roots + ca_file, the pin, or accept-all. */
export function trustOf(s: XmppState): PutTrust {
  const o = s.opts!;
  let ca: Buffer | undefined;
  if (o.caFile) {
    try {
      ca = readFileSync(o.caFile);
    } catch (e) {
      throw new UploadError(`cannot read ca_file ${o.caFile}`, { cause: e });
    }
  }
  // With a proxy the PUT goes through it too (no local DNS lookup of the upload host).
  return { ...(ca ? { ca } : {}), ...(o.fingerprint ? { fingerprint: o.fingerprint } : {}), acceptInvalidCerts: o.acceptInvalidCerts, ...(o.proxy ? { proxy: o.proxy } : {}) };
}

/** The body of a message that carries an upload: the URL alone (what clients show inline), or the text then the URL. */
export function bodyWithUpload(text: string, upload: Uploaded | undefined): string {
  if (!upload) return text;
  return text.trim() ? `${text}\n${upload.url}` : upload.url;
}

/** The XEP-0066 `<x xmlns='jabber:x:oob'><url>` of an upload, or nothing. */
export function oobElement(upload: Uploaded | undefined): Element | undefined {
  return upload ? xml('x', { xmlns: NS_OOB }, xml('url', {}, upload.url)) : undefined;
}

/**
 * After the server accepted a message with an upload: an echo of the own message (localId, remote id, and the
 * attachment with its https URL), so the engine replaces the pending row's local file with the link others see.
 * Rooms confirm by their reflection, which is not reported again; one-to-one messages come back to no one else.
 */
export function reportUploaded(s: XmppState, message: OutgoingMessage, upload: Uploaded, result: SendResult): SendResult {
  const room = message.conversation.kind === 'group' || message.conversation.kind === 'channel';
  s.emit({
    type: 'message',
    message: {
      conversation: { remoteId: message.conversation.remoteId, kind: room ? 'group' : 'direct' },
      localId: message.localId,
      ...(result.remoteId ? { remoteId: result.remoteId } : {}),
      ...(result.sentAt !== undefined ? { sentAt: result.sentAt } : {}),
      senderId: s.opts!.bare,
      direction: 'out',
      kind: message.kind === 'action' ? 'action' : 'text',
      body: message.body,
      attachments: [{ url: upload.url, name: upload.name, size: upload.size, mime: upload.mime }],
    },
  });
  return result;
}

/**
 * An end-to-end encrypted message (OMEMO put an `<encrypted/>` in the stanza) must not carry the file's link in the
 * clear next to it: the OOB element goes; the link stays inside the encrypted body. (With OMEMO on the file itself is
 * encrypted first, XEP-0454, and its `aesgcm:` link never gets an OOB element: omemo-glue.ts.)
 */
export function dropClearLinkWhenEncrypted(stanza: Element): void {
  if (!stanza.getChildElements().some((c) => c.name === 'encrypted')) return;
  stanza.children = stanza.children.filter((c) => typeof c === 'string' || !(c.name === 'x' && c.getNS() === NS_OOB));
}
