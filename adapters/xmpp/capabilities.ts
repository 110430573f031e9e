/** What the XMPP adapter supports today; grows as the features of issue 3 land. */
import type { Capabilities } from '../../src/core/contract.js';

export function xmppCapabilities(): Capabilities {
  return {
    edits: false,
    reactions: false,
    replies: false,
    retraction: false,
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
