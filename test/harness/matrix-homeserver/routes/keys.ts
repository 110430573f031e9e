/**
 * End-to-end encryption endpoints (spec: "End-to-End Encryption" — key management, cross-signing, to-device
 * messaging, server-side key backups): keys upload/query/claim/changes, device_signing/upload (UIA),
 * signatures/upload, sendToDevice, room_keys/version and room_keys/keys.
 */
import { MatrixError, badJson, invalidParam, notFound } from '../errors.js';
import { parseToken } from '../format.js';
import type { Ctx, Router } from '../http.js';
import { asObject, clone, isObject, jsonEqual, optObject, type Json, type JsonObject } from '../json.js';
import type { BackupVersion, Device, HomeserverState, User } from '../state.js';
import { requireUia } from '../uia.js';

function otkCounts(device: Device): JsonObject {
  const counts: Record<string, number> = { signed_curve25519: 0 };
  for (const keyId of device.oneTimeKeys.keys()) {
    const alg = keyId.split(':')[0]!;
    counts[alg] = (counts[alg] ?? 0) + 1;
  }
  return counts;
}

/** Merges `signatures` of `from` into `into` (both signed JSON objects). */
function mergeSignatures(into: JsonObject, from: JsonObject): void {
  const add = isObject(from['signatures']) ? from['signatures'] : {};
  const have: JsonObject = isObject(into['signatures']) ? into['signatures'] : {};
  for (const [signer, sigs] of Object.entries(add)) {
    if (!isObject(sigs)) continue;
    have[signer] = { ...(isObject(have[signer]) ? have[signer] : {}), ...sigs };
  }
  into['signatures'] = have;
}

/** The public key of a cross-signing key object (its single `ed25519:<key>` entry). */
function crossSigningPublicKey(k: JsonObject | undefined): string | undefined {
  const keys = k && isObject(k['keys']) ? k['keys'] : undefined;
  const v = keys ? Object.values(keys)[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function usersWithSharedRooms(hs: HomeserverState, userId: string): Set<string> {
  const out = new Set<string>([userId]);
  for (const room of hs.rooms.values()) if (room.membership(userId) === 'join') for (const u of room.members('join')) out.add(u);
  return out;
}

function currentBackup(user: User): BackupVersion | undefined {
  return user.backups[user.backups.length - 1];
}

function backupJson(b: BackupVersion): JsonObject {
  let count = 0;
  for (const sessions of b.keys.values()) count += sessions.size;
  return { algorithm: b.algorithm, auth_data: clone(b.authData), version: b.version, count, etag: String(b.etag) };
}

/** The backup named by `?version=` (required by the spec for room_keys/keys), which must be the current one. */
function backupFor(ctx: Ctx, write: boolean): BackupVersion {
  const user = ctx.user();
  const version = ctx.query.get('version');
  if (!version) throw new MatrixError(400, 'M_MISSING_PARAM', 'version is required');
  const current = currentBackup(user);
  const b = user.backups.find((x) => x.version === version);
  if (!b) {
    if (write && current) throw new MatrixError(403, 'M_WRONG_ROOM_KEYS_VERSION', 'Wrong backup version.', { current_version: current.version });
    throw notFound('Unknown backup version');
  }
  if (write && b !== current) throw new MatrixError(403, 'M_WRONG_ROOM_KEYS_VERSION', 'Wrong backup version.', { current_version: current!.version });
  return b;
}

/**
 * Whether `incoming` should replace `existing` (spec: "Server-side key backups", storing keys): verified beats
 * unverified, then lower first_message_index, then lower forwarded_count.
 */
function betterKey(existing: JsonObject | undefined, incoming: JsonObject): boolean {
  if (!existing) return true;
  const v = (k: JsonObject): boolean => k['is_verified'] === true;
  if (v(existing) !== v(incoming)) return v(incoming);
  const fmi = (k: JsonObject): number => (typeof k['first_message_index'] === 'number' ? k['first_message_index'] : Infinity);
  if (fmi(existing) !== fmi(incoming)) return fmi(incoming) < fmi(existing);
  const fc = (k: JsonObject): number => (typeof k['forwarded_count'] === 'number' ? k['forwarded_count'] : Infinity);
  return fc(incoming) < fc(existing);
}

function storeKeys(b: BackupVersion, rooms: JsonObject): void {
  for (const [roomId, room] of Object.entries(rooms)) {
    if (!isObject(room) || !isObject(room['sessions'])) throw badJson('rooms.<roomId>.sessions must be an object');
    let m = b.keys.get(roomId);
    if (!m) b.keys.set(roomId, (m = new Map()));
    for (const [sessionId, data] of Object.entries(room['sessions'])) {
      if (!isObject(data)) throw badJson('session data must be an object');
      if (betterKey(m.get(sessionId), data)) m.set(sessionId, clone(data));
    }
  }
  b.etag += 1;
}

function roomsJson(b: BackupVersion, roomFilter?: string): JsonObject {
  const rooms: JsonObject = {};
  for (const [roomId, sessions] of b.keys) {
    if (roomFilter !== undefined && roomId !== roomFilter) continue;
    const s: JsonObject = {};
    for (const [id, data] of sessions) s[id] = clone(data);
    rooms[roomId] = { sessions: s };
  }
  return rooms;
}

export function keyRoutes(r: Router): void {
  r.on('client', 'POST', 'keys/upload', (ctx) => {
    const s = ctx.auth();
    const user = ctx.user();
    const device = user.devices.get(s.deviceId);
    if (!device) throw notFound('device not found');
    const body = asObject(ctx.json());
    const deviceKeys = optObject(body, 'device_keys');
    if (deviceKeys) {
      if (deviceKeys['user_id'] !== s.userId || deviceKeys['device_id'] !== s.deviceId) {
        throw invalidParam('device_keys must name this user and device');
      }
      if (!device.keys || !jsonEqual(device.keys, deviceKeys)) {
        const keys = clone(deviceKeys);
        // Keep signatures others uploaded for this device (a re-upload carries only the device's own).
        if (device.keys) mergeSignatures(keys, { signatures: device.keys['signatures'] ?? {} });
        device.keys = keys;
        ctx.hs.deviceListChanged(s.userId);
      }
    }
    for (const [keyId, key] of Object.entries(optObject(body, 'one_time_keys') ?? {})) {
      if (!keyId.includes(':')) throw invalidParam(`one-time key id ${keyId} must be algorithm:id`);
      const existing = device.oneTimeKeys.get(keyId);
      if (existing !== undefined && !jsonEqual(existing, key)) throw invalidParam(`One time key ${keyId} already exists`);
      device.oneTimeKeys.set(keyId, clone(key));
    }
    for (const [keyId, key] of Object.entries(optObject(body, 'fallback_keys') ?? optObject(body, 'org.matrix.msc2732.fallback_keys') ?? {})) {
      const alg = keyId.split(':')[0]!;
      const prior = device.fallbackKeys.get(alg);
      if (prior && prior.keyId === keyId && jsonEqual(prior.key, key)) continue;
      device.fallbackKeys.set(alg, { keyId, key: clone(key), used: false });
    }
    return { one_time_key_counts: otkCounts(device) };
  });

  r.on('client', 'POST', 'keys/query', (ctx) => {
    const s = ctx.auth();
    const body = asObject(ctx.json());
    const wanted = optObject(body, 'device_keys') ?? {};
    const deviceKeys: JsonObject = {};
    const master: JsonObject = {};
    const selfSigning: JsonObject = {};
    const userSigning: JsonObject = {};
    const failures: JsonObject = {};
    for (const [userId, ids] of Object.entries(wanted)) {
      const user = ctx.hs.users.get(userId);
      if (!user) {
        deviceKeys[userId] = {};
        continue;
      }
      const only = Array.isArray(ids) && ids.length ? new Set(ids) : undefined;
      const devices: JsonObject = {};
      for (const d of user.devices.values()) {
        if (!d.keys || (only && !only.has(d.deviceId))) continue;
        const k = clone(d.keys);
        if (d.displayName !== undefined) k['unsigned'] = { device_display_name: d.displayName };
        devices[d.deviceId] = k;
      }
      deviceKeys[userId] = devices;
      if (user.crossSigning.master) master[userId] = clone(user.crossSigning.master);
      if (user.crossSigning.selfSigning) selfSigning[userId] = clone(user.crossSigning.selfSigning);
      // The user-signing key is private to its owner (spec: POST /keys/query, user_signing_keys).
      if (userId === s.userId && user.crossSigning.userSigning) userSigning[userId] = clone(user.crossSigning.userSigning);
    }
    return { device_keys: deviceKeys, master_keys: master, self_signing_keys: selfSigning, user_signing_keys: userSigning, failures };
  });

  r.on('client', 'POST', 'keys/claim', (ctx) => {
    ctx.auth();
    const body = asObject(ctx.json());
    const wanted = optObject(body, 'one_time_keys') ?? {};
    const out: JsonObject = {};
    for (const [userId, devices] of Object.entries(wanted)) {
      const user = ctx.hs.users.get(userId);
      if (!user || !isObject(devices)) continue;
      const forUser: JsonObject = {};
      for (const [deviceId, alg] of Object.entries(devices)) {
        const d = user.devices.get(deviceId);
        if (!d || typeof alg !== 'string') continue;
        const otk = [...d.oneTimeKeys.keys()].find((k) => k.startsWith(`${alg}:`));
        if (otk) {
          forUser[deviceId] = { [otk]: d.oneTimeKeys.get(otk)! };
          d.oneTimeKeys.delete(otk);
          continue;
        }
        // No one-time key left: hand out the fallback key and mark it used (spec: "Fallback keys").
        const fb = d.fallbackKeys.get(alg);
        if (fb) {
          fb.used = true;
          forUser[deviceId] = { [fb.keyId]: clone(fb.key) };
        }
      }
      out[userId] = forUser;
    }
    return { one_time_keys: out, failures: {} };
  });

  r.on('client', 'GET', 'keys/changes', (ctx) => {
    const s = ctx.auth();
    const from = parseToken(ctx.query.get('from'));
    const to = parseToken(ctx.query.get('to')) ?? ctx.hs.pos;
    if (from === undefined) throw invalidParam('from is required');
    const sharing = usersWithSharedRooms(ctx.hs, s.userId);
    const changed = new Set<string>();
    for (const c of ctx.hs.deviceListChanges) if (c.pos > from && c.pos <= to && sharing.has(c.userId)) changed.add(c.userId);
    const left = new Set<string>();
    for (const room of ctx.hs.rooms.values()) {
      for (const e of room.events) {
        if (e.pos <= from || e.pos > to || e.type !== 'm.room.member' || !e.state_key) continue;
        if (e.content['membership'] === 'join' && room.membership(s.userId) === 'join') changed.add(e.state_key);
        else if (!sharing.has(e.state_key) && room.membershipAt(s.userId, e.pos) === 'join') left.add(e.state_key);
      }
    }
    return { changed: [...changed], left: [...left] };
  });

  r.on('client', 'POST', 'keys/device_signing/upload', (ctx) => {
    const user = ctx.user();
    const body = asObject(ctx.json());
    // First upload goes through without UIA (as Synapse does, MSC3967); replacing keys needs password or dummy auth.
    if (user.crossSigning.master) requireUia(ctx.hs, body, [['m.login.password'], ['m.login.dummy']], user);
    const keys: [string, 'master' | 'selfSigning' | 'userSigning'][] = [
      ['master_key', 'master'],
      ['self_signing_key', 'selfSigning'],
      ['user_signing_key', 'userSigning'],
    ];
    for (const [field] of keys) {
      const k = optObject(body, field);
      if (k && k['user_id'] !== user.userId) throw invalidParam(`${field} must belong to ${user.userId}`);
    }
    for (const [field, slot] of keys) {
      const k = optObject(body, field);
      if (k) user.crossSigning[slot] = clone(k);
    }
    ctx.hs.deviceListChanged(user.userId);
    return {};
  });

  r.on('client', 'POST', 'keys/signatures/upload', (ctx) => {
    ctx.auth();
    const body = asObject(ctx.json());
    const failures: JsonObject = {};
    for (const [userId, byKey] of Object.entries(body)) {
      const user = ctx.hs.users.get(userId);
      if (!isObject(byKey)) continue;
      for (const [keyId, signed] of Object.entries(byKey)) {
        if (!isObject(signed)) continue;
        const fail = (error: string): void => {
          const f: JsonObject = isObject(failures[userId]) ? failures[userId] : {};
          f[keyId] = { errcode: 'M_INVALID_SIGNATURE', error };
          failures[userId] = f;
        };
        if (!user) {
          fail('unknown user');
          continue;
        }
        const device = user.devices.get(keyId);
        let targetObj: JsonObject | undefined = device?.keys;
        if (!targetObj) {
          for (const k of [user.crossSigning.master, user.crossSigning.selfSigning, user.crossSigning.userSigning]) {
            if (crossSigningPublicKey(k) === keyId) targetObj = k;
          }
        }
        if (!targetObj) {
          fail('unknown key');
          continue;
        }
        mergeSignatures(targetObj, signed);
        ctx.hs.deviceListChanged(userId);
      }
    }
    return { failures };
  });

  r.on('client', 'PUT', 'sendToDevice/:type/:txnId', (ctx) => {
    const s = ctx.auth();
    const key = `toDevice\u0000${s.userId}\u0000${s.deviceId}\u0000${ctx.params['txnId']}`;
    if (ctx.hs.txns.has(key)) return {};
    ctx.hs.txns.set(key, {});
    const messages = optObject(asObject(ctx.json()), 'messages') ?? {};
    for (const [userId, byDevice] of Object.entries(messages)) {
      const user = ctx.hs.users.get(userId);
      if (!user || !isObject(byDevice)) continue;
      for (const [deviceId, content] of Object.entries(byDevice)) {
        if (!isObject(content)) continue;
        const targets = deviceId === '*' ? [...user.devices.values()] : [user.devices.get(deviceId)].filter((d): d is Device => !!d);
        for (const d of targets) d.toDevice.push({ pos: ctx.hs.bump(), sender: s.userId, type: ctx.params['type']!, content: clone(content) });
      }
    }
    return {};
  });

  // Server-side key backups: versions.
  r.on('client', 'GET', 'room_keys/version', (ctx) => {
    const b = currentBackup(ctx.user());
    if (!b) throw notFound('No current backup version');
    return backupJson(b);
  });
  r.on('client', 'GET', 'room_keys/version/:version', (ctx) => {
    const b = ctx.user().backups.find((x) => x.version === ctx.params['version']);
    if (!b) throw notFound('Unknown backup version');
    return backupJson(b);
  });
  r.on('client', 'POST', 'room_keys/version', (ctx) => {
    const user = ctx.user();
    const body = asObject(ctx.json());
    if (typeof body['algorithm'] !== 'string' || !isObject(body['auth_data'])) throw badJson('algorithm and auth_data are required');
    const b: BackupVersion = { version: String(user.nextBackupVersion++), algorithm: body['algorithm'], authData: clone(body['auth_data']), keys: new Map(), etag: 0 };
    user.backups.push(b);
    return { version: b.version };
  });
  r.on('client', 'PUT', 'room_keys/version/:version', (ctx) => {
    const b = ctx.user().backups.find((x) => x.version === ctx.params['version']);
    if (!b) throw notFound('Unknown backup version');
    const body = asObject(ctx.json());
    if (body['algorithm'] !== b.algorithm) throw invalidParam('algorithm does not match');
    if (body['version'] !== undefined && body['version'] !== b.version) throw invalidParam('version does not match');
    if (!isObject(body['auth_data'])) throw badJson('auth_data is required');
    b.authData = clone(body['auth_data']);
    return {};
  });
  r.on('client', 'DELETE', 'room_keys/version/:version', (ctx) => {
    const user = ctx.user();
    const i = user.backups.findIndex((x) => x.version === ctx.params['version']);
    if (i < 0) throw notFound('Unknown backup version');
    user.backups.splice(i, 1);
    return {};
  });

  // Server-side key backups: keys, for all rooms, one room, or one session.
  const putResult = (b: BackupVersion): Json => {
    let count = 0;
    for (const m of b.keys.values()) count += m.size;
    return { etag: String(b.etag), count };
  };
  r.on('client', 'PUT', 'room_keys/keys', (ctx) => {
    const b = backupFor(ctx, true);
    storeKeys(b, optObject(asObject(ctx.json()), 'rooms') ?? {});
    return putResult(b);
  });
  r.on('client', 'PUT', 'room_keys/keys/:roomId', (ctx) => {
    const b = backupFor(ctx, true);
    storeKeys(b, { [ctx.params['roomId']!]: asObject(ctx.json()) });
    return putResult(b);
  });
  r.on('client', 'PUT', 'room_keys/keys/:roomId/:sessionId', (ctx) => {
    const b = backupFor(ctx, true);
    storeKeys(b, { [ctx.params['roomId']!]: { sessions: { [ctx.params['sessionId']!]: asObject(ctx.json()) } } });
    return putResult(b);
  });
  r.on('client', 'GET', 'room_keys/keys', (ctx) => ({ rooms: roomsJson(backupFor(ctx, false)) }));
  r.on('client', 'GET', 'room_keys/keys/:roomId', (ctx) => {
    const rooms = roomsJson(backupFor(ctx, false), ctx.params['roomId']);
    return rooms[ctx.params['roomId']!] ?? { sessions: {} };
  });
  r.on('client', 'GET', 'room_keys/keys/:roomId/:sessionId', (ctx) => {
    const data = backupFor(ctx, false).keys.get(ctx.params['roomId']!)?.get(ctx.params['sessionId']!);
    if (!data) throw notFound('No room_keys found');
    return clone(data);
  });
  const del = (ctx: Ctx): Json => {
    const b = backupFor(ctx, true);
    const roomId = ctx.params['roomId'];
    const sessionId = ctx.params['sessionId'];
    if (roomId === undefined) b.keys.clear();
    else if (sessionId === undefined) b.keys.delete(roomId);
    else b.keys.get(roomId)?.delete(sessionId);
    b.etag += 1;
    return putResult(b);
  };
  r.on('client', 'DELETE', 'room_keys/keys', del);
  r.on('client', 'DELETE', 'room_keys/keys/:roomId', del);
  r.on('client', 'DELETE', 'room_keys/keys/:roomId/:sessionId', del);
}
