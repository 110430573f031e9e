/**
 * Commands are data: the composer's slash commands and the UI's key bindings parse into these plain objects, which
 * the engine runs. They are serializable so a detached UI can send them over a socket.
 */
import type { Protocol, SearchHit } from './model.js';

export type Action =
  | { type: 'send'; conversationId: string; body: string; kind?: 'text' | 'action' | 'notice'; replyTo?: string }
  /** Join a channel/room on an account: `/join #natter [key]`. */
  | { type: 'join'; accountId: string; address: string; password?: string }
  | { type: 'part'; conversationId: string; reason?: string }
  /** Open (and with a body, send to) a direct conversation: `/query bob`, `/msg bob hi`. */
  | { type: 'open'; accountId: string; address: string; body?: string }
  | { type: 'nick'; accountId: string; nick: string }
  | { type: 'topic'; conversationId: string; topic?: string }
  | { type: 'close'; conversationId: string }
  | { type: 'search'; query: string; conversationId?: string; sender?: string; accountId?: string }
  /** Reconnect a configured account, or add one from a URL (`irc://nick@host:6697/#chan`). */
  | { type: 'connect'; accountId?: string; url?: string; protocol?: Protocol }
  | { type: 'disconnect'; accountId?: string; reason?: string }
  | { type: 'quit'; reason?: string }
  | { type: 'help'; command?: string }
  | { type: 'mark-read'; conversationId: string; seq: number }
  /** The user is (or stopped) writing in the conversation: IRCv3 +typing, XEP-0085 chat states, Matrix typing. */
  | { type: 'typing'; conversationId: string; active: boolean }
  /** Ask the server for older history when the store has nothing older to page in. */
  | { type: 'load-older'; conversationId: string }
  /**
   * Answer a message: `messageId` is the local id of the target (the timeline selection); without it the engine picks
   * the last message from someone else in the conversation.
   */
  | { type: 'reply'; conversationId: string; body: string; messageId?: string }
  /** Correct an own message (default target: the user's own last message); a still-pending one is rewritten locally. */
  | { type: 'edit'; conversationId: string; body: string; messageId?: string }
  /** Toggle the own reaction `key` on a message (default target: the last message from someone else). */
  | { type: 'react'; conversationId: string; key: string; messageId?: string }
  /** Retract (delete for everyone) an own message (default target: the user's own last message). */
  | { type: 'retract'; conversationId: string; messageId?: string }
  /** Send a local file (path as typed; `~` is expanded and the file checked by the engine), with an optional caption. */
  | { type: 'upload'; conversationId: string; path: string; body?: string }
  /** Refuse the invitation into this conversation. */
  | { type: 'decline'; conversationId: string }
  /** The user became active (input, terminal focus) or idle (5 minutes without input, focus lost). */
  | { type: 'activity'; active: boolean }
  /** A protocol command without a portable action (`/raw`, `/whois`): passed to the adapter as typed. */
  | { type: 'protocol'; accountId: string; name: string; args: string[]; conversationId?: string };

/** What running an action produced, for the composer's feedback. */
export type ActionResult =
  | { ok: true; info?: string; conversationId?: string; search?: SearchHit[]; help?: HelpEntry[] }
  | { ok: false; error: string };

export interface HelpEntry {
  name: string;
  usage: string;
  summary: string;
  aliases?: string[];
}
