/** What the email adapter supports today. */
import type { Capabilities } from '../../src/core/contract.js';

export function emailCapabilities(): Capabilities {
  return {
    // Delta Chat's Chat-Edit and Chat-Delete (editing.ts, events/edit.ts).
    edits: true,
    reactions: true,
    replies: true,
    retraction: true,
    // Read receipts both ways (MDN, RFC 8098, as Delta Chat sends them).
    receipts: true,
    typing: false,
    // Chat mail lives in INBOX only; there is no server-side chat history to page beyond what sync fetched.
    history: false,
    e2ee: true,
    // Files go inside the (encrypted) mail itself.
    uploads: true,
    presence: false,
    threads: false,
    messageIds: true,
  };
}
