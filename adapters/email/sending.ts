/**
 * Sending a chat message: Delta Chat-compatible MIME (mime-out.ts) to the peer or to every group member, encrypted
 * and signed (PGP/MIME with protected headers, Autocrypt-Gossip in groups) when a key is known for every recipient,
 * in the clear with the own Autocrypt header when none is known yet (Autocrypt Level 1 first contact). When only some
 * recipients have keys the send is refused: natter never falls back to plaintext once encryption is possible for
 * someone in the conversation. Resolves when the SMTP server accepted the message.
 */
import { readFile } from 'node:fs/promises';
import { SendRejected, type OutgoingMessage, type SendResult } from '../../src/core/contract.js';
import { normalizeAddress } from './address.js';
import { formatAutocrypt } from './autocrypt.js';
import { getGroup } from './groups.js';
import { buildEncrypted, buildInner, buildPlain, encodeWords, newMessageId, type HeaderList, type OutgoingMail } from './mime-out.js';
import { encryptAndSign, type PublicKey } from './pgp.js';
import { submit } from './smtp.js';
import { KV_CONTACT, type EmailState } from './state.js';

/** A message to send: the body or reaction and its target, for `conversation`. */
export interface ChatSend {
  conversation: { remoteId: string; kind: string };
  body: string;
  replyTo?: string;
  reaction?: boolean;
  /** Further headers (Chat-Edit, Chat-Delete, Chat-Group-Member-Added, …). */
  headers?: HeaderList;
  /** Recipients besides the group's members (a member being removed still gets the removal). */
  alsoTo?: string[];
  /** A control message (edit, deletion, group change): not a chat message of its own, no receipt asked. */
  control?: boolean;
  /** Group name to send instead of the stored one (a rename announces the new name). */
  groupName?: string;
  attachment?: OutgoingMail['attachment'];
  /** Gossip every recipient's key even to a single recipient (a member-added message must carry the new key). */
  gossip?: boolean;
}

export async function sendChat(s: EmailState, send: ChatSend): Promise<SendResult> {
  const opts = s.opts!;
  const ac = s.ac!;
  const self = opts.address;
  const extra: HeaderList = [];
  let to: string[];
  let subject: string;
  if (send.conversation.kind === 'group') {
    const group = getGroup(s, send.conversation.remoteId);
    if (!group) throw new SendRejected(`unknown group ${send.conversation.remoteId}`);
    to = [...new Set([...group.members, ...(send.alsoTo ?? [])])].filter((m) => m !== self);
    if (to.length === 0) throw new SendRejected('the group has no other members');
    const name = send.groupName ?? group.name;
    subject = name;
    extra.push(['Chat-Group-ID', send.conversation.remoteId], ['Chat-Group-Name', encodeWords(name)]);
  } else {
    to = [normalizeAddress(send.conversation.remoteId)];
    subject = `Message from ${self}`;
  }
  const keys = await ac.keysFor(to);
  const someKeys = (await Promise.all(to.map((r) => ac.peerKey(r)))).filter(Boolean);
  if (!keys && someKeys.length > 0) {
    const missing = [];
    for (const r of to) if (!(await ac.peerKey(r))) missing.push(r);
    throw new SendRejected(`cannot encrypt to ${missing.join(', ')} yet (no key): not sending in the clear`);
  }
  extra.push(['Autocrypt', await ac.ownHeader()]);
  extra.push(...(send.headers ?? []));
  // Ask for read receipts the way Delta Chat does (not for reactions or control messages).
  if (!send.reaction && !send.control) extra.push(['Chat-Disposition-Notification-To', self]);
  const messageId = newMessageId(opts.domain);
  const date = new Date(s.ctx!.now());
  const mail: OutgoingMail = {
    from: self,
    ...(opts.displayName ? { fromName: opts.displayName } : {}),
    to,
    subject,
    date,
    messageId,
    ...(send.replyTo ? { inReplyTo: send.replyTo } : {}),
    extra,
    body: send.body,
    ...(send.reaction ? { disposition: 'reaction' as const } : {}),
    ...(send.attachment ? { attachment: send.attachment } : {}),
  };
  const raw = await render(s, mail, keys, to.length > 1 || send.gossip === true);
  await submit(s, { from: self, to }, raw);
  if (!send.reaction && !send.control) s.rememberMessage(messageId, send.conversation.kind === 'group' ? send.conversation.remoteId : to[0]!);
  for (const r of to) s.kv.set(KV_CONTACT + r, '1');
  return { remoteId: messageId, sentAt: date.getTime(), state: 'sent' };
}

/**
 * The wire form of `mail`: encrypted and signed to `keys` (plus the own key) with Autocrypt-Gossip when `gossip`,
 * or in the clear when `keys` is undefined.
 */
export async function render(s: EmailState, mail: OutgoingMail, keys: PublicKey[] | undefined, gossip: boolean): Promise<Buffer> {
  if (!keys) return buildPlain(mail);
  const own = await s.ac!.ownKey();
  const ownPub = own.toPublic();
  // Autocrypt-Gossip (Level 1 §2.4): in a group every member learns the others' keys.
  if (gossip) {
    for (const [i, r] of mail.to.entries()) mail.extra.push(['Autocrypt-Gossip', formatAutocrypt(r, keys[i]!.write())]);
  }
  const armored = await encryptAndSign(buildInner(mail), [...keys, ownPub], own);
  return buildEncrypted(mail, armored);
}

export async function sendMessage(s: EmailState, message: OutgoingMessage): Promise<SendResult> {
  // Delta Chat has no /me; the action is written out the way IRC users read it.
  const body = message.kind === 'action' ? `* ${message.body}` : message.body;
  let attachment: OutgoingMail['attachment'];
  if (message.attachment) {
    const a = message.attachment;
    if (a.size > s.opts!.maxMessageBytes) throw new SendRejected(`${a.name} is too large to send by mail (${a.size} bytes)`);
    let data: Buffer;
    try {
      data = await readFile(a.path);
    } catch (e) {
      throw new SendRejected(`cannot read ${a.path}: ${(e as Error).message}`, { cause: e });
    }
    attachment = { name: a.name, mime: a.mime, data };
  }
  const result = await sendChat(s, { conversation: message.conversation, body, ...(message.replyTo ? { replyTo: message.replyTo } : {}), ...(attachment ? { attachment } : {}) });
  // The file travels inside the one SMTP transaction: one transfer event once the server took it.
  if (attachment) s.emit({ type: 'transfer', localId: message.localId, sent: attachment.data.length, total: attachment.data.length });
  return result;
}
