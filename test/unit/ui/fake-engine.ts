/**
 * An in-memory EngineApi for the UI unit tests: plain arrays behind the same cursor semantics as the store
 * (messages ordered by (sentAt, seq); `before`/`after` pages exclusive of the cursor; neither → newest page). It records
 * every messages() request and every dispatched action so tests can assert what the UI asked for.
 */
import type { Action, ActionResult } from '../../../src/core/actions.js';
import type { ChangeSet, EngineApi, InboxEntry, InboxOptions, StatusMessage } from '../../../src/core/engine-api.js';
import type { Account, Conversation, Message, PageCursor, Participant, SearchHit } from '../../../src/core/model.js';

export const baseTime = Date.UTC(2026, 10, 20, 12, 0, 0);

export function makeConversation(id: string, accountId: string, partial: Partial<Conversation> = {}): Conversation {
  return {
    id,
    accountId,
    remoteId: partial.remoteId ?? partial.title ?? id,
    kind: 'channel',
    title: id,
    unread: 0,
    mentions: 0,
    lastReadSeq: 0,
    lastActivityAt: baseTime,
    closed: false,
    joined: true,
    encrypted: false,
    ...partial,
  };
}

export function makeMessage(conversationId: string, seq: number, partial: Partial<Message> = {}): Message {
  return {
    id: `${conversationId}:${seq}`,
    seq,
    accountId: 'libera',
    conversationId,
    senderId: 'alice',
    senderName: 'alice',
    direction: 'in',
    kind: 'text',
    body: `message ${seq}`,
    sentAt: baseTime + seq * 1000,
    receivedAt: baseTime + seq * 1000,
    retracted: false,
    encryption: { scheme: 'none' },
    mentionsMe: false,
    reactions: [],
    ...partial,
  };
}

const after = (m: Message, c: PageCursor) => m.sentAt > c.sentAt || (m.sentAt === c.sentAt && m.seq > c.seq);
const before = (m: Message, c: PageCursor) => m.sentAt < c.sentAt || (m.sentAt === c.sentAt && m.seq < c.seq);

export class FakeEngine implements EngineApi {
  accountList: Account[] = [];
  conversationList: Conversation[] = [];
  timelines = new Map<string, Message[]>();
  memberLists = new Map<string, Participant[]>();
  typingNames = new Map<string, string[]>();
  statusMessage: StatusMessage | undefined;
  searchHits: SearchHit[] = [];
  /** What inbox() returns (mentions-only filters on message.mentionsMe); every call is recorded in inboxCalls. */
  inboxEntries: InboxEntry[] = [];
  inboxCalls: InboxOptions[] = [];
  dispatched: Action[] = [];
  messageCalls: { conversationId: string; options: { before?: PageCursor; after?: PageCursor; limit: number }; returned: number }[] = [];
  respond: (action: Action) => ActionResult = () => ({ ok: true });
  private listeners = new Set<(c: ChangeSet) => void>();

  accounts(): Account[] {
    return this.accountList.map((a) => ({ ...a }));
  }
  conversations(): Conversation[] {
    return this.conversationList.map((c) => ({ ...c }));
  }
  conversation(id: string): Conversation | undefined {
    const c = this.conversationList.find((x) => x.id === id);
    return c && { ...c };
  }
  messages(conversationId: string, options: { before?: PageCursor; after?: PageCursor; limit: number }): Message[] {
    const all = this.timelines.get(conversationId) ?? [];
    let out: Message[];
    if (options.before) {
      const older = all.filter((m) => before(m, options.before!));
      out = older.slice(Math.max(0, older.length - options.limit));
    } else if (options.after) {
      out = all.filter((m) => after(m, options.after!)).slice(0, options.limit);
    } else {
      out = all.slice(Math.max(0, all.length - options.limit));
    }
    this.messageCalls.push({ conversationId, options, returned: out.length });
    return out.map((m) => ({ ...m }));
  }
  members(conversationId: string): Participant[] {
    return this.memberLists.get(conversationId) ?? [];
  }
  typing(conversationId: string): string[] {
    return this.typingNames.get(conversationId) ?? [];
  }
  status(): StatusMessage | undefined {
    return this.statusMessage;
  }
  selfName(_conversationId: string): string | undefined {
    return 'me';
  }
  search(_query: string): SearchHit[] {
    return this.searchHits;
  }
  inbox(options: InboxOptions = {}): InboxEntry[] {
    this.inboxCalls.push(options);
    return this.inboxEntries.filter((e) => !options.mentionsOnly || e.message.mentionsMe);
  }
  async dispatch(action: Action): Promise<ActionResult> {
    this.dispatched.push(action);
    return this.respond(action);
  }
  subscribe(listener: (changes: ChangeSet) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Notifies subscribers the way the engine does: one batched ChangeSet. */
  emit(partial: Partial<ChangeSet>): void {
    const changes: ChangeSet = {
      accounts: false,
      conversations: [],
      timelines: [],
      members: [],
      typing: [],
      status: false,
      ...partial,
    };
    for (const l of [...this.listeners]) l(changes);
  }

  /** Appends messages to a conversation's timeline (store order) and notifies once. */
  addMessages(conversationId: string, messages: Message[]): void {
    const list = this.timelines.get(conversationId) ?? [];
    list.push(...messages);
    list.sort((a, b) => a.sentAt - b.sentAt || a.seq - b.seq);
    this.timelines.set(conversationId, list);
    this.emit({ timelines: [conversationId] });
  }

  /** A conversation with `count` messages seq 1…count. */
  fill(conversationId: string, count: number, partial: (seq: number) => Partial<Message> = () => ({})): void {
    const list: Message[] = [];
    for (let seq = 1; seq <= count; seq++) list.push(makeMessage(conversationId, seq, partial(seq)));
    this.timelines.set(conversationId, list);
  }

  /** The largest page any messages() request asked for. */
  largestRequest(): number {
    return Math.max(0, ...this.messageCalls.map((c) => c.options.limit));
  }
}

/** Two accounts with a few conversations: the usual fixture. */
export function sampleEngine(): FakeEngine {
  const e = new FakeEngine();
  e.accountList = [
    { id: 'libera', protocol: 'irc', state: 'online', self: 'me' },
    { id: 'jabber', protocol: 'xmpp', state: 'connecting' },
  ];
  e.conversationList = [
    makeConversation('c-natter', 'libera', { title: '#natter', topic: 'a terminal messenger', unread: 3, lastReadSeq: 2 }),
    makeConversation('c-ops', 'libera', { title: '#ops', mentions: 2, unread: 5 }),
    makeConversation('c-bob', 'libera', { title: 'bob', kind: 'direct' }),
    makeConversation('c-room', 'jabber', { title: 'room@muc.example', kind: 'group' }),
  ];
  e.fill('c-natter', 5);
  e.fill('c-ops', 2, (seq) => ({ body: `ops says ${seq}`, senderName: 'carol', senderId: 'carol' }));
  return e;
}
