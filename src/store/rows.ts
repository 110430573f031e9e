/**
 * Row ↔ model mapping. Rows are what node:sqlite returns (null for SQL NULL); models use optional fields instead.
 */
import type {
  Account,
  Attachment,
  Conversation,
  ConversationKind,
  ConnectionState,
  DeliveryState,
  EncryptionInfo,
  Message,
  MessageKind,
  Participant,
  Protocol,
  Reaction,
  Role,
  Span,
} from '../core/model.js';

export interface AccountRow {
  id: string;
  protocol: string;
  self: string | null;
  state: string;
  detail: string | null;
}

export interface ConversationRow {
  id: string;
  account_id: string;
  key: string;
  remote_id: string;
  kind: string;
  title: string;
  topic: string | null;
  unread: number;
  mentions: number;
  last_read_seq: number;
  last_activity_at: number;
  closed: number;
  joined: number;
  encrypted: number;
  ext: string | null;
  invited_by: string | null;
  parent_id: string | null;
}

export interface MessageRow {
  seq: number;
  id: string;
  account_id: string;
  conversation_id: string;
  remote_id: string | null;
  dedup_key: string | null;
  sender_id: string;
  sender_name: string;
  direction: string;
  kind: string;
  body: string;
  spans: string | null;
  sent_at: number;
  received_at: number;
  reply_to: string | null;
  edited_at: number | null;
  retracted: number;
  delivery: string | null;
  failure: string | null;
  encryption: string | null;
  mentions_me: number;
  counts_unread: number;
  ext: string | null;
  thread_id: string | null;
  attachments: string | null;
  retraction: string | null;
}

export interface MemberRow {
  member_id: string;
  name: string;
  role: string;
  badge: string | null;
  away: number;
  account: string | null;
}

/** JSON for an optional object column; undefined/null → NULL. */
export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** `{scheme: 'none'}` is by far the most common value and is stored as NULL. */
export function encryptionToJson(e: EncryptionInfo): string | null {
  if (e.scheme === 'none' && e.senderDevice === undefined && e.trust === undefined && e.error === undefined) return null;
  return JSON.stringify(e);
}

const noEncryption: EncryptionInfo = { scheme: 'none' };

export function accountFromRow(r: AccountRow): Account {
  const a: Account = { id: r.id, protocol: r.protocol as Protocol, state: r.state as ConnectionState };
  if (r.self !== null) a.self = r.self;
  if (r.detail !== null) a.detail = r.detail;
  return a;
}

export function conversationFromRow(r: ConversationRow): Conversation {
  const c: Conversation = {
    id: r.id,
    accountId: r.account_id,
    remoteId: r.remote_id,
    kind: r.kind as ConversationKind,
    title: r.title,
    unread: r.unread,
    mentions: r.mentions,
    lastReadSeq: r.last_read_seq,
    lastActivityAt: r.last_activity_at,
    closed: r.closed !== 0,
    joined: r.joined !== 0,
    encrypted: r.encrypted !== 0,
  };
  if (r.topic !== null) c.topic = r.topic;
  if (r.invited_by !== null) c.invitedBy = r.invited_by;
  if (r.parent_id !== null) c.parentId = r.parent_id;
  if (r.ext !== null) c.ext = JSON.parse(r.ext) as Record<string, unknown>;
  return c;
}

export function messageFromRow(r: MessageRow, reactions: Reaction[] = []): Message {
  const m: Message = {
    id: r.id,
    seq: r.seq,
    accountId: r.account_id,
    conversationId: r.conversation_id,
    senderId: r.sender_id,
    senderName: r.sender_name,
    direction: r.direction as 'in' | 'out',
    kind: r.kind as MessageKind,
    body: r.body,
    sentAt: r.sent_at,
    receivedAt: r.received_at,
    retracted: r.retracted !== 0,
    encryption: r.encryption === null ? { ...noEncryption } : (JSON.parse(r.encryption) as EncryptionInfo),
    mentionsMe: r.mentions_me !== 0,
    reactions,
  };
  if (r.remote_id !== null) m.remoteId = r.remote_id;
  if (r.spans !== null) m.spans = JSON.parse(r.spans) as Span[];
  if (r.reply_to !== null) m.replyTo = r.reply_to;
  if (r.edited_at !== null) m.editedAt = r.edited_at;
  if (r.delivery !== null) m.delivery = r.delivery as DeliveryState;
  if (r.failure !== null) m.failure = r.failure;
  if (r.thread_id !== null) m.threadId = r.thread_id;
  if (r.attachments !== null) m.attachments = JSON.parse(r.attachments) as Attachment[];
  if (r.retraction !== null) m.retraction = JSON.parse(r.retraction) as NonNullable<Message['retraction']>;
  if (r.ext !== null) m.ext = JSON.parse(r.ext) as Record<string, unknown>;
  return m;
}

export function memberFromRow(r: MemberRow): Participant {
  const p: Participant = { id: r.member_id, name: r.name, role: r.role as Role };
  if (r.badge !== null) p.badge = r.badge;
  if (r.away !== 0) p.away = true;
  if (r.account !== null) p.account = r.account;
  return p;
}

/** Groups reaction rows (in insertion order) into the model's `{key, senders}` list, keys in first-seen order. */
export function groupReactions(rows: Array<{ key: string; sender_id: string }>): Reaction[] {
  const byKey = new Map<string, Reaction>();
  for (const r of rows) {
    let entry = byKey.get(r.key);
    if (!entry) byKey.set(r.key, (entry = { key: r.key, senders: [] }));
    entry.senders.push(r.sender_id);
  }
  return [...byKey.values()];
}
