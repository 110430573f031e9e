/**
 * Applies adapter events to the store: the engine persists first, then notifies. Every piece of remote text passes
 * the sanitizer here, once, so nothing unsafe is ever stored or shown (design.md §3).
 */
import { randomUUID } from 'node:crypto';
import type { AdapterEvent, ConversationUpsert, IncomingMessage, MessageChange } from '../contract.js';
import type { Attachment, Conversation, Message, Participant } from '../model.js';
import { sanitizeSpans, sanitizeText } from '../sanitize.js';
import type { Logger } from '../logger.js';
import type { Store } from '../../store/types.js';
import type { ChangeBatcher } from './change-batcher.js';
import { dedupKey } from './dedup-key.js';
import { mentions } from './mentions.js';
import { matchesKeyword } from '../notify/policy.js';
import type { TypingTracker } from './typing-tracker.js';

/** How far apart an unconfirmed own message and its echo may be in time and still be taken for the same message. */
export const ECHO_WINDOW_MS = 10 * 60 * 1000;

export interface IngestDeps {
  store: Store;
  changes: ChangeBatcher;
  typing: TypingTracker;
  log: Logger;
  now(): number;
  /** Case-folds an address the account's way (adapter.normalize). */
  normalize(accountId: string, address: string): string;
  selfName(accountId: string): string | undefined;
  setSelf(accountId: string, self: string | undefined): void;
  /** Called after an account reports it is online (to flush its outbox). */
  onOnline(accountId: string): void;
  onNotice(level: 'info' | 'warn' | 'error', text: string): void;
  /** An upload of an own pending message progressed (`transfer` event). */
  onTransfer?(accountId: string, localId: string, sent: number, total: number): void;
  /**
   * The last conversation upsert written, by account and case-folded address: a message repeating it (the hot path
   * of ingest) spares the store a write.
   */
  conversationIds: Map<string, { id: string; said: string }>;
  /** Conversations the user closed this run: when one comes back (a message, a join), the sidebar list changes. */
  closed: Set<string>;
  /** Words that count as mentions like the own nick (`[notifications] keywords`). */
  keywords?: readonly string[];
}

const line = (s: string | undefined) => (s === undefined ? undefined : sanitizeText(s));

export function upsertConversation(deps: IngestDeps, accountId: string, c: ConversationUpsert, reopen: boolean): Conversation {
  const key = deps.normalize(accountId, c.remoteId);
  const conv = deps.store.upsertConversation(
    {
      accountId,
      remoteId: line(c.remoteId) ?? '',
      key,
      kind: c.kind,
      title: line(c.title),
      topic: line(c.topic),
      joined: c.joined,
      encrypted: c.encrypted,
      invitedBy: c.invitedBy === null ? null : line(c.invitedBy),
      parentId: c.parentId,
      ext: c.ext,
    },
    reopen,
  );
  deps.conversationIds.set(`${accountId}\u0000${key}`, { id: conv.id, said: said(c) });
  if (reopen && !conv.closed && deps.closed.delete(conv.id)) deps.changes.conversationList();
  return conv;
}

const said = (c: ConversationUpsert) =>
  JSON.stringify([c.kind, c.title, c.topic, c.joined, c.encrypted, c.invitedBy, c.parentId, c.ext]);

/** Attachment fields are remote text: the name and url are sanitized like a body line; a bad size is dropped. */
function cleanAttachments(list: Attachment[] | undefined): Attachment[] | undefined {
  if (!list || list.length === 0) return undefined;
  return list.map((a) => {
    const out: Attachment = { url: sanitizeText(a.url) };
    if (a.name !== undefined) out.name = sanitizeText(a.name);
    if (typeof a.size === 'number' && Number.isFinite(a.size) && a.size >= 0) out.size = a.size;
    if (a.mime !== undefined) out.mime = sanitizeText(a.mime);
    if (a.encrypted) out.encrypted = true;
    return out;
  });
}

/**
 * The id of a message's conversation. A known conversation is not written again when the message says nothing new
 * about it (the hot path of ingest); inserting a live message reopens a closed conversation by itself.
 */
function conversationIdFor(deps: IngestDeps, accountId: string, c: ConversationUpsert, reopen: boolean): string {
  const known = deps.conversationIds.get(`${accountId}\u0000${deps.normalize(accountId, c.remoteId)}`);
  return known && known.said === said(c) ? known.id : upsertConversation(deps, accountId, c, reopen).id;
}

function findConversation(deps: IngestDeps, accountId: string, remoteId: string): Conversation | undefined {
  return deps.store.findConversation(accountId, deps.normalize(accountId, remoteId));
}

export function ingestMessage(deps: IngestDeps, accountId: string, m: IncomingMessage): Message | undefined {
  const { store } = deps;
  // Server windows (MOTD, server notices) show activity but never unread counts or highlights.
  const countsUnread = m.direction === 'in' && m.kind !== 'event' && m.conversation.kind !== 'server';
  const conv = { id: conversationIdFor(deps, accountId, m.conversation, countsUnread && !m.historical) };
  const body = sanitizeText(m.body, { multiline: true });
  const spans = m.spans ? sanitizeSpans(m.spans) : undefined;
  const receivedAt = deps.now();
  const sentAt = m.sentAt ?? receivedAt;

  if (m.direction === 'out') {
    // Our own message seen again (echo, carbon, replay): confirm the pending row instead of showing it twice.
    const own =
      (m.localId ? store.getMessage(m.localId) : undefined) ??
      (m.remoteId ? store.findByRemoteId(conv.id, m.remoteId) : undefined) ??
      store.findUnconfirmedOwn(conv.id, body, sentAt, ECHO_WINDOW_MS);
    if (own && own.conversationId === conv.id) {
      const alt = (m.altIds ?? []).filter((x) => x !== (m.remoteId ?? own.remoteId));
      if (alt.length > 0) store.addAltIds(own.id, conv.id, alt);
      // The outbox row was written with the account's address; the network's copy says how others see us (the room
      // nick in XMPP MUC, the display name in Matrix).
      const shownAs = m.senderName !== undefined ? line(m.senderName) : '';
      if (shownAs && shownAs !== own.senderName) {
        store.updateMessage(own.id, { senderName: shownAs });
        deps.changes.timeline(conv.id);
      }
      if (own.delivery === 'pending' || own.delivery === 'failed' || !own.remoteId) {
        const updated = store.updateMessage(own.id, {
          remoteId: m.remoteId ?? own.remoteId,
          sentAt: m.sentAt ?? own.sentAt,
          dedupKey: m.sentAt !== undefined ? dedupKey(m.senderId, m.sentAt, body) : undefined,
          delivery: own.delivery === 'pending' || own.delivery === 'failed' ? 'sent' : own.delivery,
          failure: null,
          // The reflection of an upload names where the file now lives (the https link instead of the local file).
          attachments: m.attachments && m.attachments.length > 0 ? cleanAttachments(m.attachments) : undefined,
        });
        deps.changes.timeline(conv.id);
        return updated;
      }
      if (m.attachments?.length && own.attachments?.some((a) => a.url.startsWith('file:'))) {
        const updated = store.updateMessage(own.id, { attachments: cleanAttachments(m.attachments) });
        deps.changes.timeline(conv.id);
        return updated;
      }
      return own;
    }
  }

  const senderName = line(m.senderName ?? m.senderId) || '?';
  const self = deps.selfName(accountId);
  const mentionsMe =
    countsUnread && (m.mentionsMe === true || mentions(body, self) || matchesKeyword(body, deps.keywords ?? []));
  // Server time + sender + text identifies a message even when a replay re-numbers it or the protocol has no ids.
  const key = m.sentAt !== undefined || !m.remoteId ? dedupKey(m.senderId, sentAt, body) : undefined;
  const result = store.insertMessage({
    id: randomUUID(),
    accountId,
    conversationId: conv.id,
    remoteId: m.remoteId,
    dedupKey: key,
    senderId: line(m.senderId) ?? '',
    senderName,
    direction: m.direction,
    kind: m.kind,
    body,
    spans,
    sentAt,
    receivedAt,
    replyTo: m.replyTo,
    altIds: m.altIds?.filter((x) => x !== '' && x !== m.remoteId),
    threadId: m.threadId,
    attachments: cleanAttachments(m.attachments),
    delivery: m.direction === 'out' ? 'sent' : undefined,
    encryption: m.encryption ?? { scheme: 'none' },
    mentionsMe,
    countsUnread,
    ext: m.ext,
  });
  if (!result.inserted) return result.existing;
  if (deps.typing.clear(conv.id, senderName)) deps.changes.typing(conv.id);
  deps.changes.timeline(conv.id);
  return result.message;
}

/**
 * Whether `by` (who an update says made it) may change `target`: the original sender, or (when the adapter names
 * nobody) our own outgoing message reported back by our own server. A spoofed correction never changes a message.
 */
function madeBySender(deps: IngestDeps, target: Message, by: string | undefined): boolean {
  if (by === undefined) return target.direction === 'out';
  const fold = (x: string) => deps.normalize(target.accountId, sanitizeText(x));
  return fold(by) === fold(target.senderId);
}

function applyChange(deps: IngestDeps, target: Message, change: MessageChange): void {
  const { store } = deps;
  switch (change.kind) {
    case 'edit':
      if (target.retracted || !madeBySender(deps, target, change.by)) {
        deps.log.info('ignored an edit not made by the sender', { id: target.id });
        return;
      }
      store.updateMessage(target.id, {
        body: sanitizeText(change.body, { multiline: true }),
        spans: change.spans ? sanitizeSpans(change.spans) : null,
        editedAt: change.editedAt,
      });
      break;
    case 'retract': {
      if (!change.moderated && !madeBySender(deps, target, change.by)) {
        deps.log.info('ignored a retraction not made by the sender or a moderator', { id: target.id });
        return;
      }
      const retraction: NonNullable<Message['retraction']> = {};
      if (change.by !== undefined) retraction.by = sanitizeText(change.by);
      if (change.moderated) retraction.moderated = true;
      if (change.reason) retraction.reason = sanitizeText(change.reason);
      // The text leaves the row and (through the FTS trigger on `retracted`) the search index; the row stays as a
      // placeholder so replies and the timeline keep their place.
      store.updateMessage(target.id, { retracted: true, body: '', spans: null, attachments: null, retraction });
      break;
    }
    case 'reaction':
      store.setReaction(target.id, sanitizeText(change.senderId), sanitizeText(change.key), change.add);
      break;
    case 'decrypted': {
      // Only a placeholder that failed to decrypt takes its late text; not an edit, so no editedAt. The body update
      // refreshes the search index through the FTS trigger.
      if (target.retracted || !target.encryption.error) {
        deps.log.info('ignored a late decryption of a message that was not undecryptable', { id: target.id });
        return;
      }
      const { error: _dropped, ...encryption } = change.encryption;
      if (encryption.senderDevice !== undefined) encryption.senderDevice = sanitizeText(encryption.senderDevice);
      store.updateMessage(target.id, {
        body: sanitizeText(change.body, { multiline: true }),
        spans: change.spans ? sanitizeSpans(change.spans) : null,
        encryption,
        attachments: cleanAttachments(change.attachments) ?? null,
      });
      break;
    }
    case 'delivery': {
      // Delivery only moves forward (a late "delivered" never undoes "read").
      const order = ['pending', 'sent', 'delivered', 'read'];
      if (change.state === 'failed' || order.indexOf(change.state) > order.indexOf(target.delivery ?? 'pending')) {
        store.updateMessage(target.id, { delivery: change.state, failure: change.reason ? sanitizeText(change.reason) : null });
      }
      break;
    }
  }
  deps.changes.timeline(target.conversationId);
}

function sanitizeParticipant(p: Participant): Participant {
  return { ...p, id: sanitizeText(p.id), name: sanitizeText(p.name), badge: line(p.badge), account: line(p.account) };
}

/** Applies one adapter event. Never throws for bad input: a broken event is logged and dropped. */
export function applyEvent(deps: IngestDeps, accountId: string, event: AdapterEvent): void {
  const { store, changes } = deps;
  switch (event.type) {
    case 'connection': {
      if (event.self !== undefined) deps.setSelf(accountId, sanitizeText(event.self));
      store.setAccountState(accountId, {
        state: event.state,
        detail: line(event.detail),
        self: event.self !== undefined ? sanitizeText(event.self) : deps.selfName(accountId),
      });
      changes.accounts();
      if (event.state === 'online') deps.onOnline(accountId);
      return;
    }
    case 'conversation': {
      const before = findConversation(deps, accountId, event.conversation.remoteId);
      // Joining, or a new invitation, brings a closed conversation back into the list.
      const c = event.conversation;
      const conv = upsertConversation(deps, accountId, c, c.joined === true || typeof c.invitedBy === 'string');
      if (!before) changes.conversationList();
      else changes.conversation(conv.id);
      return;
    }
    case 'message': {
      // The list itself changes only when the message may have created its conversation (one not seen since start);
      // otherwise naming its row (unread, reopened, title) is enough, so a busy channel does not make every
      // subscriber re-read the whole list on every batch.
      const key = `${accountId}\u0000${deps.normalize(accountId, event.message.conversation.remoteId)}`;
      const seen = deps.conversationIds.has(key);
      ingestMessage(deps, accountId, event.message);
      const known = seen ? deps.conversationIds.get(key) : undefined;
      // A live message reopens a closed conversation (the store does), which puts it back in the list.
      if (known && !deps.closed.delete(known.id)) changes.conversation(known.id);
      else changes.conversationList();
      return;
    }
    case 'message.update': {
      const conv = findConversation(deps, accountId, event.conversationRemoteId);
      if (!conv) return;
      const target =
        (event.targetLocalId ? store.getMessage(event.targetLocalId) : undefined) ??
        (event.targetRemoteId ? store.findByAnyId(conv.id, event.targetRemoteId) : undefined);
      if (target && target.conversationId === conv.id) applyChange(deps, target, event.change);
      return;
    }
    case 'members': {
      if (event.rename) {
        const from = sanitizeText(event.rename.from);
        const to = sanitizeText(event.rename.to);
        for (const id of store.renameMember(accountId, from, to)) changes.members(id);
      }
      const conv = findConversation(deps, accountId, event.conversationRemoteId);
      if (!conv) return;
      if (event.replace) store.replaceMembers(conv.id, event.replace.map(sanitizeParticipant));
      for (const p of event.add ?? []) store.upsertMember(conv.id, sanitizeParticipant(p));
      for (const id of event.remove ?? []) store.removeMember(conv.id, sanitizeText(id));
      changes.members(conv.id);
      return;
    }
    case 'typing': {
      const conv = findConversation(deps, accountId, event.conversationRemoteId);
      if (!conv) return;
      deps.typing.set(conv.id, sanitizeText(event.senderName ?? event.senderId) || '?', event.active);
      changes.typing(conv.id);
      return;
    }
    case 'transfer':
      deps.onTransfer?.(accountId, event.localId, event.sent, event.total);
      return;
    case 'presence':
      for (const id of store.setMemberAway(accountId, sanitizeText(event.senderId), event.away)) changes.members(id);
      return;
    case 'notice':
      deps.onNotice(event.level, sanitizeText(event.text));
      return;
  }
}
