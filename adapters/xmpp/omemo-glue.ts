/**
 * Where the OMEMO parts (omemo/) meet the adapter's state: encrypted uploads (XEP-0454) for sending.ts, the host of
 * the `/omemo` and `/download` commands, and the lines a contact's new device or changed key leaves in the
 * conversation it was seen in.
 */
import type { Element } from '@xmpp/xml';
import { SendRejected, type OutgoingAttachment } from '../../src/core/contract.js';
import type { EncryptionInfo } from '../../src/core/model.js';
import { bareJid } from './jid.js';
import { conversationOmemo } from './omemo/conversation-policy.js';
import { aesgcmUrl } from './omemo/aesgcm.js';
import type { OmemoCommandHost } from './omemo/commands.js';
import { downloadAesgcm, downloadDir, encryptToTempFile, FileTransferError } from './omemo/file-transfer.js';
import { OmemoEncryptError, type DeviceChange } from './omemo/pipeline.js';
import type { Connection, XmppState } from './state.js';
import { trustOf, uploadAttachment, type Uploaded } from './upload.js';
import { groupFingerprint } from './omemo/commands.js';

/**
 * Encrypts a chat stanza in place with OMEMO for the contact, or for a room's members (their real JIDs, XEP-0384 §6);
 * undefined when no one there publishes devices (sent as is). Never in the clear when encryption is due but fails:
 * SendRejected in plain words.
 */
export async function encryptOrRefuse(s: XmppState, conn: Connection, stanza: Element, to: string, members?: string[]): Promise<EncryptionInfo | undefined> {
  const request = (iq: Element) => s.request(conn, iq);
  try {
    if (members) return await s.omemo!.encryptGroupOutgoing(stanza, to, members, request);
    return await s.omemo!.encryptOutgoing(stanza, to, request);
  } catch (e) {
    if (e instanceof OmemoEncryptError) throw new SendRejected(e.message, { cause: e });
    throw new SendRejected('OMEMO encryption failed; the message was not sent', { cause: e, retryable: true });
  }
}

/**
 * A correction (XEP-0308) of a message in a conversation goes as its messages do (conversation-policy.ts): its new
 * text encrypted when OMEMO is due, never in the clear where `/omemo on` is set.
 */
export async function encryptCorrection(s: XmppState, conn: Connection, stanza: Element, conversation: string): Promise<void> {
  if (!s.omemo) return;
  // A private message through a room (room/nick) is one-to-one, not for the room's members.
  const room = conversation.includes('/') ? undefined : s.rooms.get(bareJid(conversation));
  const policy = conversationOmemo(s.ctx!.kv, room?.jid ?? bareJid(conversation) ?? conversation);
  if (policy === 'off') return;
  const members = room ? [...room.occupants.values()].flatMap((p) => (p.account ? [p.account] : [])) : undefined;
  const info = await encryptOrRefuse(s, conn, stanza, room ? room.jid : conversation, members);
  if (!info && policy === 'on') throw new SendRejected('not sent: OMEMO is on in this conversation (/omemo on) but no one here publishes OMEMO devices; /omemo off sends it unencrypted');
}

/** Whether the contact (or any of a room's members) publishes OMEMO devices: then a file is encrypted before upload. */
export async function omemoPeersPublish(s: XmppState, conn: Connection, conversation: string, members?: string[]): Promise<boolean> {
  const omemo = s.omemo;
  if (!omemo) return false;
  const request = (iq: Parameters<XmppState['request']>[1]) => s.request(conn, iq);
  const peers = members ? members.map((m) => m.split('/')[0]!.toLowerCase()).filter((m) => m !== s.opts!.bare) : [conversation];
  for (const p of peers) if ((await omemo.publishedDevices(p, request)).length > 0) return true;
  return false;
}

/**
 * Encrypts the attachment (AES-256-GCM, XEP-0454), uploads the ciphertext under a random slot name, and returns the
 * `aesgcm://` link (the key in its fragment) with the original name, size and type for the message and the echo.
 */
export async function uploadEncrypted(s: XmppState, localId: string, a: OutgoingAttachment): Promise<Uploaded> {
  let enc;
  try {
    enc = encryptToTempFile(a.path, a.name || a.path);
  } catch (e) {
    throw new SendRejected(e instanceof FileTransferError ? e.message : `cannot encrypt ${a.path}: ${String(e)}`, { cause: e });
  }
  try {
    const up = await uploadAttachment(s, localId, { path: enc.path, name: enc.slotName, size: enc.size, mime: 'application/octet-stream' });
    return { url: aesgcmUrl(up.url, enc.key, enc.iv), name: a.name, size: a.size, mime: a.mime };
  } finally {
    enc.cleanup();
  }
}

/** The `/omemo` command host over the adapter's state (omemo/commands.ts). */
export function omemoCommandHost(s: XmppState, conn: Connection | undefined): OmemoCommandHost {
  const online = conn && !conn.closed && conn.online ? conn : undefined;
  return {
    pipeline: s.omemo!,
    kv: s.ctx!.kv,
    own: s.opts!.bare,
    ...(online ? { request: (iq) => s.request(online, iq) } : {}),
    room: (conversation) => {
      const room = s.rooms.get(conversation);
      return room ? { members: [...room.occupants.values()].flatMap((p) => (p.account ? [p.account] : [])) } : undefined;
    },
    show: (conversation, lines) => showLines(s, conversation, lines),
    download: (link) => downloadAesgcm(link, downloadDir(typeof s.ctx!.config.download_dir === 'string' ? s.ctx!.config.download_dir : undefined, s.ctx!.accountId), trustOf(s)),
  };
}

/**
 * Lines for the user in a conversation: one `system` message from "OMEMO" (kept in the timeline, never sent), or a
 * notice on the status line outside a conversation.
 */
export function showLines(s: XmppState, conversation: string | undefined, lines: string[], level: 'info' | 'warn' = 'info'): void {
  if (!conversation) {
    s.emit({ type: 'notice', level, text: lines.join('\n') });
    return;
  }
  const room = s.rooms.get(conversation);
  s.emit({
    type: 'message',
    message: {
      conversation: { remoteId: room?.jid ?? conversation, kind: room ? 'group' : 'direct' },
      senderId: 'OMEMO',
      senderName: 'OMEMO',
      direction: 'in',
      kind: 'system',
      body: lines.join('\n'),
      sentAt: s.ctx!.now(),
      ext: { omemoNotice: true },
    },
  });
}

/**
 * A contact's new device or changed key: an unmistakable line in the conversation it was seen in, saying what it
 * means and what to do (issue #4).
 */
export function deviceChangeLine(s: XmppState, c: DeviceChange): void {
  // The devices of a contact met for the first time are only a status notice (the pipeline's): a line in every new
  // conversation would be noise. A device added later, or a changed key, is what the user must not miss.
  if (c.kind === 'added' && c.first) return;
  const fp = groupFingerprint(c.fingerprint);
  const text =
    c.kind === 'changed'
      ? [
          `⚠ THE OMEMO KEY OF ${c.jid}'S DEVICE ${c.deviceId} CHANGED. It gets nothing and what it sends is marked untrusted until you decide.`,
          `new fingerprint: ${fp}`,
          `compare it with ${c.jid} (another channel, or their QR code), then /omemo trust ${c.fingerprint.replace(/ /g, '')}`,
        ]
      : [
          `⚠ ${c.jid} HAS A NEW OMEMO DEVICE ${c.deviceId}, fingerprint ${fp}.`,
          `It receives this conversation's messages from now on. If ${c.jid} did not add a device, type /omemo distrust ${c.deviceId}.`,
        ];
  showLines(s, c.conversation, text, 'warn');
}
