/** What the XMPP adapter supports today; grows as the features of issue 3 land. */
import type { Capabilities } from '../../src/core/contract.js';

export function xmppCapabilities(): Capabilities {
  return {
    // XEP-0308, XEP-0444, XEP-0461, XEP-0424/0425 (rich-sending.ts, events/rich.ts).
    edits: true,
    reactions: true,
    replies: true,
    retraction: true,
    receipts: true,
    typing: true,
    history: true,
    e2ee: false,
    uploads: true,
    presence: true,
    threads: false,
    messageIds: true,
  };
}
