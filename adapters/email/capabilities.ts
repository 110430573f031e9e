/** What the email adapter supports today. */
import type { Capabilities } from '../../src/core/contract.js';

export function emailCapabilities(): Capabilities {
  return {
    edits: false,
    reactions: true,
    replies: true,
    retraction: false,
    receipts: false,
    typing: false,
    // Chat mail lives in INBOX only; there is no server-side chat history to page beyond what sync fetched.
    history: false,
    e2ee: true,
    uploads: false,
    presence: false,
    threads: false,
    messageIds: true,
  };
}
