/**
 * One room: its event list in stream order, current state, typing users and receipts, with the subset of the
 * authorization rules (spec: "Room versions", auth rules) that clients observe: membership, power levels,
 * join rules, redaction rights.
 */
import { forbidden, MatrixError } from './errors.js';
import { clone, isObject, type Json, type JsonObject } from './json.js';
import { randomId, type HomeserverState } from './state.js';

export interface StoredEvent {
  event_id: string;
  room_id: string;
  type: string;
  sender: string;
  content: JsonObject;
  origin_server_ts: number;
  state_key?: string;
  /** Room versions up to 10 carry the redacted event id at the top level of m.room.redaction. */
  redacts?: string;
  /** Stream position (also the topological order: this server never merges forks). */
  pos: number;
  prevContent?: JsonObject;
  prevSender?: string;
  replacesState?: string;
  redactedBecause?: StoredEvent;
  /** Replacements (m.replace by the same sender), for the server-side edit aggregation. */
  edits?: StoredEvent[];
  /** Events in this event's thread (m.thread relations to it), for the server-side thread summary. */
  threadReplies?: StoredEvent[];
  /** Who sent it from which device with which transaction id (echoed as unsigned.transaction_id to that device). */
  txn?: { userId: string; deviceId: string; txnId: string };
}

export interface Receipt {
  eventId: string;
  type: string;
  userId: string;
  threadId?: string;
  ts: number;
  pos: number;
}

export const stateKeyOf = (type: string, stateKey: string): string => `${type}\u0000${stateKey}`;

/** Content keys kept by redaction, per event type (spec: room version 10/11 redaction algorithm). */
const keptContent: Record<string, string[]> = {
  'm.room.member': ['membership', 'join_authorised_via_users_server', 'third_party_invite'],
  'm.room.create': ['creator', 'room_version', 'type', 'predecessor', 'm.federate'],
  'm.room.join_rules': ['join_rule', 'allow'],
  'm.room.power_levels': ['ban', 'events', 'events_default', 'invite', 'kick', 'redact', 'state_default', 'users', 'users_default'],
  'm.room.history_visibility': ['history_visibility'],
  'm.room.redaction': ['redacts'],
};

export class Room {
  readonly events: StoredEvent[] = [];
  readonly state = new Map<string, StoredEvent>();
  readonly byId = new Map<string, StoredEvent>();
  /** user id → typing expiry (ms since epoch). */
  readonly typing = new Map<string, NodeJS.Timeout>();
  typingPos = 0;
  readonly receipts = new Map<string, Receipt>();
  /** Published in the public room directory (createRoom visibility "public"). */
  published = false;

  constructor(
    private readonly hs: HomeserverState,
    readonly roomId: string,
    readonly version: string,
  ) {}

  stateEvent(type: string, stateKey = ''): StoredEvent | undefined {
    return this.state.get(stateKeyOf(type, stateKey));
  }

  membership(userId: string): string | undefined {
    const m = this.stateEvent('m.room.member', userId)?.content['membership'];
    return typeof m === 'string' ? m : undefined;
  }

  /** The member event of `userId` as it stood at stream position `pos`. */
  memberEventAt(userId: string, pos: number): StoredEvent | undefined {
    let found: StoredEvent | undefined;
    for (const e of this.events) {
      if (e.pos > pos) break;
      if (e.type === 'm.room.member' && e.state_key === userId) found = e;
    }
    return found;
  }

  membershipAt(userId: string, pos: number): string | undefined {
    const m = this.memberEventAt(userId, pos)?.content['membership'];
    return typeof m === 'string' ? m : undefined;
  }

  /** Room state after every event at or before `pos` (state_key → event). */
  stateAt(pos: number): Map<string, StoredEvent> {
    const s = new Map<string, StoredEvent>();
    for (const e of this.events) {
      if (e.pos > pos) break;
      if (e.state_key !== undefined) s.set(stateKeyOf(e.type, e.state_key), e);
    }
    return s;
  }

  members(membership = 'join'): string[] {
    const out: string[] = [];
    for (const e of this.state.values()) {
      if (e.type === 'm.room.member' && e.content['membership'] === membership && e.state_key) out.push(e.state_key);
    }
    return out;
  }

  isEncrypted(): boolean {
    return this.stateEvent('m.room.encryption') !== undefined;
  }

  powerLevel(userId: string): number {
    const pl = this.stateEvent('m.room.power_levels')?.content;
    if (!pl) {
      // Without power levels the creator has 100 (spec: auth rules).
      return this.stateEvent('m.room.create')?.sender === userId ? 100 : 0;
    }
    const users = isObject(pl['users']) ? pl['users'] : {};
    const v = users[userId] ?? pl['users_default'] ?? 0;
    return typeof v === 'number' ? v : 0;
  }

  /** The power level required for an action (`kick`, `ban`, `redact`, `invite`) or to send an event type. */
  required(action: string, isState = false): number {
    const pl = this.stateEvent('m.room.power_levels')?.content;
    if (!pl) return 0;
    if (['kick', 'ban', 'redact', 'invite'].includes(action)) {
      const v = pl[action];
      return typeof v === 'number' ? v : action === 'invite' ? 0 : 50;
    }
    const events = isObject(pl['events']) ? pl['events'] : {};
    const ev = events[action];
    if (typeof ev === 'number') return ev;
    const d = isState ? pl['state_default'] : pl['events_default'];
    return typeof d === 'number' ? d : isState ? 50 : 0;
  }

  /** Checks that `sender` may send this event now (the parts of the auth rules that matter to clients). */
  authorize(sender: string, type: string, stateKey: string | undefined, content: JsonObject): void {
    if (type === 'm.room.create') return;
    const own = this.membership(sender);
    if (type === 'm.room.member') {
      const target = stateKey ?? '';
      const membership = content['membership'];
      const targetNow = this.membership(target);
      switch (membership) {
        case 'join': {
          if (target !== sender) throw forbidden('cannot join on behalf of another user');
          if (targetNow === 'ban') throw forbidden('you are banned from this room');
          if (targetNow === 'join' || targetNow === 'invite') return;
          const rule = this.stateEvent('m.room.join_rules')?.content['join_rule'];
          if (rule === 'public') return;
          // The creator's own first join (createRoom) happens before join rules exist.
          if (this.stateEvent('m.room.create')?.sender === sender && !this.stateEvent('m.room.join_rules')) return;
          throw forbidden('you are not invited to this room');
        }
        case 'invite':
          if (own !== 'join') throw forbidden('you are not in this room');
          if (targetNow === 'join') throw forbidden(`${target} is already in the room`);
          if (targetNow === 'ban') throw forbidden(`${target} is banned from the room`);
          if (this.powerLevel(sender) < this.required('invite')) throw forbidden('you may not invite users here');
          return;
        case 'leave':
          if (target === sender) {
            if (own !== 'join' && own !== 'invite' && own !== 'knock') throw forbidden('you are not in this room');
            return;
          }
          if (own !== 'join') throw forbidden('you are not in this room');
          if (targetNow === 'ban') {
            if (this.powerLevel(sender) < this.required('ban')) throw forbidden('you may not unban users here');
            return;
          }
          if (this.powerLevel(sender) < this.required('kick') || this.powerLevel(sender) <= this.powerLevel(target)) {
            throw forbidden('you may not kick this user');
          }
          return;
        case 'ban':
          if (own !== 'join') throw forbidden('you are not in this room');
          if (this.powerLevel(sender) < this.required('ban') || this.powerLevel(sender) <= this.powerLevel(target)) {
            throw forbidden('you may not ban this user');
          }
          return;
        default:
          throw new MatrixError(400, 'M_BAD_JSON', `unknown membership: ${String(membership)}`);
      }
    }
    if (own !== 'join') throw forbidden(`${sender} is not in room ${this.roomId}`);
    if (this.powerLevel(sender) < this.required(type, stateKey !== undefined)) {
      throw forbidden(`insufficient power level to send ${type}`);
    }
    if (stateKey !== undefined && stateKey.startsWith('@') && stateKey !== sender && type !== 'm.room.member') {
      // Auth rules: a state key that is a user id may only be set by that user.
      throw forbidden('state keys that are user ids belong to that user');
    }
  }

  /** Appends an event after authorization; returns the stored event. */
  append(e: {
    type: string;
    sender: string;
    content: JsonObject;
    stateKey?: string;
    redacts?: string;
    txn?: StoredEvent['txn'];
    skipAuth?: boolean;
  }): StoredEvent {
    if (!e.skipAuth) this.authorize(e.sender, e.type, e.stateKey, e.content);
    const stored: StoredEvent = {
      event_id: `$${randomId(32)}`,
      room_id: this.roomId,
      type: e.type,
      sender: e.sender,
      content: clone(e.content),
      origin_server_ts: Date.now(),
      pos: this.hs.bump(),
    };
    if (e.txn) stored.txn = e.txn;
    if (e.redacts !== undefined) stored.redacts = e.redacts;
    if (e.stateKey !== undefined) {
      stored.state_key = e.stateKey;
      const prev = this.state.get(stateKeyOf(e.type, e.stateKey));
      if (prev) {
        stored.prevContent = prev.content;
        stored.prevSender = prev.sender;
        stored.replacesState = prev.event_id;
      }
      this.state.set(stateKeyOf(e.type, e.stateKey), stored);
    }
    this.events.push(stored);
    this.byId.set(stored.event_id, stored);
    const rel = stored.content['m.relates_to'];
    if (isObject(rel) && rel['rel_type'] === 'm.thread' && typeof rel['event_id'] === 'string') {
      const root = this.byId.get(rel['event_id']);
      if (root) (root.threadReplies ??= []).push(stored);
    }
    if (isObject(rel) && rel['rel_type'] === 'm.replace' && typeof rel['event_id'] === 'string') {
      // Only the original sender's replacements count (spec: "Validity of replacement events").
      const original = this.byId.get(rel['event_id']);
      if (original && original.sender === stored.sender && original.type === stored.type) (original.edits ??= []).push(stored);
    }
    if (e.type === 'm.room.redaction' && e.redacts) this.applyRedaction(e.redacts, stored);
    return stored;
  }

  private applyRedaction(targetId: string, redaction: StoredEvent): void {
    const target = this.byId.get(targetId);
    if (!target || target.redactedBecause) return;
    const keep = keptContent[target.type] ?? [];
    const content: JsonObject = {};
    for (const k of keep) if (target.content[k] !== undefined) content[k] = target.content[k] as Json;
    target.content = content;
    target.redactedBecause = redaction;
  }

  /** Events `userId` may see (history visibility "shared": everything up to their leave, if they ever joined). */
  visibleUntil(userId: string): number {
    const m = this.stateEvent('m.room.member', userId);
    if (!m) return -1;
    const membership = m.content['membership'];
    if (membership === 'join') return Number.MAX_SAFE_INTEGER;
    const everJoined = this.events.some((e) => e.type === 'm.room.member' && e.state_key === userId && e.content['membership'] === 'join');
    if (!everJoined) return -1;
    return m.pos;
  }

  /** Sets or clears `userId`'s typing notice (spec: PUT /rooms/{roomId}/typing/{userId}). */
  setTyping(userId: string, typing: boolean, timeoutMs: number): void {
    const old = this.typing.get(userId);
    if (old) clearTimeout(old);
    if (typing) {
      const t = setTimeout(() => {
        this.typing.delete(userId);
        this.typingPos = this.hs.bump();
      }, timeoutMs);
      t.unref();
      this.typing.set(userId, t);
    } else {
      this.typing.delete(userId);
    }
    if (old !== undefined || typing) this.typingPos = this.hs.bump();
  }

  clearTimers(): void {
    for (const t of this.typing.values()) clearTimeout(t);
    this.typing.clear();
  }

  setReceipt(userId: string, type: string, eventId: string, threadId: string | undefined): void {
    const key = `${type}\u0000${userId}\u0000${threadId ?? ''}`;
    const r: Receipt = { eventId, type, userId, ts: Date.now(), pos: this.hs.bump() };
    if (threadId !== undefined) r.threadId = threadId;
    this.receipts.set(key, r);
  }
}
