/**
 * The EngineApi of a UI attached to a daemon. Reads come from the profile's database opened read-only in this
 * process (synchronous, as the UI needs them, and never waiting for the daemon's event loop); actions go over the
 * socket; the daemon's ChangeSets arrive over the socket with the in-memory state they touched (status line, own
 * names, typing, upload progress) and are handed to the UI's subscribers unchanged.
 *
 * While the link to the daemon is down the UI keeps working on what is stored, says so on the status line, and its
 * actions wait (see DaemonLink); when the link is back every view re-reads.
 */
import type { Action, ActionResult } from '../core/actions.js';
import type { ChangeSet, EngineApi, InboxEntry, InboxOptions, StatusMessage } from '../core/engine-api.js';
import type { Account, Conversation, Message, PageCursor, Participant, SearchHit } from '../core/model.js';
import type { Store } from '../store/types.js';
import type { Changes, DaemonLink, LinkState } from './daemon-link.js';
import type { LiveState } from './protocol.js';

export class RemoteEngine implements EngineApi {
  private live: LiveState;
  private readonly listeners = new Set<(changes: ChangeSet) => void>();
  /** The link's own word on the status line while it is down (or right after it came back). */
  private linkStatus: StatusMessage | undefined;
  private link: DaemonLink | undefined;
  private linkAttached = true;

  constructor(
    private readonly store: Store,
    live: LiveState,
    private readonly now: () => number = Date.now,
  ) {
    this.live = live;
  }

  /** Connects the engine to its link (the link is opened with this engine's handlers first). */
  attach(link: DaemonLink): void {
    this.link = link;
  }

  /** Handler for the link's pushed changes. */
  onChanges(frame: Changes): void {
    const d = frame.live ?? {};
    if (d.status !== undefined) {
      this.live.status = d.status;
      // The daemon's news replaces "reattached" once there is any.
      if (this.linkStatus && this.linkAttached) this.linkStatus = undefined;
    }
    if (d.selves) this.live.selves = d.selves;
    for (const [id, names] of Object.entries(d.typing ?? {})) {
      if (names.length) this.live.typing[id] = names;
      else delete this.live.typing[id];
    }
    for (const [id, t] of Object.entries(d.transfers ?? {})) {
      if (Object.keys(t).length) this.live.transfers[id] = t;
      else delete this.live.transfers[id];
    }
    this.emit(frame.changes);
  }

  /** Handler for the link's state: the status line says where it stands; after a reconnect everything re-reads. */
  onLinkState(state: LinkState): void {
    this.linkAttached = state.state === 'attached';
    if (state.state === 'attached') {
      if (!state.again) {
        this.live = state.welcome.live;
        return;
      }
      this.live = state.welcome.live;
      this.linkStatus = { level: 'info', text: 'attached to the natter daemon again', at: this.now() };
      const ids = this.store.listConversations({ includeClosed: true }).map((c) => c.id);
      this.emit({ accounts: true, conversations: true, timelines: ids, members: ids, typing: ids, status: true });
      return;
    }
    const text = state.state === 'refused'
      ? state.error
      : `${state.reason}; reconnecting…${state.waiting ? ` (${state.waiting} waiting)` : ''}`;
    this.linkStatus = { level: state.state === 'refused' ? 'error' : 'warn', text, at: this.now() };
    // Accounts too: a daemon that stopped in order has marked them offline in the database.
    this.emit({ accounts: true, conversations: [], timelines: [], members: [], typing: [], status: true });
  }

  /** A message of this UI process for the status line (e.g. an internal error), shown until the daemon says more. */
  notice(level: StatusMessage['level'], text: string): void {
    this.linkStatus = { level: level === 'error' ? 'error' : 'warn', text, at: this.now() };
    this.emit({ accounts: false, conversations: [], timelines: [], members: [], typing: [], status: true });
  }

  private emit(changes: ChangeSet): void {
    for (const l of this.listeners) l(changes);
  }

  accounts(): Account[] {
    return this.store.listAccounts();
  }
  conversations(): Conversation[] {
    return this.store.listConversations();
  }
  conversation(id: string): Conversation | undefined {
    return this.store.getConversation(id);
  }
  messages(conversationId: string, options: { before?: PageCursor; after?: PageCursor; limit: number }): Message[] {
    const page = this.store.messages(conversationId, options);
    const transfers = this.live.transfers[conversationId];
    for (const m of page) {
      // As Engine.messages: the quoted line above a reply, and upload progress on own pending messages.
      if (m.replyTo !== undefined) {
        const target = this.store.findByAnyId(conversationId, m.replyTo);
        if (target) {
          m.replyPreview = { senderName: target.senderName, body: target.body };
          if (target.retracted) m.replyPreview.retracted = true;
        }
      }
      const t = transfers?.[m.id];
      if (t) m.transfer = { sent: t.sent, total: t.total };
    }
    return page;
  }
  members(conversationId: string): Participant[] {
    return this.store.listMembers(conversationId);
  }
  typing(conversationId: string): string[] {
    return this.live.typing[conversationId] ?? [];
  }
  status(): StatusMessage | undefined {
    return this.linkStatus ?? this.live.status ?? undefined;
  }
  selfName(conversationId: string): string | undefined {
    const c = this.store.getConversation(conversationId);
    return c ? this.live.selves[c.accountId] : undefined;
  }
  search(query: string, filters?: { conversationId?: string; sender?: string; accountId?: string }): SearchHit[] {
    return this.store.search(query, filters);
  }
  inbox(options?: InboxOptions): InboxEntry[] {
    return this.store.inbox(options);
  }
  async dispatch(action: Action): Promise<ActionResult> {
    // Quitting the UI detaches it; the daemon keeps every connection.
    if (action.type === 'quit') return { ok: true };
    if (!this.link) return { ok: false, error: 'not attached to a natter daemon' };
    return this.link.dispatch(action);
  }
  subscribe(listener: (changes: ChangeSet) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
