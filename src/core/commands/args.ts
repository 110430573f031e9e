/** Small helpers the commands share for splitting arguments and picking the account or conversation they act on. */
import { CommandError } from '../errors.js';
import type { CommandContext, CommandDef } from './command-def.js';

/** Whitespace-separated words; empty input gives no words. */
export function words(args: string): string[] {
  return args.split(/\s+/).filter((w) => w !== '');
}

/** The first word and the rest as typed (leading whitespace of the rest removed, everything else kept). */
export function firstWord(args: string): { word: string | undefined; rest: string } {
  const m = /^\s*(\S+)(?:\s+([\s\S]*))?$/.exec(args);
  if (!m) return { word: undefined, rest: '' };
  return { word: m[1], rest: m[2] ?? '' };
}

/** A CommandError of the form "<problem>: <usage>". */
export function usageError(def: Pick<CommandDef, 'usage'>, problem: string): CommandError {
  return new CommandError(`${problem}: ${def.usage}`);
}

/** Checks that `name` is a configured account. */
export function knownAccount(name: string, ctx: CommandContext): string {
  if (ctx.accounts.includes(name)) return name;
  const list = ctx.accounts.length > 0 ? `accounts: ${ctx.accounts.join(', ')}` : 'no accounts are configured';
  throw new CommandError(`no account named "${name}"; ${list}`);
}

/**
 * Splits a leading `-account <name>` off the arguments (the one syntax for picking another account than the focused
 * one; chosen over `account:#chan` because Matrix room aliases contain a colon).
 */
export function takeAccountOption(
  def: Pick<CommandDef, 'name' | 'usage'>,
  args: string,
  ctx: CommandContext,
): { accountId: string | undefined; rest: string } {
  const first = firstWord(args);
  if (first.word !== '-account' && first.word !== '--account') {
    return { accountId: undefined, rest: args.trimStart() };
  }
  const second = firstWord(first.rest);
  if (second.word === undefined) throw usageError(def, `-account needs an account name`);
  return { accountId: knownAccount(second.word, ctx), rest: second.rest };
}

/**
 * The account a command acts on: the one given, else the focused one, else the only configured one.
 * Throws when none can be picked.
 */
export function pickAccount(def: Pick<CommandDef, 'name' | 'usage'>, explicit: string | undefined, ctx: CommandContext): string {
  if (explicit !== undefined) return explicit;
  if (ctx.accountId !== undefined) return ctx.accountId;
  if (ctx.accounts.length === 1) return ctx.accounts[0]!;
  if (ctx.accounts.length === 0) {
    throw new CommandError(`/${def.name}: no accounts are configured; add one to the config file or use /connect <url>`);
  }
  throw usageError(def, `/${def.name}: no account is focused; pick one with -account <name>`);
}

/** The focused conversation's id, or a CommandError with `message`. */
export function requireConversation(ctx: CommandContext, message: string): string {
  if (ctx.conversationId === undefined) throw new CommandError(message);
  return ctx.conversationId;
}

/** Channel-like address prefixes: IRC `#&+!` (RFC 2811 §2.1), Matrix `#alias:hs` and `!id:hs`. */
export function looksLikeChannel(word: string): boolean {
  return /^[#&+!]/.test(word);
}
