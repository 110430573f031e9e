/**
 * The email adapter: chat over IMAP/SMTP, compatible with Delta Chat. This class holds one account's state
 * (state.ts) and maps the Adapter methods onto the modules that do the work: imap-connection.ts (connect, IDLE,
 * reconnect, stop), sync.ts (UID-based INBOX sync), sending.ts (MIME, Autocrypt, SMTP), groups.ts, commands.ts.
 * Inbound mail goes to events/*, one file per kind.
 */
import type { Adapter, AdapterContext, HistoryPage, OutgoingMessage, SendResult } from '../../src/core/contract.js';
import type { Attachment } from '../../src/core/model.js';
import { CommandError } from '../../src/core/errors.js';
import { registerSecret } from '../../src/core/logger.js';
import { proxyFromContext } from '../../src/core/net/proxy.js';
import { normalizeAddress } from './address.js';
import { Autocrypt } from './autocrypt.js';
import { applyDiscovery } from './discovery.js';
import { downloadAttachment } from './download.js';
import { emailCapabilities } from './capabilities.js';
import { leaveGroup, sendDelete, sendEdit } from './editing.js';
import { getGroup } from './groups.js';
import { runCommand, startJoin } from './commands.js';
import { connect, stopConnection } from './imap-connection.js';
import { readOptions } from './options.js';
import { sendReceipts } from './receipts.js';
import { sendChat, sendMessage } from './sending.js';
import { EmailState } from './state.js';

export class EmailAdapter implements Adapter {
  readonly protocol = 'email' as const;
  capabilities = emailCapabilities();

  /** Shared with tests and tools in this adapter's directory; not part of the contract. */
  readonly s = new EmailState();

  async start(ctx: AdapterContext): Promise<void> {
    const s = this.s;
    s.ctx = ctx;
    s.log = ctx.log.child('email');
    s.opts = readOptions(ctx.config);
    const proxy = await proxyFromContext(ctx);
    if (proxy) s.opts.proxy = proxy;
    s.password = (await ctx.secret('password')) ?? '';
    registerSecret(s.password);
    s.ac = new Autocrypt(ctx.kv, s.opts.address, s.log);
    s.stopping = false;
    if (s.opts.discoverImap || s.opts.discoverSmtp) await applyDiscovery(s);
    connect(s);
  }

  async stop(): Promise<void> {
    await stopConnection(this.s);
  }

  /** Resolves with the Message-ID as remote id once the SMTP server accepted the message. */
  async send(message: OutgoingMessage): Promise<SendResult> {
    return sendMessage(this.s, message);
  }

  /** Opens a 1:1 chat with an address (nothing goes out until the first message), or joins from an invite link. */
  async join(address: string): Promise<void> {
    if (/^(openpgp4fpr:|https:\/\/i\.delta\.chat\/)/i.test(address.trim())) {
      await startJoin(this.s, address);
      return;
    }
    const a = normalizeAddress(address);
    if (!/^[^@\s<>]+@[^@\s<>]+$/.test(a)) throw new CommandError(`not an email address: ${address}`);
    this.s.emit({ type: 'conversation', conversation: { remoteId: a, kind: 'direct', title: a, joined: true } });
  }

  /** Leaves a group (its members are told, as Delta Chat does); a 1:1 chat is only closed here. */
  async leave(remoteId: string): Promise<void> {
    if (!remoteId.includes('@') && getGroup(this.s, remoteId)) {
      await leaveGroup(this.s, remoteId);
      return;
    }
    this.s.emit({ type: 'conversation', conversation: { remoteId, kind: remoteId.includes('@') ? 'direct' : 'group', joined: false } });
  }

  /** Chat mail lives in INBOX and is read by the sync; there is no older server-side history to page. */
  async history(): Promise<HistoryPage> {
    return { messages: [] };
  }

  /** `/group`, `/add`, `/remove`, `/rename`, `/invite`, `/join` (see commands.ts). */
  async command(name: string, args: string[], conversationRemoteId?: string): Promise<void> {
    await runCommand(this.s, name, args, conversationRemoteId);
  }

  /** An RFC 9078 reaction as Delta Chat sends it; `add: false` sends an empty reaction (withdrawn). */
  async react(remoteId: string, conversationRemoteId: string, key: string, add: boolean): Promise<void> {
    const kind = conversationRemoteId.includes('@') ? 'direct' : 'group';
    await sendChat(this.s, { conversation: { remoteId: conversationRemoteId, kind }, body: add ? key : '', replyTo: remoteId, reaction: true });
  }

  /** A Delta Chat edit (`Chat-Edit`) of an own message. */
  async edit(remoteId: string, conversationRemoteId: string, body: string): Promise<void> {
    await sendEdit(this.s, remoteId, conversationRemoteId, body);
  }

  /** A Delta Chat deletion request (`Chat-Delete`) for an own message. */
  async retract(remoteId: string, conversationRemoteId: string): Promise<void> {
    await sendDelete(this.s, remoteId, conversationRemoteId);
  }

  /** Sends read receipts (MDN) for the conversation's messages up to `upToRemoteId` that asked for one. */
  async markRead(conversationRemoteId: string, upToRemoteId: string): Promise<void> {
    await sendReceipts(this.s, conversationRemoteId, upToRemoteId);
  }

  /**
   * Fetches a received file (its `mid:` URL names the mail and part) from INBOX into `destination`, decrypted when
   * the mail was PGP/MIME; at most `max_message_bytes`. Rejects with a plain-words Error (download.ts).
   */
  async download(attachment: Attachment, destination: string, onProgress?: (received: number, total?: number) => void): Promise<void> {
    await downloadAttachment(this.s, attachment, destination, onProgress);
  }

  normalize(address: string): string {
    return normalizeAddress(address);
  }
}
