/**
 * Runs actions (parsed slash commands, key bindings) against the engine. Each action either changes the store
 * directly (send queues into the outbox) or asks the account's adapter; results come back as plain data.
 */
import type { Action, ActionResult } from '../actions.js';
import { CommandError } from '../errors.js';
import type { Conversation } from '../model.js';
import type { Engine } from './engine.js';
import { ingestMessage, upsertConversation } from './ingest.js';
import { downloadAttachment, DOWNLOAD_ACTION } from './download-attachment.js';
import { helpFor } from './help.js';
import { CONVERSATION_NOTIFY_KEY } from '../notify/policy.js';
import { decline, edit, queueOwn, react, reply, retract, upload } from './message-actions.js';

const HISTORY_PAGE = 100;

function conversationOf(engine: Engine, id: string): Conversation {
  const c = engine.store.getConversation(id);
  if (!c) throw new CommandError('that conversation no longer exists');
  return c;
}

function adapterOf(engine: Engine, accountId: string) {
  const rt = engine.runtime(accountId);
  if (!rt) throw new CommandError(`no account named "${accountId}"`);
  if (!rt.adapter || !engine.isOnline(accountId)) {
    throw new CommandError(`${accountId} is not connected${rt.unavailable ? `: ${rt.unavailable}` : ''}; /connect ${accountId} to retry`);
  }
  return rt.adapter;
}

/**
 * Per-account privacy keys (`send_typing`, `send_receipts`, default true): when one is false the adapter is never asked
 * to send typing notifications, or read receipts and chat markers, for that account.
 */
function accountSends(engine: Engine, accountId: string, key: 'send_typing' | 'send_receipts'): boolean {
  return engine.runtime(accountId)?.config[key] !== false;
}

/**
 * Tells the server how far the user read (XEP-0333 displayed, Matrix m.read, email MDNs): the newest incoming message
 * with a remote id up to `seq`. Best effort: a failure is logged, the local read state stands.
 */
async function sendReadMarker(engine: Engine, conv: Conversation, seq: number): Promise<void> {
  if (conv.kind === 'server' || !accountSends(engine, conv.accountId, 'send_receipts')) return;
  const adapter = engine.isOnline(conv.accountId) ? engine.runtime(conv.accountId)?.adapter : undefined;
  if (!adapter?.markRead) return;
  const upTo = engine.store
    .messages(conv.id, { limit: HISTORY_PAGE })
    .filter((m) => m.seq <= seq && m.direction === 'in' && m.remoteId)
    .pop();
  if (!upTo?.remoteId) return;
  try {
    await adapter.markRead(conv.remoteId, upTo.remoteId);
  } catch (error) {
    engine.log.debug('read marker not sent', error);
  }
}

/** `/notify <level>` (commands/notify.ts): stored in the conversation's ext, read by the UI's notification watcher. */
function setNotifyLevel(engine: Engine, conversationId: string | undefined, level: string | undefined): ActionResult {
  const conv = conversationId ? conversationOf(engine, conversationId) : undefined;
  if (!conv || !level || !['all', 'mentions', 'none', 'default'].includes(level)) {
    throw new CommandError('usage: /notify all|mentions|none|default');
  }
  // The store merges by (account, case-folded address); make sure the fold finds this very row before writing.
  const key = engine.normalize(conv.accountId, conv.remoteId);
  if (engine.store.findConversation(conv.accountId, key)?.id !== conv.id) {
    throw new CommandError(`connect ${conv.accountId} first: the level of this conversation cannot be stored now`);
  }
  // JSON merge patch (RFC 7396): null removes the key, so "default" falls back to the account's or config's level.
  const ext = { [CONVERSATION_NOTIFY_KEY]: level === 'default' ? null : level };
  engine.store.upsertConversation({ accountId: conv.accountId, remoteId: conv.remoteId, key, kind: conv.kind, ext });
  engine.ingestDeps.conversationIds.clear();
  engine.changes.conversation(conv.id);
  const where = conv.title || conv.remoteId;
  return { ok: true, info: level === 'default' ? `${where} notifies at the default level again` : `${where} now notifies: ${level}` };
}

/** Stores an own message as pending and lets the outbox send it (now if online, else after reconnecting). */
function queueMessage(engine: Engine, conv: Conversation, body: string, kind: 'text' | 'action' | 'notice', replyTo?: string): ActionResult {
  if (conv.kind === 'server') throw new CommandError('this is the server window: open a conversation to write (Ctrl-K, /join, /query)');
  if (body.trim() === '') return { ok: true };
  return queueOwn(engine, conv, { body, kind, replyTo });
}

async function loadOlder(engine: Engine, conv: Conversation): Promise<ActionResult> {
  const rt = engine.runtime(conv.accountId);
  const adapter = rt?.adapter;
  if (!adapter || !adapter.capabilities.history || !engine.isOnline(conv.accountId)) {
    return { ok: true, info: 'no older messages stored, and the server keeps no history to fetch' };
  }
  const kv = engine.store.kv(conv.accountId);
  const cursorKey = `history.before.${conv.id}`;
  const stored = kv.get(cursorKey);
  if (stored === '') return { ok: true, info: 'this is the beginning of the conversation' };
  const before = stored ?? engine.store.oldestMessage(conv.id)?.remoteId;
  const page = await adapter.history(conv.remoteId, before, HISTORY_PAGE);
  engine.store.transaction(() => {
    for (const m of page.messages) ingestMessage(engine.ingestDeps, conv.accountId, { ...m, historical: true });
    kv.set(cursorKey, page.next ?? '');
  });
  engine.changes.timeline(conv.id);
  return { ok: true, info: page.messages.length ? `${page.messages.length} older messages loaded` : 'no older messages on the server' };
}

export async function runAction(engine: Engine, action: Action): Promise<ActionResult> {
  switch (action.type) {
    case 'send': {
      const conv = conversationOf(engine, action.conversationId);
      return queueMessage(engine, conv, action.body, action.kind ?? 'text', action.replyTo);
    }
    case 'open': {
      if (!engine.runtime(action.accountId)) throw new CommandError(`no account named "${action.accountId}"`);
      const conv = upsertConversation(
        engine.ingestDeps,
        action.accountId,
        { remoteId: action.address, kind: 'direct', title: action.address },
        true,
      );
      engine.changes.conversationList();
      if (action.body) queueMessage(engine, conv, action.body, 'text');
      return { ok: true, conversationId: conv.id };
    }
    case 'join': {
      const adapter = adapterOf(engine, action.accountId);
      await adapter.join(action.address, action.password ? { password: action.password } : undefined);
      engine.drain();
      let conv = engine.store.findConversation(action.accountId, adapter.normalize(action.address));
      if (conv?.invitedBy) {
        // Joining is how an invitation is accepted: it is answered now.
        conv = engine.store.upsertConversation(
          { accountId: conv.accountId, remoteId: conv.remoteId, key: adapter.normalize(conv.remoteId), kind: conv.kind, invitedBy: null },
          true,
        );
        engine.ingestDeps.conversationIds.clear();
        engine.changes.conversation(conv.id);
      }
      return conv ? { ok: true, conversationId: conv.id } : { ok: true, info: `joining ${action.address}…` };
    }
    case 'part': {
      const conv = conversationOf(engine, action.conversationId);
      if (conv.kind === 'direct' || conv.kind === 'server') throw new CommandError('/part leaves channels and rooms; /close closes this window');
      await adapterOf(engine, conv.accountId).leave(conv.remoteId, action.reason);
      return { ok: true };
    }
    case 'close': {
      const conv = conversationOf(engine, action.conversationId);
      if (conv.kind === 'server') throw new CommandError('the server window cannot be closed; /disconnect the account instead');
      if (conv.joined && conv.kind !== 'direct' && engine.isOnline(conv.accountId)) {
        await engine.runtime(conv.accountId)?.adapter?.leave(conv.remoteId);
      }
      engine.store.setConversationClosed(conv.id, true);
      engine.ingestDeps.closed.add(conv.id);
      engine.changes.conversationList();
      return { ok: true };
    }
    case 'nick':
      await adapterOf(engine, action.accountId).command('nick', [action.nick]);
      return { ok: true };
    case 'topic': {
      const conv = conversationOf(engine, action.conversationId);
      if (action.topic === undefined) return { ok: true, info: conv.topic ? `topic: ${conv.topic}` : 'no topic is set' };
      await adapterOf(engine, conv.accountId).command('topic', [action.topic], conv.remoteId);
      return { ok: true };
    }
    case 'search': {
      const hits = engine.store.search(action.query, {
        conversationId: action.conversationId,
        sender: action.sender,
        accountId: action.accountId,
      });
      return { ok: true, search: hits, info: `${hits.length} result${hits.length === 1 ? '' : 's'} for "${action.query}"` };
    }
    case 'connect': {
      if (action.url) {
        if (!engine.host.addAccount) throw new CommandError('adding accounts is not possible here');
        const rt = await engine.host.addAccount(action.url);
        engine.addAccount(rt);
        await engine.connect(rt.id);
        return { ok: true, info: `added account ${rt.id} to the config; connecting…` };
      }
      const ids = action.accountId ? [action.accountId] : engine.accountIds().filter((id) => !engine.isOnline(id));
      if (action.accountId && !engine.runtime(action.accountId)) throw new CommandError(`no account named "${action.accountId}"`);
      if (ids.length === 0) {
        return { ok: true, info: 'every account is connected; add one with /connect ircs://nick@host/#channel or in the config file' };
      }
      await Promise.all(ids.map((id) => engine.connect(id)));
      return { ok: true, info: `connecting ${ids.join(', ')}…` };
    }
    case 'disconnect': {
      const ids = action.accountId ? [action.accountId] : engine.accountIds();
      if (action.accountId && !engine.runtime(action.accountId)) throw new CommandError(`no account named "${action.accountId}"`);
      await Promise.all(ids.map((id) => engine.disconnect(id, action.reason)));
      return { ok: true, info: `disconnected ${ids.join(', ')}` };
    }
    case 'quit':
      engine.host.quit?.(action.reason);
      return { ok: true };
    case 'help':
      return { ok: true, help: helpFor(action.command) };
    case 'mark-read': {
      const before = engine.store.getConversation(action.conversationId);
      const conv = engine.store.markRead(action.conversationId, action.seq);
      if (conv && before && (before.unread !== conv.unread || before.mentions !== conv.mentions)) {
        engine.changes.conversation(conv.id);
        // Only when something was unread: the marker goes out once per read, not on every scroll.
        await sendReadMarker(engine, conv, action.seq);
      }
      return { ok: true };
    }
    case 'typing': {
      // Best effort and silent: a notice that cannot be sent (offline, no support) is simply not sent.
      const conv = engine.store.getConversation(action.conversationId);
      const adapter = conv && engine.isOnline(conv.accountId) ? engine.runtime(conv.accountId)?.adapter : undefined;
      if (conv && conv.kind !== 'server' && adapter?.capabilities.typing && accountSends(engine, conv.accountId, 'send_typing')) {
        await adapter.setTyping?.(conv.remoteId, action.active);
      }
      return { ok: true };
    }
    case 'reply':
      return reply(engine, action);
    case 'edit':
      return edit(engine, action);
    case 'react':
      return react(engine, action);
    case 'retract':
      return retract(engine, action);
    case 'upload':
      return upload(engine, action);
    case 'decline':
      return decline(engine, action);
    case 'activity':
      engine.setActive(action.active);
      return { ok: true };
    case 'load-older':
      return loadOlder(engine, conversationOf(engine, action.conversationId));
    case 'protocol': {
      if (action.name === 'notify') return setNotifyLevel(engine, action.conversationId, action.args[0]);
      if (action.name === DOWNLOAD_ACTION) return downloadAttachment(engine, action.conversationId, action.args[0], action.args[1]);
      const conv = action.conversationId ? engine.store.getConversation(action.conversationId) : undefined;
      await adapterOf(engine, action.accountId).command(action.name, action.args, conv?.remoteId);
      return { ok: true };
    }
  }
}
