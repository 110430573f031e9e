/** What every inbound handler gets: the parsed mail, its sender and when the server took it. */
import type { InboundMail } from '../mime-in.js';

export interface Inbound {
  mail: InboundMail;
  from: { address: string; name?: string };
  /** `out` when the mail is our own (a copy of what we sent, another device of ours). */
  direction: 'in' | 'out';
  /** Sender's Date, never later than the server's INTERNALDATE (no messages from the future). */
  sentAt?: number;
}
