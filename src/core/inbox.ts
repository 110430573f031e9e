/**
 * The unified inbox's shapes ("All unread" / "Mentions" across every account), shared by the store that queries it,
 * the engine boundary (EngineApi.inbox) and the UI. Plain data.
 */
import type { Message, Protocol } from './model.js';

/** One row of the unified inbox. */
export interface InboxEntry {
  message: Message;
  /** The network of the message's account. */
  protocol: Protocol;
  conversationTitle: string;
  /** The body on one line (already sanitized on ingest; line breaks and runs of spaces collapsed), at most 200 chars. */
  snippet: string;
}

/** Which inbox: every unread message, or only the unread ones that mention the user. */
export interface InboxOptions {
  mentionsOnly?: boolean;
  /** At most this many entries (default 200). */
  limit?: number;
}
