/**
 * The state one email account's adapter shares between its parts (IMAP connection and sync, SMTP sending, groups,
 * inbound events), and the small helpers they all use. Each part is a module of functions taking this state
 * explicitly; adapter.ts owns one instance per adapter.
 */
import type { ImapFlow } from 'imapflow';
import type { AdapterContext, AdapterEvent } from '../../src/core/contract.js';
import { ReconnectBackoff } from '../../src/core/backoff.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import type { ConnectionState } from '../../src/core/model.js';
import type { Autocrypt } from './autocrypt.js';
import type { EmailOptions } from './options.js';

/** kv: UIDVALIDITY of INBOX the stored UID belongs to (RFC 9051 §2.3.1.1). */
export const KV_UIDVALIDITY = 'imap:uidvalidity';
/** kv: highest INBOX UID already looked at; sync continues after it. */
export const KV_LAST_UID = 'imap:lastuid';
/** kv prefix: Message-ID of a chat message (sent or received) → its conversation's remote id. */
export const KV_CHAT_MSG = 'chat:msg:';
/** kv prefix: address of someone who wrote chat mail to us or whom we wrote to. */
export const KV_CONTACT = 'contact:';

/** One IMAP connection attempt; `closed` once it ended, never reused. */
export interface ImapConnection {
  client: ImapFlow;
  closed: boolean;
  online: boolean;
  /** An IDLE command of ours is running on this connection. */
  idling?: boolean;
  error?: unknown;
}

export class EmailState {
  ctx?: AdapterContext;
  opts?: EmailOptions;
  log: Logger = silentLogger;
  password = '';
  ac?: Autocrypt;
  conn?: ImapConnection;
  readonly backoff = new ReconnectBackoff();
  stopping = false;
  reconnectTimer?: ReturnType<typeof setTimeout>;
  pollTimer?: ReturnType<typeof setInterval>;
  /** The running INBOX sync, and whether another pass was asked for meanwhile. */
  syncing?: Promise<void>;
  syncAgain = false;

  get kv(): AdapterContext['kv'] {
    return this.ctx!.kv;
  }

  /** Hands an event to the engine; an engine that throws is logged, never breaks the adapter. */
  emit(event: AdapterEvent): void {
    try {
      this.ctx?.emit(event);
    } catch (e) {
      this.log.error('the engine failed to take an event', e);
    }
  }

  emitConnection(state: ConnectionState, detail?: string): void {
    this.emit({ type: 'connection', state, ...(detail ? { detail } : {}), self: this.opts!.address });
  }

  /** The conversation a chat message (by Message-ID) belongs to, if we saw or sent it. */
  conversationOf(messageId: string | undefined): string | undefined {
    return messageId ? this.kv.get(KV_CHAT_MSG + messageId) : undefined;
  }

  rememberMessage(messageId: string, conversation: string): void {
    this.kv.set(KV_CHAT_MSG + messageId, conversation);
  }
}
