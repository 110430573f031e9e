/**
 * The homeserver's whole in-memory state: accounts, devices, access tokens, rooms, media, and one global stream
 * position that orders everything a `/sync` can report (room events, typing, receipts, account data, to-device
 * messages, device-list changes). A sync token is that position; long-polling syncs wait on `notify()`.
 */
import { randomBytes } from 'node:crypto';
import type { Json, JsonObject } from './json.js';
import type { Room } from './room.js';

export interface ToDeviceMessage {
  pos: number;
  sender: string;
  type: string;
  content: JsonObject;
}

export interface Device {
  deviceId: string;
  displayName?: string;
  /** The signed device keys uploaded through /keys/upload (signatures from /keys/signatures/upload merged in). */
  keys?: JsonObject;
  /** One-time keys by `algorithm:key_id`. */
  oneTimeKeys: Map<string, Json>;
  /** Fallback keys by algorithm (spec: "fallback_keys" in /keys/upload; reused until replaced). */
  fallbackKeys: Map<string, { keyId: string; key: Json; used: boolean }>;
  toDevice: ToDeviceMessage[];
  lastSeenTs: number;
}

export interface AccountDataEntry {
  content: JsonObject;
  pos: number;
}

export interface BackupVersion {
  version: string;
  algorithm: string;
  authData: JsonObject;
  /** roomId → sessionId → KeyBackupData */
  keys: Map<string, Map<string, JsonObject>>;
  etag: number;
}

export interface User {
  userId: string;
  localpart: string;
  password: string;
  displayname?: string;
  avatarUrl?: string;
  devices: Map<string, Device>;
  accountData: Map<string, AccountDataEntry>;
  roomAccountData: Map<string, Map<string, AccountDataEntry>>;
  filters: JsonObject[];
  crossSigning: { master?: JsonObject; selfSigning?: JsonObject; userSigning?: JsonObject };
  backups: BackupVersion[];
  nextBackupVersion: number;
  /** `pos` is the stream position of the last change (0: never set), for m.presence in /sync. */
  presence: { presence: string; statusMsg?: string; lastActive: number; pos: number };
}

export interface Session {
  accessToken: string;
  userId: string;
  deviceId: string;
}

export interface Media {
  contentType: string;
  filename?: string;
  data: Buffer;
}

/** Opaque random id in the unpadded URL-safe base64 alphabet (room v4+ event ids use it too). */
export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

export class HomeserverState {
  readonly users = new Map<string, User>();
  readonly sessions = new Map<string, Session>();
  readonly rooms = new Map<string, Room>();
  readonly aliases = new Map<string, string>();
  readonly media = new Map<string, Media>();
  /** One-use login tokens (m.login.token) → user id and expiry. */
  readonly loginTokens = new Map<string, { userId: string; expires: number }>();
  /** User-interactive auth sessions in progress: session id → completed stages. */
  readonly uiaSessions = new Map<string, Set<string>>();
  /** Every change to a user's device keys or cross-signing keys, in stream order. */
  readonly deviceListChanges: { pos: number; userId: string }[] = [];
  /** Transaction ids already used per device (spec: "Transaction identifiers"): key → result. */
  readonly txns = new Map<string, Json>();
  private position = 1;
  private waiters = new Set<() => void>();
  private wakeScheduled = false;

  constructor(readonly serverName: string) {}

  /** The current stream position: everything at or before it is visible to a sync. */
  get pos(): number {
    return this.position;
  }

  /** Takes the next stream position for a new item and wakes long-polling syncs (once per tick). */
  bump(): number {
    this.position += 1;
    if (!this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(() => {
        this.wakeScheduled = false;
        const ws = [...this.waiters];
        this.waiters.clear();
        for (const w of ws) w();
      });
    }
    return this.position;
  }

  /** Resolves at the next stream change, or after `ms`, or when `signal` aborts. */
  waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done);
    });
  }

  userIdFor(localpart: string): string {
    return `@${localpart}:${this.serverName}`;
  }

  /** Records that `userId`'s devices or cross-signing keys changed (reported in sync `device_lists.changed`). */
  deviceListChanged(userId: string): void {
    this.deviceListChanges.push({ pos: this.bump(), userId });
  }

  newDevice(user: User, deviceId: string | undefined, displayName: string | undefined): Device {
    const id = deviceId ?? randomBytes(5).toString('hex').toUpperCase();
    let device = user.devices.get(id);
    if (!device) {
      device = { deviceId: id, oneTimeKeys: new Map(), fallbackKeys: new Map(), toDevice: [], lastSeenTs: Date.now() };
      if (displayName !== undefined) device.displayName = displayName;
      user.devices.set(id, device);
      this.deviceListChanged(user.userId);
    }
    return device;
  }

  newSession(userId: string, deviceId: string): Session {
    // Logging in again with an existing device id replaces that device's access token (spec: POST /login device_id).
    for (const [token, s] of this.sessions) if (s.userId === userId && s.deviceId === deviceId) this.sessions.delete(token);
    const session = { accessToken: `syt_${randomId(24)}`, userId, deviceId };
    this.sessions.set(session.accessToken, session);
    return session;
  }

  /** Deletes a device, its access tokens, keys and pending to-device messages. */
  deleteDevice(user: User, deviceId: string): void {
    for (const [token, s] of this.sessions) if (s.userId === user.userId && s.deviceId === deviceId) this.sessions.delete(token);
    if (user.devices.delete(deviceId)) this.deviceListChanged(user.userId);
  }

  /** Sets presence (spec: "Presence"); only a change takes a stream position, so repeated set_presence is quiet. */
  setPresence(user: User, presence: string, statusMsg?: string): void {
    const p = user.presence;
    const changed = p.presence !== presence || (statusMsg !== undefined && statusMsg !== p.statusMsg);
    p.lastActive = Date.now();
    if (!changed) return;
    p.presence = presence;
    if (statusMsg !== undefined) p.statusMsg = statusMsg;
    p.pos = this.bump();
  }

  /** Global account data write (spec: PUT /user/{userId}/account_data/{type}). */
  setAccountData(user: User, type: string, content: JsonObject, roomId?: string): void {
    const entry = { content, pos: this.bump() };
    if (roomId === undefined) {
      user.accountData.set(type, entry);
      return;
    }
    let m = user.roomAccountData.get(roomId);
    if (!m) user.roomAccountData.set(roomId, (m = new Map()));
    m.set(type, entry);
  }
}
