/**
 * INBOX sync by UID (RFC 9051 §2.3.1.1): kv holds the mailbox's UIDVALIDITY and the highest UID looked at. Each pass
 * fetches only the chosen header fields of messages after that UID (BODY.PEEK: no \Seen flag is set, other mail stays
 * untouched), picks the chat mail among them, downloads those whole, hands them to the inbound dispatcher in UID
 * order, and moves the stored UID forward after each one. So nothing is fetched twice, and a pass cut short by a
 * dropped connection or a restart continues where it stopped. A changed UIDVALIDITY means the UIDs were reassigned:
 * the mailbox is read again from the start (the engine dedups by Message-ID).
 */
import { dispatchMail } from './events/index.js';
import { readMail } from './mime-in.js';
import { fingerprintOf } from './pgp.js';
import { candidateSecrets } from './securejoin.js';
import { KV_CONTACT, KV_LAST_UID, KV_UIDVALIDITY, type EmailState, type ImapConnection } from './state.js';
import { bareMessageId, messageIds, normalizeAddress } from './address.js';

/** The header fields that decide whether a message is chat (fetched for every new message). */
const HEADER_FIELDS = ['chat-version', 'content-type', 'in-reply-to', 'references', 'from', 'message-id'];
/** Bodies are downloaded in batches of this many messages. */
const BODY_BATCH = 20;

/** Header fields of a raw header block, names lowercased, continuation lines unfolded. */
export function parseHeaderBlock(block: Buffer | string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!block) return out;
  const text = block.toString().replace(/\r?\n[ \t]+/g, ' ');
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(i + 1).trim());
  }
  return out;
}

/**
 * Whether a message may be chat, from its headers alone: Chat-Version; PGP/MIME (Delta Chat hides Chat-Version
 * inside the ciphertext); a reply to a known chat message; or, as an option, mail from a known contact.
 */
export function mayBeChat(s: EmailState, h: Map<string, string>): boolean {
  if (h.has('chat-version')) return true;
  if (/^\s*multipart\/encrypted/i.test(h.get('content-type') ?? '')) return true;
  const refs = [...messageIds(h.get('in-reply-to')), ...messageIds(h.get('references'))];
  if (refs.some((id) => s.conversationOf(id) !== undefined)) return true;
  if (s.opts!.classicFromContacts) {
    const m = /<([^<>\s]+@[^<>\s]+)>/.exec(h.get('from') ?? '') ?? /(\S+@\S+)/.exec(h.get('from') ?? '');
    if (m?.[1] && s.kv.get(KV_CONTACT + normalizeAddress(m[1]))) return true;
  }
  return false;
}

/** Asks for a sync pass on `conn`; one runs at a time, a request during a pass makes it run once more. */
export function requestSync(s: EmailState, conn: ImapConnection): void {
  if (s.syncing) {
    s.syncAgain = true;
    return;
  }
  s.syncing = (async () => {
    try {
      do {
        s.syncAgain = false;
        if (!conn.online || conn.closed || s.conn !== conn) return;
        await syncPass(s, conn);
      } while (s.syncAgain);
    } catch (e) {
      s.log.info('sync pass ended early', { error: (e as Error).message });
    } finally {
      s.syncing = undefined;
    }
    idle(s, conn);
  })();
}

/**
 * Waits for news with IDLE (RFC 2177) until the next command breaks it (imapflow ends IDLE before any command and
 * restarts it every maxIdleTime). New mail arrives as EXISTS, which asks for a sync pass.
 */
function idle(s: EmailState, conn: ImapConnection): void {
  if (!conn.online || conn.closed || s.conn !== conn || s.syncing || s.stopping || conn.idling) return;
  conn.idling = true;
  // IDLE also ends on its own after maxIdleTime: go back into it unless a command (a sync pass) took over.
  conn.client.idle().then(
    () => {
      conn.idling = false;
      setImmediate(() => idle(s, conn));
    },
    (e: unknown) => {
      conn.idling = false;
      s.log.debug('idle ended', { error: (e as Error).message });
    },
  );
}

async function syncPass(s: EmailState, conn: ImapConnection): Promise<void> {
  const client = conn.client;
  const box = client.mailbox;
  if (!box) return;
  const validity = String(box.uidValidity);
  if (s.kv.get(KV_UIDVALIDITY) !== validity) {
    if (s.kv.get(KV_UIDVALIDITY) !== undefined) s.log.warn('INBOX UIDVALIDITY changed: reading it again from the start', { validity });
    s.kv.batch([
      { key: KV_UIDVALIDITY, value: validity },
      { key: KV_LAST_UID, value: '0' },
    ]);
  }
  const last = Number(s.kv.get(KV_LAST_UID) ?? '0');
  if (box.exists === 0) return;
  const candidates: Array<{ uid: number; size: number }> = [];
  let highest = last;
  // `n:*` always includes the newest message even when its UID is below n (RFC 9051 §6.4.8): filter it out.
  for await (const m of client.fetch(`${last + 1}:*`, { uid: true, size: true, headers: HEADER_FIELDS }, { uid: true })) {
    if (m.uid <= last) continue;
    highest = Math.max(highest, m.uid);
    if (mayBeChat(s, parseHeaderBlock(m.headers))) candidates.push({ uid: m.uid, size: m.size ?? 0 });
  }
  if (highest === last) return;
  candidates.sort((a, b) => a.uid - b.uid);
  const max = s.opts!.maxMessageBytes;
  for (let i = 0; i < candidates.length; i += BODY_BATCH) {
    const batch = candidates.slice(i, i + BODY_BATCH);
    const wanted = batch.filter((c) => c.size <= max).map((c) => c.uid);
    const sources = new Map<number, { source: Buffer; internalDate?: number }>();
    if (wanted.length > 0) {
      for await (const m of client.fetch(wanted.join(','), { uid: true, source: true, internalDate: true }, { uid: true })) {
        if (m.source) sources.set(m.uid, { source: m.source, ...(m.internalDate ? { internalDate: new Date(m.internalDate).getTime() } : {}) });
      }
    }
    for (const c of batch) {
      const got = sources.get(c.uid);
      if (!got) {
        if (c.size > max) s.log.warn('skipped a message larger than max_message_bytes', { uid: c.uid, size: c.size });
      } else {
        await handleRaw(s, got.source, got.internalDate);
      }
      s.kv.set(KV_LAST_UID, String(c.uid));
      if (!conn.online || conn.closed) return;
    }
  }
  s.kv.set(KV_LAST_UID, String(highest));
}

/** Reads one message and dispatches it; broken mail is logged and skipped, never stops the sync. */
export async function handleRaw(s: EmailState, raw: Buffer, receivedAt?: number): Promise<void> {
  try {
    const own = fingerprintOf(await s.ac!.ownKey());
    const mail = await readMail(raw, s.ac!, s.log, () => candidateSecrets(s, own));
    await dispatchMail(s, mail, receivedAt);
  } catch (e) {
    s.log.warn('skipped a message that cannot be read', { error: (e as Error).message, id: bareMessageId(parseHeaderBlock(raw.subarray(0, 8192)).get('message-id')) });
  }
}
