/**
 * GET /sync (spec: "Syncing"). Everything a sync reports is ordered by the global stream position, so a since token
 * is one number and `next_batch` is the position when the response was built (synchronously, so nothing between two
 * positions is lost). Incremental syncs wait (long-poll) until something for this user arrives or `timeout` passes.
 */
import { clientEvent, parseToken, strippedEvent, token } from './format.js';
import { invalidParam, notFound } from './errors.js';
import type { Ctx } from './http.js';
import { isObject, type Json, type JsonObject } from './json.js';
import { stateKeyOf, type Room, type StoredEvent } from './room.js';
import type { HomeserverState, Session, User } from './state.js';

export interface SyncFilter {
  timelineLimit: number;
  lazyMembers: boolean;
  includeLeave: boolean;
}

const defaultFilter: SyncFilter = { timelineLimit: 10, lazyMembers: false, includeLeave: false };

/** The parts of a filter (spec: "Filtering") this server applies: timeline limit, lazy-loaded members, left rooms. */
export function toSyncFilter(f: JsonObject | undefined): SyncFilter {
  if (!f) return defaultFilter;
  const room = isObject(f['room']) ? f['room'] : {};
  const timeline = isObject(room['timeline']) ? room['timeline'] : {};
  const state = isObject(room['state']) ? room['state'] : {};
  const limit = timeline['limit'];
  return {
    timelineLimit: typeof limit === 'number' && limit >= 0 ? Math.min(limit, 1000) : defaultFilter.timelineLimit,
    lazyMembers: state['lazy_load_members'] === true || timeline['lazy_load_members'] === true,
    includeLeave: room['include_leave'] === true,
  };
}

/** A filter given to /sync or /messages: a filter id of this user, or inline JSON. */
export function resolveFilter(user: User, param: string | null): JsonObject | undefined {
  if (!param) return undefined;
  if (param.trimStart().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(param);
    } catch {
      throw invalidParam('filter is not valid JSON');
    }
    if (!isObject(parsed)) throw invalidParam('filter must be a JSON object');
    return parsed;
  }
  const f = user.filters[Number(param)];
  if (!/^\d+$/.test(param) || !f) throw notFound(`no filter ${param}`);
  return f;
}

interface Built {
  body: JsonObject;
  empty: boolean;
}

function memberEventsFor(room: Room, pos: number, users: Set<string>): StoredEvent[] {
  const out: StoredEvent[] = [];
  const st = room.stateAt(pos);
  for (const u of users) {
    const e = st.get(stateKeyOf('m.room.member', u));
    if (e) out.push(e);
  }
  return out;
}

function summary(room: Room, userId: string): JsonObject {
  const joined = room.members('join');
  const invited = room.members('invite');
  const heroes = [...joined, ...invited].filter((u) => u !== userId).sort().slice(0, 5);
  return { 'm.heroes': heroes, 'm.joined_member_count': joined.length, 'm.invited_member_count': invited.length };
}

function receiptContent(room: Room, since: number | undefined, viewer: string): JsonObject | undefined {
  const content: Record<string, Record<string, Record<string, JsonObject>>> = {};
  let any = false;
  for (const r of room.receipts.values()) {
    if (since !== undefined && r.pos <= since) continue;
    if (r.type === 'm.read.private' && r.userId !== viewer) continue;
    const byType = (content[r.eventId] ??= {});
    const byUser = (byType[r.type] ??= {});
    const data: JsonObject = { ts: r.ts };
    if (r.threadId !== undefined) data['thread_id'] = r.threadId;
    byUser[r.userId] = data;
    any = true;
  }
  return any ? (content as unknown as JsonObject) : undefined;
}

function accountDataEvents(m: Map<string, { content: JsonObject; pos: number }> | undefined, since: number | undefined): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [type, e] of m ?? []) if (since === undefined || e.pos > since) out.push({ type, content: e.content });
  return out;
}

/** Timeline and state for one room between `since` (exclusive) and `until` (inclusive). */
function roomWindow(
  room: Room,
  session: Session,
  since: number | undefined,
  until: number,
  full: boolean,
  filter: SyncFilter,
): { timeline: JsonObject; state: JsonObject[]; hasNews: boolean } {
  const fresh = room.events.filter((e) => e.pos <= until && (full || since === undefined || e.pos > since));
  const timeline = filter.timelineLimit === 0 ? [] : fresh.slice(-filter.timelineLimit);
  const limited = fresh.length > timeline.length;
  const start = timeline[0]?.pos ?? until + 1;
  let stateEvents: StoredEvent[];
  if (full || since === undefined) {
    stateEvents = [...room.stateAt(start - 1).values()];
  } else {
    // Incremental: the state changes in the gap between since and the start of the timeline.
    const gap = new Map<string, StoredEvent>();
    for (const e of fresh) if (e.pos < start && e.state_key !== undefined) gap.set(stateKeyOf(e.type, e.state_key), e);
    stateEvents = [...gap.values()];
  }
  // Only real changes make a room worth reporting in an incremental sync; lazily added members never do.
  const hasNews = timeline.length > 0 || stateEvents.length > 0;
  if (filter.lazyMembers) {
    // Lazy-loading members (spec: "Lazy-loading room members"): only the members who sent timeline events (and, in
    // a full room, our own), as they stood at the start of the timeline.
    const needed = new Set(timeline.map((e) => e.sender));
    if (full || since === undefined) needed.add(session.userId);
    const inTimeline = new Set(timeline.map((e) => e.event_id));
    const kept = stateEvents.filter((e) => e.type !== 'm.room.member' || (e.state_key !== undefined && needed.has(e.state_key)));
    const have = new Set(kept.map((e) => e.event_id));
    for (const e of memberEventsFor(room, start - 1, needed)) if (!have.has(e.event_id) && !inTimeline.has(e.event_id)) kept.push(e);
    stateEvents = kept;
  }
  const prevBatch = token(timeline.length ? start - 1 : until);
  return {
    timeline: { events: timeline.map((e) => clientEvent(e, session)), limited, prev_batch: prevBatch },
    state: stateEvents.map((e) => clientEvent(e, session)),
    hasNews,
  };
}

function buildSync(hs: HomeserverState, session: Session, since: number | undefined, filter: SyncFilter, fullState: boolean): Built {
  const now = hs.pos;
  const user = hs.users.get(session.userId)!;
  const me = session.userId;
  const join: JsonObject = {};
  const invite: JsonObject = {};
  const leave: JsonObject = {};
  const changed = new Set<string>();
  const left = new Set<string>();
  const sharing = new Set<string>([me]);
  for (const room of hs.rooms.values()) if (room.membership(me) === 'join') for (const u of room.members('join')) sharing.add(u);

  for (const room of hs.rooms.values()) {
    const own = room.stateEvent('m.room.member', me);
    if (!own) continue;
    const membership = own.content['membership'];
    const before = since === undefined ? undefined : room.membershipAt(me, since);
    if (membership === 'join') {
      const full = since === undefined || fullState || before !== 'join';
      const w = roomWindow(room, session, since, now, full, filter);
      const ephemeral: JsonObject[] = [];
      if ((since === undefined && room.typing.size > 0) || (since !== undefined && room.typingPos > since)) {
        ephemeral.push({ type: 'm.typing', content: { user_ids: [...room.typing.keys()] } });
      }
      const receipts = receiptContent(room, full ? undefined : since, me);
      if (receipts) ephemeral.push({ type: 'm.receipt', content: receipts });
      const accountData = accountDataEvents(user.roomAccountData.get(room.roomId), full ? undefined : since);
      if (full || w.hasNews || ephemeral.length || accountData.length) {
        join[room.roomId] = {
          timeline: w.timeline,
          state: { events: w.state },
          ephemeral: { events: ephemeral },
          account_data: { events: accountData },
          summary: summary(room, me),
          unread_notifications: { notification_count: 0, highlight_count: 0 },
          unread_thread_notifications: {},
        };
      }
      if (since !== undefined) {
        // Device lists (spec: "Tracking the device list for a user"): users we newly share a room with.
        for (const e of room.events) {
          if (e.pos <= since || e.type !== 'm.room.member' || !e.state_key) continue;
          if (e.content['membership'] === 'join') changed.add(e.state_key);
          else if (!sharing.has(e.state_key)) left.add(e.state_key);
        }
        if (before !== 'join') for (const u of room.members('join')) changed.add(u);
      }
    } else if (membership === 'invite') {
      if (since === undefined || own.pos > since) {
        const stripped: JsonObject[] = [];
        for (const type of ['m.room.create', 'm.room.name', 'm.room.avatar', 'm.room.topic', 'm.room.join_rules', 'm.room.canonical_alias', 'm.room.encryption']) {
          const e = room.stateEvent(type);
          if (e) stripped.push(strippedEvent(e));
        }
        const inviter = room.stateEvent('m.room.member', own.sender);
        if (inviter) stripped.push(strippedEvent(inviter));
        stripped.push(strippedEvent(own));
        invite[room.roomId] = { invite_state: { events: stripped } };
      }
    } else if (membership === 'leave' || membership === 'ban') {
      const wasIn = before === 'join' || before === 'invite';
      if ((since !== undefined && own.pos > since && wasIn) || (since === undefined && filter.includeLeave) || (fullState && filter.includeLeave)) {
        const w = roomWindow(room, session, since, own.pos, since === undefined, filter);
        leave[room.roomId] = {
          timeline: w.timeline,
          state: { events: w.state },
          account_data: { events: accountDataEvents(user.roomAccountData.get(room.roomId), since) },
        };
        if (since !== undefined && before === 'join') for (const u of room.members('join')) if (!sharing.has(u)) left.add(u);
      }
    }
  }

  if (since !== undefined) {
    for (const c of hs.deviceListChanges) if (c.pos > since && sharing.has(c.userId)) changed.add(c.userId);
  }
  for (const u of sharing) left.delete(u);

  const device = user.devices.get(session.deviceId);
  const toDevice: JsonObject[] = [];
  const otkCounts: Record<string, number> = { signed_curve25519: 0 };
  const unusedFallback: string[] = [];
  if (device) {
    // To-device messages are deleted once the client acknowledges them by syncing with a later since token.
    if (since !== undefined) device.toDevice = device.toDevice.filter((m) => m.pos > since);
    for (const m of device.toDevice) if (m.pos <= now) toDevice.push({ sender: m.sender, type: m.type, content: m.content });
    for (const keyId of device.oneTimeKeys.keys()) {
      const alg = keyId.split(':')[0]!;
      otkCounts[alg] = (otkCounts[alg] ?? 0) + 1;
    }
    for (const [alg, f] of device.fallbackKeys) if (!f.used) unusedFallback.push(alg);
  }
  const accountData = accountDataEvents(user.accountData, since);
  const presence: JsonObject[] = [];
  for (const u of sharing) {
    const p = hs.users.get(u)?.presence;
    if (!p || p.pos === 0 || (since !== undefined && p.pos <= since)) continue;
    const content: JsonObject = { presence: p.presence, last_active_ago: Date.now() - p.lastActive, currently_active: p.presence === 'online' };
    if (p.statusMsg !== undefined) content['status_msg'] = p.statusMsg;
    presence.push({ type: 'm.presence', sender: u, content });
  }
  const empty =
    presence.length === 0 &&
    Object.keys(join).length === 0 &&
    Object.keys(invite).length === 0 &&
    Object.keys(leave).length === 0 &&
    toDevice.length === 0 &&
    changed.size === 0 &&
    left.size === 0 &&
    accountData.length === 0;
  const body: JsonObject = {
    next_batch: token(now),
    rooms: { join, invite, leave, knock: {} },
    presence: { events: presence },
    account_data: { events: accountData },
    to_device: { events: toDevice as Json[] },
    device_lists: { changed: [...changed], left: [...left] },
    device_one_time_keys_count: otkCounts,
    device_unused_fallback_key_types: unusedFallback,
  };
  return { body, empty };
}

/** GET /_matrix/client/v3/sync */
export async function handleSync(ctx: Ctx): Promise<JsonObject> {
  const session = ctx.auth();
  const user = ctx.user();
  const sinceParam = ctx.query.get('since');
  const since = sinceParam ? parseToken(sinceParam) : undefined;
  if (sinceParam && since === undefined) throw invalidParam(`unknown since token: ${sinceParam}`);
  const timeout = Math.max(0, Math.min(Number(ctx.query.get('timeout') ?? 0) || 0, 300_000));
  const filter = toSyncFilter(resolveFilter(user, ctx.query.get('filter')));
  const fullState = ctx.query.get('full_state') === 'true';
  const setPresence = ctx.query.get('set_presence');
  if (setPresence === 'online' || setPresence === 'offline' || setPresence === 'unavailable') ctx.hs.setPresence(user, setPresence);
  const deadline = Date.now() + timeout;
  let built = buildSync(ctx.hs, session, since, filter, fullState);
  while (since !== undefined && built.empty && !fullState && Date.now() < deadline && !ctx.signal.aborted) {
    await ctx.hs.waitForChange(deadline - Date.now(), ctx.signal);
    if (!ctx.hs.sessions.has(session.accessToken)) break;
    built = buildSync(ctx.hs, session, since, filter, fullState);
  }
  return built.body;
}
