/**
 * Turns one composer submission into an {@link Action}: plain text is a message to the focused conversation, a line
 * starting with "/" is a command. Throws {@link CommandError} with a message for the status line when the input
 * cannot be run where it was typed.
 */
import type { Action } from '../actions.js';
import { CommandError } from '../errors.js';
import type { CommandContext } from './command-def.js';
import { pickAccount, words } from './args.js';
import { findCommand } from './registry.js';

/**
 * - `text` (no leading slash) → `send` to the focused conversation, kept exactly as typed (multi-line included);
 * - `//text` → sends "/text" literally;
 * - `/name args` → the built-in command `name` (case-insensitive, aliases included);
 * - `/other args` → `protocol` action for the focused account (or the only configured one), arguments split on
 *   whitespace, so `/whois`, `/mode`, `/raw` reach the adapter.
 */
export function parseInput(text: string, ctx: CommandContext): Action {
  if (!text.startsWith('/')) return sendText(text, ctx);
  if (text.startsWith('//')) return sendText(text.slice(1), ctx);
  const m = /^\/(\S*)(?:\s+([\s\S]*))?$/.exec(text);
  const name = (m?.[1] ?? '').toLowerCase();
  const args = m?.[2] ?? '';
  if (name === '') {
    throw new CommandError('type a command after "/": /help lists commands; "//" starts a message with "/"');
  }
  const def = findCommand(name);
  if (def !== undefined) return def.parse(args, ctx);
  if (ctx.accountId === undefined && ctx.accounts.length !== 1) {
    throw new CommandError(`unknown command /${name}; /help lists commands`);
  }
  const accountId = pickAccount({ name, usage: `/${name}` }, undefined, ctx);
  const action: Action = { type: 'protocol', accountId, name, args: words(args) };
  return ctx.conversationId === undefined ? action : { ...action, conversationId: ctx.conversationId };
}

function sendText(body: string, ctx: CommandContext): Action {
  if (ctx.conversationId === undefined) throw new CommandError('no conversation is open: use /join or /query');
  if (ctx.conversationKind === 'server') {
    throw new CommandError('the server buffer takes commands, not messages: use /join or /query');
  }
  if (body.trim() === '') throw new CommandError('nothing to send');
  return { type: 'send', conversationId: ctx.conversationId, body };
}
