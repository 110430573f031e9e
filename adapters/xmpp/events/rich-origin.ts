/**
 * Who sent a stanza that changes an earlier message, and where: the facts every rich-messaging handler (corrections,
 * reactions, retractions, markers) needs, worked out once per stanza by the route it came in on.
 */
import type { AdapterEvent } from '../../../src/core/contract.js';
import type { Room } from '../rooms.js';

export interface RichOrigin {
  /** Conversation remote id: the peer's bare JID (occupant JID for a private room message), or the room. */
  conversation: string;
  /**
   * The true sender, as natter stores senders: the bare JID in one-to-one chat, the own bare JID for our own
   * messages, the occupant JID (`room@service/nick`) in a room. The engine compares it with the original's sender.
   */
  by: string;
  /** The stanza is ours (sent carbon, our own nick's reflection, our own archive copy). */
  out: boolean;
  /** The room, for group chat. */
  room?: Room;
  /** The stanza came from the room itself (bare room JID): only it may moderate (XEP-0425). */
  fromRoom?: boolean;
  /** Server time of the stanza (delay / archive), used to order edits and reaction sets. */
  sentAt?: number;
}

export type Emit = (e: AdapterEvent) => void;
