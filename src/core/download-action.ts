/**
 * The protocol action the engine answers itself to fetch a received attachment through `Adapter.download`:
 * `{ type: 'protocol', name: DOWNLOAD_ACTION, accountId, conversationId, args: [messageId, attachmentUrl] }`. Its
 * result's `info` is the local path of the file (src/core/engine/download-attachment.ts). Used by `/open`.
 */
export const DOWNLOAD_ACTION = 'natter-download';
