/**
 * Read receipts out (RFC 8098 MDNs as Delta Chat sends them): incoming messages that asked for one
 * (`Chat-Disposition-Notification-To`) wait in kv per conversation; markRead sends one MDN to each asker naming the
 * messages read (Original-Message-ID and Additional-Message-IDs), encrypted like any chat message.
 */
import { buildPlain, newMessageId, type OutgoingMail } from './mime-out.js';
import { render } from './sending.js';
import { submit } from './smtp.js';
import type { EmailState } from './state.js';

/** kv prefix: conversation → JSON list of {id, to} awaiting a read receipt, oldest first. */
export const KV_MDN_PENDING = 'mdn:pending:';

interface Pending {
  id: string;
  to: string;
}

function pending(s: EmailState, conversation: string): Pending[] {
  try {
    return JSON.parse(s.kv.get(KV_MDN_PENDING + conversation) ?? '[]') as Pending[];
  } catch {
    return [];
  }
}

export function addPendingReceipt(s: EmailState, conversation: string, id: string, to: string): void {
  const list = pending(s, conversation).filter((p) => p.id !== id);
  list.push({ id, to });
  // A conversation nobody reads must not grow without bound: the oldest requests are dropped.
  s.kv.set(KV_MDN_PENDING + conversation, JSON.stringify(list.slice(-200)));
}

/**
 * Sends receipts for the messages of `conversation` read up to `upTo` (all waiting ones when `upTo` is not among
 * them, e.g. the user's own last message). Nothing is sent twice.
 */
export async function sendReceipts(s: EmailState, conversation: string, upTo: string): Promise<void> {
  const list = pending(s, conversation);
  if (list.length === 0) return;
  const at = list.findIndex((p) => p.id === upTo);
  const done = at >= 0 ? list.slice(0, at + 1) : list;
  s.kv.set(KV_MDN_PENDING + conversation, JSON.stringify(list.slice(done.length)));
  const byAsker = new Map<string, string[]>();
  for (const p of done) byAsker.set(p.to, [...(byAsker.get(p.to) ?? []), p.id]);
  for (const [to, ids] of byAsker) {
    const [original, ...additional] = ids.reverse();
    const mail: OutgoingMail = {
      from: s.opts!.address,
      to: [to],
      subject: 'Receipt Notification',
      date: new Date(s.ctx!.now()),
      messageId: newMessageId(s.opts!.domain),
      extra: [],
      body: '',
      receipt: { original: original!, additional },
    };
    const key = await s.ac!.peerKey(to);
    const raw = key ? await render(s, mail, [key], false) : buildPlain(mail);
    await submit(s, { from: mail.from, to: [to] }, raw);
  }
}
