import type { Capabilities } from '../../src/core/contract.js';

/**
 * What a Matrix account supports. Every feature listed is in the client-server spec (v1.x) and does not depend on the
 * server's modules, so it is known before connecting.
 */
export function matrixCapabilities(): Capabilities {
  return {
    edits: true,
    reactions: true,
    replies: true,
    retraction: true,
    receipts: true,
    typing: true,
    history: true,
    e2ee: true,
    uploads: true,
    presence: false,
    threads: true,
    messageIds: true,
    // Spec §"Size limits": events are at most 65536 bytes as canonical JSON, envelope included.
    maxBodyBytes: 32_000,
  };
}
