/**
 * The XMPP adapter on xmpp.js (@xmpp/* 0.14): client.ts composes the stream (TLS, SASL, binding, stream
 * management); this class holds one account's state (state.ts) and maps the Adapter methods onto the modules that
 * do the work: connection.ts (connect, online set-up, close and reconnect with backoff, stop), catch-up.ts (archive
 * catch-up after a connection), room-membership.ts (join, leave), sending.ts (messages, chat states), history.ts
 * (archive paging) and commands.ts. Inbound stanzas go to events/*, one file per stanza family.
 */
import type { Adapter, AdapterContext, HistoryPage, OutgoingMessage, SendResult } from '../../src/core/contract.js';
import { registerSecret } from '../../src/core/logger.js';
import { proxyFromContext } from '../../src/core/net/proxy.js';
import { xmppCapabilities } from './capabilities.js';
import { runCommand } from './commands.js';
import { connect, stopConnection } from './connection.js';
import { setClientActive } from './csi.js';
import { fetchHistory } from './history.js';
import { normalizeJid } from './jid.js';
import { readOptions } from './options.js';
import { sendDisplayed, sendEdit, sendReaction, sendRetraction } from './rich-sending.js';
import { declineInvitation } from './invitations.js';
import { joinRoomOrContact, leaveRoomAndBookmark } from './membership-extras.js';
import { sendMessage, sendTyping } from './sending.js';
import { makeSession } from './session.js';
import { OMEMO_NOTIFY_FEATURES, OmemoPipeline } from './omemo/pipeline.js';
import { deviceChangeLine } from './omemo-glue.js';
import { FEATURES } from './disco.js';
import { XmppState } from './state.js';

export { KV_MAM_LAST, KV_MAM_ROOM } from './catch-up.js';

export class XmppAdapter implements Adapter {
  readonly protocol = 'xmpp' as const;
  capabilities = xmppCapabilities();

  private readonly s = new XmppState();

  async start(ctx: AdapterContext): Promise<void> {
    const s = this.s;
    s.ctx = ctx;
    s.log = ctx.log.child('xmpp');
    s.opts = readOptions(ctx.config);
    const proxy = await proxyFromContext(ctx);
    if (proxy) s.opts.proxy = proxy;
    s.password = (await ctx.secret('password')) ?? '';
    registerSecret(s.password);
    if (ctx.config.omemo === true) {
      s.omemo = new OmemoPipeline({
        kv: ctx.kv,
        own: s.opts.bare,
        log: s.log.child('omemo'),
        now: () => ctx.now(),
        notice: (level, text) => s.emit({ type: 'notice', level, text }),
        // A contact's new device or changed key: a line in that conversation, not only the status line.
        deviceChange: (change) => deviceChangeLine(s, change),
      });
      // Contacts' device-list changes arrive as PEP notifications (XEP-0163 §6) once our caps ask for them.
      for (const f of OMEMO_NOTIFY_FEATURES) FEATURES.add(f);
    }
    s.session = makeSession(s);
    s.stopping = false;
    connect(s);
  }

  async stop(reason?: string): Promise<void> {
    await stopConnection(this.s, reason);
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    return sendMessage(this.s, message);
  }

  async join(address: string, options?: { password?: string }): Promise<void> {
    await joinRoomOrContact(this.s, address, options);
  }

  async leave(remoteId: string, reason?: string): Promise<void> {
    leaveRoomAndBookmark(this.s, remoteId, reason);
  }

  /**
   * Pages backwards through the archive (XEP-0313): the room's own archive for a room, else the own archive
   * filtered by the contact. `before` is the RSM cursor of the previous page (the oldest archive id it held).
   */
  async history(remoteId: string, before: string | undefined, limit: number): Promise<HistoryPage> {
    return fetchHistory(this.s, remoteId, before, limit);
  }

  /**
   * XMPP commands without a portable action: `/topic <text>` sets a room's subject (XEP-0045 §8.1); `/nick <name>`
   * changes the own nick in the room (§7.6), or in every room when typed outside one; the contact commands of
   * roster-commands.ts (`/add`, `/remove`, `/accept`, `/deny`, `/block`, `/unblock`).
   */
  async command(name: string, args: string[], conversationRemoteId?: string): Promise<void> {
    await runCommand(this.s, name, args, conversationRemoteId);
  }

  /**
   * Chat states (XEP-0085): `composing` while the user types, `paused` when they stop, each sent once per change,
   * with a no-store hint (XEP-0334) so archives stay free of them. Rooms get them as group chat messages.
   */
  async setTyping(conversationRemoteId: string, active: boolean): Promise<void> {
    sendTyping(this.s, conversationRemoteId, active);
  }

  /** Last Message Correction (XEP-0308) of our message `remoteId` (rich-sending.ts). */
  async edit(remoteId: string, conversationRemoteId: string, body: string): Promise<void> {
    await sendEdit(this.s, remoteId, conversationRemoteId, body);
  }

  /** Message Reactions (XEP-0444): sends our complete new set of reactions to message `remoteId`. */
  async react(remoteId: string, conversationRemoteId: string, key: string, add: boolean): Promise<void> {
    await sendReaction(this.s, remoteId, conversationRemoteId, key, add);
  }

  /** Message Retraction (XEP-0424); in a room, someone else's message is moderated (XEP-0425) if we may. */
  async retract(remoteId: string, conversationRemoteId: string): Promise<void> {
    await sendRetraction(this.s, remoteId, conversationRemoteId);
  }

  /** Chat Markers (XEP-0333): `displayed` for the newest markable message up to `upToRemoteId`. */
  async markRead(conversationRemoteId: string, upToRemoteId: string): Promise<void> {
    await sendDisplayed(this.s, conversationRemoteId, upToRemoteId);
  }

  /** Client State Indication (XEP-0352, csi.ts): inactive while the user is idle; remembered across reconnects. */
  async setActive(active: boolean): Promise<void> {
    setClientActive(this.s, this.s.csi, active);
  }

  /** Refuses an invitation into a room: the mediated decline through the room (XEP-0045 §7.8.2, invitations.ts). */
  async declineInvite(remoteId: string): Promise<void> {
    declineInvitation(this.s, remoteId);
  }

  normalize(address: string): string {
    return normalizeJid(address);
  }
}
