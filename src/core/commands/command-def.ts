/**
 * Slash commands are data: each command is a {@link CommandDef} that turns the typed arguments into an
 * {@link Action} for the engine, or throws a {@link CommandError} whose message says what was wrong and shows the usage.
 */
import type { Action } from '../actions.js';
import type { ConversationKind } from '../model.js';

/** Where the user typed the command: the focused account and conversation, and every configured account. */
export interface CommandContext {
  /** The account of the focused conversation or account buffer. */
  accountId?: string;
  /** The focused conversation's local id. */
  conversationId?: string;
  /** The focused conversation's address on the network (`#natter`, `bob`), to recognise it when typed. */
  conversationRemoteId?: string;
  conversationKind?: ConversationKind;
  /** The focused conversation is an unanswered invitation (`/join` accepts it, `/decline` refuses it). */
  conversationInvited?: boolean;
  /** The local id of the message selected in the timeline: the target of /reply, /edit, /react and /delete. */
  selectedMessageId?: string;
  /** Ids of all configured accounts, for `-account <name>`, `/connect <account>` and validation. */
  accounts: string[];
}

export interface CommandDef {
  /** Lower-case name without the slash. */
  name: string;
  /** Other lower-case names that run the same command. */
  aliases: string[];
  /** One line, e.g. `/join [-account <name>] <#channel> [key]`. */
  usage: string;
  /** One short sentence for the help screen. */
  summary: string;
  /**
   * Turns the arguments (everything after the command name and the whitespace that follows it) into an action.
   * Throws CommandError with a user-facing message, including the usage, when the input cannot be understood here.
   */
  parse(args: string, ctx: CommandContext): Action;
}
