/**
 * The actions that act on one message: reply, edit, react, retract, and uploads. Each finds its target (the message
 * the UI selected, else a sensible default: the user's own last message for edit/retract, the last message from
 * someone else for reply/react), checks the account's capabilities with a plain-words error, and then either asks the
 * adapter (sent messages) or rewrites the outbox row (a message still pending is simply changed before it goes out).
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { ActionResult } from '../actions.js';
import type { Adapter, Capabilities } from '../contract.js';
import { CommandError } from '../errors.js';
import type { Conversation, Message, Protocol } from '../model.js';
import { sanitizeText } from '../sanitize.js';
import type { Engine } from './engine.js';
import { checkUploadFile } from './upload-file.js';

const protocolName: Record<Protocol, string> = { irc: 'IRC', xmpp: 'XMPP', matrix: 'Matrix', email: 'email' };

const featureName: Partial<Record<keyof Capabilities, string>> = {
  edits: 'message editing',
  reactions: 'reactions',
  replies: 'replies',
  retraction: 'message deletion',
  uploads: 'file uploads',
};

/** The adapter of the conversation's account (connected or not); a CommandError when the account never started. */
function adapterFor(engine: Engine, conv: Conversation): Adapter {
  const rt = engine.runtime(conv.accountId);
  if (!rt?.adapter) {
    throw new CommandError(`${conv.accountId} is not connected${rt?.unavailable ? `: ${rt.unavailable}` : ''}; /connect ${conv.accountId} to retry`);
  }
  return rt.adapter;
}

/** Throws "IRC on this server has no reactions" when the account's adapter lacks the capability. */
export function requireCapability(engine: Engine, conv: Conversation, cap: keyof Capabilities): Adapter {
  const adapter = adapterFor(engine, conv);
  if (!adapter.capabilities[cap]) {
    throw new CommandError(`${protocolName[adapter.protocol]} on this server has no ${featureName[cap] ?? cap}`);
  }
  return adapter;
}

function requireOnline(engine: Engine, conv: Conversation): void {
  if (!engine.isOnline(conv.accountId)) {
    throw new CommandError(`${conv.accountId} is not connected; this can only be done online (/connect ${conv.accountId})`);
  }
}

/** The selected message, or the default target; a CommandError when there is none. */
function targetOf(engine: Engine, conv: Conversation, messageId: string | undefined, fallback: 'in' | 'out', what: string): Message {
  if (messageId !== undefined) {
    const m = engine.store.getMessage(messageId);
    if (!m || m.conversationId !== conv.id) throw new CommandError('that message is no longer here');
    return m;
  }
  const m = engine.store.lastMessage(conv.id, fallback);
  if (!m) {
    throw new CommandError(fallback === 'out' ? `you have no message here to ${what}` : `there is no message from anyone else here to ${what}`);
  }
  return m;
}

function requireOwn(m: Message, what: string): void {
  if (m.direction !== 'out') throw new CommandError(`you can only ${what} your own messages`);
  if (m.retracted) throw new CommandError('that message was deleted');
}

function requireRemoteId(m: Message, what: string): string {
  if (!m.remoteId) throw new CommandError(`that message has no id the server knows, so it cannot be ${what}`);
  return m.remoteId;
}

function conversation(engine: Engine, id: string): Conversation {
  const c = engine.store.getConversation(id);
  if (!c) throw new CommandError('that conversation no longer exists');
  if (c.kind === 'server') throw new CommandError('this is the server window: open a conversation first');
  return c;
}

/** Stores an own message as pending (the outbox sends it); `attachments` hold an upload's local file. */
export function queueOwn(
  engine: Engine,
  conv: Conversation,
  fields: { body: string; kind: 'text' | 'action' | 'notice'; replyTo?: string; attachments?: Message['attachments'] },
): ActionResult {
  const self = engine.selfOf(conv.accountId) ?? conv.accountId;
  const now = engine.now();
  engine.store.insertMessage({
    id: randomUUID(),
    accountId: conv.accountId,
    conversationId: conv.id,
    senderId: self,
    senderName: self,
    direction: 'out',
    kind: fields.kind,
    body: sanitizeText(fields.body, { multiline: true }),
    sentAt: now,
    receivedAt: now,
    replyTo: fields.replyTo,
    attachments: fields.attachments,
    delivery: 'pending',
    encryption: { scheme: 'none' },
    mentionsMe: false,
    countsUnread: false,
  });
  engine.changes.timeline(conv.id);
  void engine.outbox.flush(conv.accountId);
  return engine.isOnline(conv.accountId)
    ? { ok: true }
    : { ok: true, info: `${conv.accountId} is offline: the message will be sent when it reconnects` };
}

export function reply(engine: Engine, a: { conversationId: string; body: string; messageId?: string }): ActionResult {
  const conv = conversation(engine, a.conversationId);
  if (a.body.trim() === '') throw new CommandError('nothing to send');
  requireCapability(engine, conv, 'replies');
  const target = targetOf(engine, conv, a.messageId, 'in', 'reply to');
  const replyTo = requireRemoteId(target, 'replied to');
  return queueOwn(engine, conv, { body: a.body, kind: 'text', replyTo });
}

export async function edit(engine: Engine, a: { conversationId: string; body: string; messageId?: string }): Promise<ActionResult> {
  const conv = conversation(engine, a.conversationId);
  if (a.body.trim() === '') throw new CommandError('an edit needs text; /delete removes a message');
  const target = targetOf(engine, conv, a.messageId, 'out', 'edit');
  requireOwn(target, 'edit');
  const body = sanitizeText(a.body, { multiline: true });
  if (target.delivery === 'pending') {
    if (engine.outbox.inFlight(target)) throw new CommandError('that message is being sent right now; edit it once it is sent');
    // Not on the wire yet: the outbox will send the new text (the row is read again when its turn comes).
    engine.store.updateMessage(target.id, { body, spans: null });
    engine.changes.timeline(conv.id);
    return { ok: true, info: 'changed before sending' };
  }
  const adapter = requireCapability(engine, conv, 'edits');
  const remoteId = requireRemoteId(target, 'edited');
  requireOnline(engine, conv);
  if (!adapter.edit) throw new CommandError(`${protocolName[adapter.protocol]} cannot edit messages here`);
  await adapter.edit(remoteId, conv.remoteId, a.body);
  engine.store.updateMessage(target.id, { body, spans: null, editedAt: engine.now() });
  engine.changes.timeline(conv.id);
  return { ok: true };
}

export async function retract(engine: Engine, a: { conversationId: string; messageId?: string }): Promise<ActionResult> {
  const conv = conversation(engine, a.conversationId);
  const target = targetOf(engine, conv, a.messageId, 'out', 'delete');
  requireOwn(target, 'delete');
  const self = engine.selfOf(conv.accountId);
  if (target.delivery === 'pending') {
    if (engine.outbox.inFlight(target)) throw new CommandError('that message is being sent right now; delete it once it is sent');
    // Never sent: it leaves the outbox and shows as deleted.
    engine.store.updateMessage(target.id, {
      retracted: true,
      body: '',
      spans: null,
      attachments: null,
      delivery: 'failed',
      failure: 'deleted before it was sent',
      retraction: self ? { by: self } : {},
    });
    engine.changes.timeline(conv.id);
    return { ok: true, info: 'deleted before it was sent' };
  }
  const adapter = requireCapability(engine, conv, 'retraction');
  const remoteId = requireRemoteId(target, 'deleted');
  requireOnline(engine, conv);
  if (!adapter.retract) throw new CommandError(`${protocolName[adapter.protocol]} cannot delete messages here`);
  await adapter.retract(remoteId, conv.remoteId);
  engine.store.updateMessage(target.id, { retracted: true, body: '', spans: null, attachments: null, retraction: self ? { by: self } : {} });
  engine.changes.timeline(conv.id);
  return { ok: true };
}

export async function react(engine: Engine, a: { conversationId: string; key: string; messageId?: string }): Promise<ActionResult> {
  const conv = conversation(engine, a.conversationId);
  const key = sanitizeText(a.key).trim();
  if (key === '') throw new CommandError('/react needs an emoji');
  const adapter = requireCapability(engine, conv, 'reactions');
  const target = targetOf(engine, conv, a.messageId, 'in', 'react to');
  if (target.retracted) throw new CommandError('that message was deleted');
  const remoteId = requireRemoteId(target, 'reacted to');
  requireOnline(engine, conv);
  if (!adapter.react) throw new CommandError(`${protocolName[adapter.protocol]} cannot send reactions here`);
  const self = engine.selfOf(conv.accountId) ?? conv.accountId;
  const fold = (x: string) => engine.normalize(conv.accountId, x);
  const mine = target.reactions.find((r) => r.key === key)?.senders.some((s) => fold(s) === fold(self)) ?? false;
  await adapter.react(remoteId, conv.remoteId, key, !mine);
  engine.store.setReaction(target.id, self, key, !mine);
  engine.changes.timeline(conv.id);
  return mine ? { ok: true, info: `removed ${key}` } : { ok: true };
}

export function upload(engine: Engine, a: { conversationId: string; path: string; body?: string }, home?: string): ActionResult {
  const conv = conversation(engine, a.conversationId);
  requireCapability(engine, conv, 'uploads');
  const file = checkUploadFile(a.path, home);
  // The local file is persisted with the pending row (url `file:`), so an upload waiting for a connection survives a
  // restart; the outbox turns it back into an OutgoingAttachment.
  const attachment = { url: pathToFileURL(file.path).href, name: file.name, size: file.size, mime: file.mime };
  const result = queueOwn(engine, conv, { body: a.body ?? '', kind: 'text', attachments: [attachment] });
  return result.ok && !result.info ? { ok: true, info: `uploading ${file.name}…` } : result;
}

export async function decline(engine: Engine, a: { conversationId: string }): Promise<ActionResult> {
  const conv = engine.store.getConversation(a.conversationId);
  if (!conv) throw new CommandError('that conversation no longer exists');
  if (!conv.invitedBy) throw new CommandError('there is no invitation to decline here');
  const adapter = adapterFor(engine, conv);
  requireOnline(engine, conv);
  if (!adapter.declineInvite) throw new CommandError(`${protocolName[adapter.protocol]} cannot decline invitations`);
  await adapter.declineInvite(conv.remoteId);
  engine.store.transaction(() => {
    engine.store.upsertConversation({ accountId: conv.accountId, remoteId: conv.remoteId, key: engine.normalize(conv.accountId, conv.remoteId), kind: conv.kind, invitedBy: null });
    engine.store.setConversationClosed(conv.id, true);
  });
  engine.ingestDeps.closed.add(conv.id);
  engine.ingestDeps.conversationIds.clear();
  engine.changes.conversationList();
  return { ok: true, info: `declined the invitation from ${conv.invitedBy}` };
}
