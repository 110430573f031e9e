/**
 * What the rich-messaging extensions remember between stanzas, so the adapter can speak the ids each extension wants
 * while natter knows messages by one remote id (the own server's or the room's stanza-id, XEP-0359):
 *
 * - per message seen: the id other clients use to refer to it (the message id/origin-id for corrections, and in
 *   one-to-one chat for replies and reactions), its author and a short quote (for the XEP-0461 fallback). Kept in
 *   memory (bounded); the ids that only the adapter can know (a one-to-one message's id next to its stanza-id, the
 *   origin-id of an own room message) also persist in the account's kv store, so an edit or a reply after a restart
 *   still names the right message.
 * - per conversation: the newest incoming messages in arrival order with whether they asked for chat markers
 *   (XEP-0333), and the own messages sent, so a `displayed` marker can mark everything up to it as read.
 * - per (message, sender): the last complete reaction set (XEP-0444 sends the whole set each time), in kv with its
 *   time, so a restart or an older archive copy never brings back a reaction that was removed.
 */
import type { AdapterEvent, IncomingMessage, KeyValue } from '../../src/core/contract.js';

/** How a message is referred to on the wire. */
export interface KnownMessage {
  /** The message's `id`/origin-id: what XEP-0308 corrections (and one-to-one replies/reactions) name. */
  msgId?: string;
  /** Author as the reply's `to` wants it: the bare JID in one-to-one chat, the occupant JID in a room. */
  from?: string;
  /** The start of the body, for a reply's fallback quote. */
  quote?: string;
}

interface Recent {
  remoteId: string;
  /** The id a marker for this message names (message id in one-to-one chat, stanza-id in a room). */
  markerId: string;
  markable: boolean;
  /** Full JID to address a one-to-one marker to. */
  to?: string;
}

const MAX_KNOWN = 5000;
const MAX_WAITING = 1000;
const MAX_RECENT = 200;
const QUOTE_CHARS = 200;

/** kv key prefixes owned by this module. */
export const KV_IDS = 'xmsg:id:';
export const KV_REACTIONS = 'xmsg:react:';

export class RichState {
  private readonly known = new Map<string, KnownMessage>();
  private readonly recent = new Map<string, Recent[]>();
  private readonly sentOwn = new Map<string, string[]>();
  /** The marker id last sent as `displayed` per conversation (never twice). */
  readonly displayedSent = new Map<string, string>();
  /** Changes from history pages whose message was not in that page (paging backwards meets changes first). */
  private readonly waiting = new Map<string, AdapterEvent[]>();

  /**
   * The changes to emit after a history page: the page's own, and those of earlier (newer) pages that wait for a
   * message this page brought. The page's changes whose message is not in it wait in turn (bounded, oldest dropped),
   * so a correction or reaction loaded before its original still reaches it.
   */
  historyUpdates(messages: IncomingMessage[], updates: AdapterEvent[]): AdapterEvent[] {
    const ids = (m: IncomingMessage) => [m.remoteId, ...(m.altIds ?? [])].filter((x): x is string => !!x).map((x) => `${m.conversation.remoteId}\u0000${x}`);
    const here = new Set(messages.flatMap(ids));
    const out: AdapterEvent[] = [];
    for (const m of messages) {
      for (const key of ids(m)) {
        const w = this.waiting.get(key);
        if (!w) continue;
        this.waiting.delete(key);
        out.push(...w);
      }
    }
    for (const u of updates) {
      out.push(u);
      if (u.type !== 'message.update' || !u.targetRemoteId) continue;
      const key = `${u.conversationRemoteId}\u0000${u.targetRemoteId}`;
      if (here.has(key)) continue;
      this.waiting.set(key, [...(this.waiting.get(key) ?? []), u]);
      if (this.waiting.size > MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value!);
    }
    return out;
  }

  /**
   * Records how message `remoteId` of conversation `conv` is referred to. `persist` writes the message id to kv
   * (only where it differs from the remote id and cannot be derived again without the message).
   */
  remember(kv: KeyValue | undefined, conv: string, remoteId: string, info: KnownMessage, persist: boolean): void {
    const key = `${conv}\u0000${remoteId}`;
    const quote = info.quote === undefined ? undefined : [...info.quote].slice(0, QUOTE_CHARS).join('');
    this.known.delete(key);
    this.known.set(key, { ...info, ...(quote !== undefined ? { quote } : {}) });
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
    if (persist && kv && info.msgId && info.msgId !== remoteId) {
      try {
        kv.set(KV_IDS + key, JSON.stringify({ i: info.msgId, ...(info.from ? { f: info.from } : {}) }));
      } catch {
        // A full or broken kv store costs only the id mapping (the remote id is used instead).
      }
    }
  }

  /** What is known about message `remoteId` (memory first, then the persisted id mapping). */
  lookup(kv: KeyValue | undefined, conv: string, remoteId: string): KnownMessage | undefined {
    const key = `${conv}\u0000${remoteId}`;
    const hit = this.known.get(key);
    if (hit) return hit;
    const raw = kv?.get(KV_IDS + key);
    if (!raw) return undefined;
    try {
      const v = JSON.parse(raw) as { i?: unknown; f?: unknown };
      return { ...(typeof v.i === 'string' ? { msgId: v.i } : {}), ...(typeof v.f === 'string' ? { from: v.f } : {}) };
    } catch {
      return undefined;
    }
  }

  /** A message arrived in `conv` (markers may be sent for it later when it is someone else's and markable). */
  seen(conv: string, r: Recent): void {
    const list = this.recent.get(conv) ?? [];
    if (list.some((x) => x.remoteId === r.remoteId)) return;
    list.push(r);
    if (list.length > MAX_RECENT) list.shift();
    this.recent.set(conv, list);
  }

  /**
   * The newest markable message at or before `upTo` in arrival order (`upTo` itself when it is markable); undefined
   * when `upTo` is unknown or nothing before it asked for markers.
   */
  markableUpTo(conv: string, upTo: string): Recent | undefined {
    const list = this.recent.get(conv) ?? [];
    const at = list.findIndex((x) => x.remoteId === upTo || x.markerId === upTo);
    for (let i = at; i >= 0; i--) if (list[i]!.markable) return list[i];
    return undefined;
  }

  /** An own message went out in `conv` under `id`. */
  sent(conv: string, id: string): void {
    const list = this.sentOwn.get(conv) ?? [];
    list.push(id);
    if (list.length > MAX_RECENT) list.shift();
    this.sentOwn.set(conv, list);
  }

  /**
   * The own messages a `displayed` marker for `id` covers (XEP-0333 §4: a marker acknowledges that message and all
   * sent before it): `id` and the ones sent before it this run. Each is handed out once.
   */
  readUpTo(conv: string, id: string): string[] {
    const list = this.sentOwn.get(conv) ?? [];
    const at = list.indexOf(id);
    if (at === -1) return [id];
    const covered = list.splice(0, at + 1);
    return covered;
  }

  /** The last reaction set of `sender` on message `target`, with the server time it was sent. */
  reactionSet(kv: KeyValue | undefined, conv: string, target: string, sender: string): { t: number; keys: string[] } {
    const raw = kv?.get(reactionKey(conv, target, sender));
    if (!raw) return { t: 0, keys: [] };
    try {
      const v = JSON.parse(raw) as { t?: unknown; k?: unknown };
      const keys = Array.isArray(v.k) ? v.k.filter((k): k is string => typeof k === 'string') : [];
      return { t: typeof v.t === 'number' ? v.t : 0, keys };
    } catch {
      return { t: 0, keys: [] };
    }
  }

  setReactionSet(kv: KeyValue | undefined, conv: string, target: string, sender: string, t: number, keys: string[]): void {
    try {
      kv?.set(reactionKey(conv, target, sender), JSON.stringify({ t, k: keys }));
    } catch {
      // Without kv the next reaction is compared with nothing: at worst a removal is shown late.
    }
  }
}

function reactionKey(conv: string, target: string, sender: string): string {
  return `${KV_REACTIONS}${conv}\u0000${target}\u0000${sender}`;
}
