/**
 * Accounts and sessions (spec: "Client Authentication", "Capabilities negotiation", "Filtering", "Profiles",
 * "Presence", "Client Config", "Push Notifications", "Device Management"): versions, login (password and token),
 * register (dummy UIA), logout, whoami, capabilities, push rules, filters, profile, presence, account data, devices.
 */
import { MatrixError, forbidden, invalidParam, notFound } from '../errors.js';
import type { Ctx, Router } from '../http.js';
import { asObject, clone, optString, reqString, type Json, type JsonObject } from '../json.js';
import { randomId, type HomeserverState, type User } from '../state.js';
import { identifierUser, requireUia } from '../uia.js';

/** Spec versions announced by GET /versions; js-sdk gates features (threads, authenticated media) on these. */
const SPEC_VERSIONS = ['r0.6.1', 'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'v1.12'];

function loginResponse(hs: HomeserverState, ctx: Ctx, user: User, deviceId: string | undefined, displayName: string | undefined): JsonObject {
  const device = hs.newDevice(user, deviceId, displayName);
  const session = hs.newSession(user.userId, device.deviceId);
  return {
    user_id: user.userId,
    access_token: session.accessToken,
    device_id: device.deviceId,
    home_server: hs.serverName,
    well_known: { 'm.homeserver': { base_url: ctx.baseUrl } },
  };
}

/** Looks up `params.userId` and requires it to be the caller (account data, filters: "your own only"). */
function ownUser(ctx: Ctx): User {
  const user = ctx.user();
  if (ctx.params['userId'] !== user.userId) throw forbidden('cannot access another user\'s data');
  return user;
}

function profileOf(ctx: Ctx): User {
  const u = ctx.hs.users.get(ctx.params['userId'] ?? '');
  if (!u) throw notFound('profile not found');
  return u;
}

/** Updates the member event in every joined room after a profile change, as Synapse does. */
function propagateProfile(hs: HomeserverState, user: User): void {
  for (const room of hs.rooms.values()) {
    const m = room.stateEvent('m.room.member', user.userId);
    if (m?.content['membership'] !== 'join') continue;
    const content: JsonObject = { ...m.content, membership: 'join' };
    if (user.displayname !== undefined) content['displayname'] = user.displayname;
    else delete content['displayname'];
    if (user.avatarUrl !== undefined) content['avatar_url'] = user.avatarUrl;
    else delete content['avatar_url'];
    room.append({ type: 'm.room.member', sender: user.userId, stateKey: user.userId, content });
  }
}

export function accountRoutes(r: Router): void {
  r.on('root', 'GET', 'versions', () => ({ versions: SPEC_VERSIONS, unstable_features: {} }));
  r.on('root', 'GET', '.well-known/matrix/client', (ctx) => ({ 'm.homeserver': { base_url: ctx.baseUrl } }));

  r.on('client', 'GET', 'login', () => {
    const flows: JsonObject[] = [{ type: 'm.login.password' }, { type: 'm.login.token', get_login_token: true }];
    return { flows };
  });

  r.on('client', 'POST', 'login', (ctx) => {
    const hs = ctx.hs;
    const body = asObject(ctx.json());
    const type = reqString(body, 'type');
    let user: User | undefined;
    if (type === 'm.login.password') {
      user = identifierUser(hs, body);
      if (!user || user.password !== body['password']) throw forbidden('Invalid username or password');
    } else if (type === 'm.login.token') {
      const t = hs.loginTokens.get(reqString(body, 'token'));
      hs.loginTokens.delete(String(body['token']));
      if (!t || t.expires < Date.now()) throw forbidden('Invalid login token');
      user = hs.users.get(t.userId);
      if (!user) throw forbidden('Invalid login token');
    } else {
      throw new MatrixError(400, 'M_UNKNOWN', `unknown login type ${type}`);
    }
    return loginResponse(hs, ctx, user, optString(body, 'device_id'), optString(body, 'initial_device_display_name'));
  });

  // Spec v1.7 "POST /login/get_token": a logged-in client mints a one-use m.login.token (how tests drive the SSO
  // flow: SSO ends with the server redirecting to the client with such a token).
  r.on('client', 'POST', 'login/get_token', (ctx) => {
    const session = ctx.auth();
    const t = randomId(24);
    ctx.hs.loginTokens.set(t, { userId: session.userId, expires: Date.now() + 120_000 });
    return { login_token: t, expires_in_ms: 120_000 };
  });

  r.on('client', 'GET', 'register/available', (ctx) => {
    const name = ctx.query.get('username') ?? '';
    if (!/^[a-z0-9._=\-/+]+$/.test(name)) throw new MatrixError(400, 'M_INVALID_USERNAME', 'invalid username');
    if (ctx.hs.users.has(ctx.hs.userIdFor(name))) throw new MatrixError(400, 'M_USER_IN_USE', 'User ID already taken.');
    return { available: true };
  });

  r.on('client', 'POST', 'register', (ctx) => {
    const hs = ctx.hs;
    if ((ctx.query.get('kind') ?? 'user') !== 'user') throw forbidden('guest access is disabled');
    const body = asObject(ctx.json());
    const localpart = (optString(body, 'username') ?? `user${randomId(4).toLowerCase().replace(/[^a-z0-9]/g, '')}`).toLowerCase();
    if (!/^[a-z0-9._=\-/+]+$/.test(localpart)) throw new MatrixError(400, 'M_INVALID_USERNAME', 'invalid username');
    const userId = hs.userIdFor(localpart);
    if (hs.users.has(userId)) throw new MatrixError(400, 'M_USER_IN_USE', 'User ID already taken.');
    requireUia(hs, body, [['m.login.dummy']], undefined);
    const password = optString(body, 'password') ?? '';
    const user: User = {
      userId,
      localpart,
      password,
      displayname: localpart,
      devices: new Map(),
      accountData: new Map(),
      roomAccountData: new Map(),
      filters: [],
      crossSigning: {},
      backups: [],
      nextBackupVersion: 1,
      presence: { presence: 'offline', lastActive: Date.now(), pos: 0 },
    };
    hs.users.set(userId, user);
    if (body['inhibit_login'] === true) return { user_id: userId, home_server: hs.serverName };
    return loginResponse(hs, ctx, user, optString(body, 'device_id'), optString(body, 'initial_device_display_name'));
  });

  r.on('client', 'POST', 'logout', (ctx) => {
    const s = ctx.auth();
    ctx.hs.deleteDevice(ctx.user(), s.deviceId);
    return {};
  });
  r.on('client', 'POST', 'logout/all', (ctx) => {
    const user = ctx.user();
    for (const id of [...user.devices.keys()]) ctx.hs.deleteDevice(user, id);
    return {};
  });

  r.on('client', 'GET', 'account/whoami', (ctx) => {
    const s = ctx.auth();
    return { user_id: s.userId, device_id: s.deviceId, is_guest: false };
  });

  r.on('client', 'POST', 'account/password', (ctx) => {
    const user = ctx.user();
    const body = asObject(ctx.json());
    requireUia(ctx.hs, body, [['m.login.password']], user);
    user.password = reqString(body, 'new_password');
    return {};
  });

  r.on('client', 'GET', 'capabilities', () => ({
    capabilities: {
      'm.change_password': { enabled: true },
      'm.room_versions': { default: '10', available: { '10': 'stable', '11': 'stable' } },
      'm.set_displayname': { enabled: true },
      'm.set_avatar_url': { enabled: true },
      'm.3pid_changes': { enabled: false },
      'm.get_login_token': { enabled: true },
    },
  }));

  // Push rules: a valid, minimal ruleset (spec: "Push Rules"); js-sdk fills in the predefined rules it misses.
  r.on('client', 'GET', 'pushrules/', (ctx) => {
    ctx.auth();
    return {
      global: {
        override: [{ rule_id: '.m.rule.master', default: true, enabled: false, conditions: [], actions: [] }],
        content: [],
        room: [],
        sender: [],
        underride: [],
      },
    };
  });
  r.on('client', 'GET', 'pushrules', (ctx) => {
    ctx.auth();
    return { global: { override: [], content: [], room: [], sender: [], underride: [] } };
  });

  r.on('client', 'POST', 'user/:userId/filter', (ctx) => {
    const user = ownUser(ctx);
    user.filters.push(clone(asObject(ctx.json())));
    return { filter_id: String(user.filters.length - 1) };
  });
  r.on('client', 'GET', 'user/:userId/filter/:filterId', (ctx) => {
    const user = ownUser(ctx);
    const f = user.filters[Number(ctx.params['filterId'])];
    if (!/^\d+$/.test(ctx.params['filterId'] ?? '') || !f) throw notFound('No such filter');
    return clone(f);
  });

  r.on('client', 'GET', 'profile/:userId', (ctx) => {
    const u = profileOf(ctx);
    const out: JsonObject = {};
    if (u.displayname !== undefined) out['displayname'] = u.displayname;
    if (u.avatarUrl !== undefined) out['avatar_url'] = u.avatarUrl;
    return out;
  });
  for (const [field, key] of [['displayname', 'displayname'], ['avatar_url', 'avatarUrl']] as const) {
    r.on('client', 'GET', `profile/:userId/${field}`, (ctx) => {
      const v = profileOf(ctx)[key];
      if (v === undefined) throw notFound(`no ${field}`);
      return { [field]: v };
    });
    r.on('client', 'PUT', `profile/:userId/${field}`, (ctx) => {
      const user = ownUser(ctx);
      const v = optString(asObject(ctx.json()), field);
      if (v === undefined) delete user[key];
      else user[key] = v;
      propagateProfile(ctx.hs, user);
      return {};
    });
  }

  r.on('client', 'GET', 'presence/:userId/status', (ctx) => {
    ctx.auth();
    const u = profileOf(ctx);
    const out: JsonObject = { presence: u.presence.presence, last_active_ago: Date.now() - u.presence.lastActive, currently_active: u.presence.presence === 'online' };
    if (u.presence.statusMsg !== undefined) out['status_msg'] = u.presence.statusMsg;
    return out;
  });
  r.on('client', 'PUT', 'presence/:userId/status', (ctx) => {
    const user = ownUser(ctx);
    const body = asObject(ctx.json());
    const p = optString(body, 'presence');
    if (!p || !['online', 'offline', 'unavailable'].includes(p)) throw invalidParam('presence must be online, offline or unavailable');
    ctx.hs.setPresence(user, p, optString(body, 'status_msg'));
    return {};
  });

  r.on('client', 'GET', 'user/:userId/account_data/:type', (ctx) => {
    const e = ownUser(ctx).accountData.get(ctx.params['type']!);
    if (!e) throw notFound('Account data not found');
    return clone(e.content);
  });
  r.on('client', 'PUT', 'user/:userId/account_data/:type', (ctx) => {
    ctx.hs.setAccountData(ownUser(ctx), ctx.params['type']!, clone(asObject(ctx.json())));
    return {};
  });
  r.on('client', 'GET', 'user/:userId/rooms/:roomId/account_data/:type', (ctx) => {
    const e = ownUser(ctx).roomAccountData.get(ctx.params['roomId']!)?.get(ctx.params['type']!);
    if (!e) throw notFound('Room account data not found');
    return clone(e.content);
  });
  r.on('client', 'PUT', 'user/:userId/rooms/:roomId/account_data/:type', (ctx) => {
    const user = ownUser(ctx);
    if (!ctx.hs.rooms.has(ctx.params['roomId']!)) throw new MatrixError(400, 'M_INVALID_PARAM', 'unknown room');
    ctx.hs.setAccountData(user, ctx.params['type']!, clone(asObject(ctx.json())), ctx.params['roomId']);
    return {};
  });

  const deviceJson = (d: { deviceId: string; displayName?: string; lastSeenTs: number }): JsonObject => {
    const out: JsonObject = { device_id: d.deviceId, last_seen_ts: d.lastSeenTs, last_seen_ip: '127.0.0.1' };
    if (d.displayName !== undefined) out['display_name'] = d.displayName;
    return out;
  };
  r.on('client', 'GET', 'devices', (ctx) => ({ devices: [...ctx.user().devices.values()].map(deviceJson) }));
  r.on('client', 'GET', 'devices/:deviceId', (ctx) => {
    const d = ctx.user().devices.get(ctx.params['deviceId']!);
    if (!d) throw notFound('Device not found');
    return deviceJson(d);
  });
  r.on('client', 'PUT', 'devices/:deviceId', (ctx) => {
    const user = ctx.user();
    const d = user.devices.get(ctx.params['deviceId']!);
    if (!d) throw notFound('Device not found');
    const name = optString(asObject(ctx.json()), 'display_name');
    if (name !== undefined) d.displayName = name;
    ctx.hs.deviceListChanged(user.userId);
    return {};
  });
  r.on('client', 'DELETE', 'devices/:deviceId', (ctx) => {
    const user = ctx.user();
    requireUia(ctx.hs, asObject(ctx.json()), [['m.login.password'], ['m.login.dummy']], user);
    if (!user.devices.has(ctx.params['deviceId']!)) throw notFound('Device not found');
    ctx.hs.deleteDevice(user, ctx.params['deviceId']!);
    return {};
  });
  r.on('client', 'POST', 'delete_devices', (ctx) => {
    const user = ctx.user();
    const body = asObject(ctx.json());
    requireUia(ctx.hs, body, [['m.login.password'], ['m.login.dummy']], user);
    const ids = Array.isArray(body['devices']) ? body['devices'] : [];
    for (const id of ids) if (typeof id === 'string') ctx.hs.deleteDevice(user, id);
    return {};
  });

  r.on('client', 'GET', 'voip/turnServer', (ctx) => {
    ctx.auth();
    return { uris: [], ttl: 86400, username: '', password: '' } satisfies Record<string, Json>;
  });
  r.on('client', 'GET', 'thirdparty/protocols', () => ({}));
  // User directory (spec: POST /user_directory/search): every local account whose id or display name matches.
  r.on('client', 'POST', 'user_directory/search', (ctx) => {
    ctx.auth();
    const body = asObject(ctx.json());
    const term = reqString(body, 'search_term').toLowerCase();
    const limit = typeof body['limit'] === 'number' ? body['limit'] : 10;
    const hits: JsonObject[] = [];
    for (const u of ctx.hs.users.values()) {
      if (!u.userId.toLowerCase().includes(term) && !(u.displayname ?? '').toLowerCase().includes(term)) continue;
      const hit: JsonObject = { user_id: u.userId };
      if (u.displayname !== undefined) hit['display_name'] = u.displayname;
      if (u.avatarUrl !== undefined) hit['avatar_url'] = u.avatarUrl;
      hits.push(hit);
    }
    return { results: hits.slice(0, limit), limited: hits.length > limit };
  });

  r.on('client', 'GET', 'joined_rooms', (ctx) => {
    const s = ctx.auth();
    return { joined_rooms: [...ctx.hs.rooms.values()].filter((room) => room.membership(s.userId) === 'join').map((room) => room.roomId) };
  });
}
