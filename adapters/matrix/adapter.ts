/**
 * The Matrix adapter on matrix-js-sdk 43 with its Rust crypto. This class holds one account's state (state.ts) and
 * maps the Adapter methods onto the modules that do the work: connection.ts (login, client, crypto, sync, stop),
 * timeline.ts and catch-up.ts (live events in order, late decryption, gaps), sending.ts, history.ts and
 * commands.ts. Event handlers live in events/, one file per event kind, over a small Session (session.ts).
 */
import { SetPresence } from 'matrix-js-sdk/lib/sync.js';
import type { Adapter, AdapterContext, HistoryPage, OutgoingMessage, SendResult } from '../../src/core/contract.js';
import type { Attachment } from '../../src/core/model.js';
import { registerSecret } from '../../src/core/logger.js';
import { matrixCapabilities } from './capabilities.js';
import { runCommand } from './commands.js';
import { connect, stopConnection } from './connection.js';
import { downloadAttachment, encryptedFileFor } from './download.js';
import { fetchHistory } from './history.js';
import { readOptions } from './options.js';
import { joinRoom } from './membership.js';
import { sendEdit, sendMessage, sendReaction, sendReadReceipt, sendRedaction, sendTyping } from './sending.js';
import { MatrixState } from './state.js';

export class MatrixAdapter implements Adapter {
  readonly protocol = 'matrix' as const;
  capabilities = matrixCapabilities();

  private readonly s = new MatrixState();

  /** Starts connecting; resolves at once (the connection reports itself through `connection` events). */
  async start(ctx: AdapterContext): Promise<void> {
    const s = this.s;
    s.ctx = ctx;
    s.log = ctx.log.child('matrix');
    s.opts = readOptions(ctx.config);
    s.password = await ctx.secret('password');
    registerSecret(s.password);
    s.stopping = false;
    connect(s);
  }

  /** Persists the sync and crypto state, stops syncing, and reports `offline`. */
  async stop(): Promise<void> {
    await stopConnection(this.s);
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    return sendMessage(this.s, message);
  }

  /** Joins a room by id (`!id:server`) or alias (`#alias:server`); also accepts an invitation. */
  async join(address: string): Promise<void> {
    await joinRoom(this.s, address);
  }

  async leave(remoteId: string): Promise<void> {
    if (!this.s.client) throw new Error('not connected');
    await this.s.client.leave(remoteId);
  }

  /** Refuses an invitation: leaving an invited room rejects it (spec §"Leaving rooms"). */
  async declineInvite(remoteId: string): Promise<void> {
    await this.leave(remoteId);
  }

  /** Pages older messages with /messages; `before` is the previous page's `end` token. */
  async history(remoteId: string, before: string | undefined, limit: number): Promise<HistoryPage> {
    return fetchHistory(this.s, remoteId, before, limit);
  }

  /** See commands.ts: /login-token, /sso, /topic, /nick, /invite, /dm, /create. */
  async command(name: string, args: string[], conversationRemoteId?: string): Promise<void> {
    await runCommand(this.s, name, args, conversationRemoteId);
  }

  async edit(remoteId: string, conversationRemoteId: string, body: string): Promise<void> {
    await sendEdit(this.s, remoteId, conversationRemoteId, body);
  }

  async react(remoteId: string, conversationRemoteId: string, key: string, add: boolean): Promise<void> {
    await sendReaction(this.s, remoteId, conversationRemoteId, key, add);
  }

  async retract(remoteId: string, conversationRemoteId: string): Promise<void> {
    await sendRedaction(this.s, remoteId, conversationRemoteId);
  }

  async markRead(conversationRemoteId: string, upToRemoteId: string): Promise<void> {
    await sendReadReceipt(this.s, conversationRemoteId, upToRemoteId);
  }

  async setTyping(conversationRemoteId: string, active: boolean): Promise<void> {
    await sendTyping(this.s, conversationRemoteId, active);
  }

  /**
   * Idle or back (spec §"Presence"): `unavailable` while idle, `online` again when active, both for the presence
   * API and for the `set_presence` of the following /sync requests (which would otherwise say `online`).
   */
  async setActive(active: boolean): Promise<void> {
    const client = this.s.client;
    if (!client) return;
    const presence = active ? SetPresence.Online : SetPresence.Unavailable;
    await client.setSyncPresence(presence);
    await client.setPresence({ presence });
  }

  /**
   * Fetches a received attachment (`mxc:` link) into `destination`, decrypting an encrypted one with the key its
   * event carried (download.ts); at most `max_download_mb`. Rejects with a plain-words Error.
   */
  async download(attachment: Attachment, destination: string, onProgress?: (received: number, total?: number) => void): Promise<void> {
    const s = this.s;
    if (!s.auth || !s.opts) throw new Error('not connected');
    await downloadAttachment({
      homeserver: s.auth.homeserver,
      accessToken: s.auth.accessToken,
      attachment,
      ...(attachment.encrypted ? { file: encryptedFileFor(s.ctx?.kv, attachment.url) } : {}),
      destination,
      maxBytes: s.opts.maxDownloadBytes,
      ...(onProgress ? { onProgress } : {}),
      ...(s.fetch ? { fetchFn: s.fetch } : {}),
    });
  }

  /** Room ids, aliases and user ids are compared as they are (the spec makes them case-sensitive). */
  normalize(address: string): string {
    return address.trim();
  }
}
