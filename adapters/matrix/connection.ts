/**
 * The Matrix connection lifecycle: log in (or reuse the stored session after `whoami`), build the SDK client over
 * the kv-backed sync store, restore and start the Rust crypto, start syncing with a small-initial-sync filter, map
 * sync states to connection events, persist after every processed sync, and stop.
 *
 * The SDK's sync loop retries by itself after network errors (keep-alive on /versions); failures before it runs
 * (login, whoami, crypto set-up) are retried here with the core backoff, except those no retry fixes (a wrong
 * password), which leave the account in `error` with plain words.
 */
import { randomUUID } from 'node:crypto';
import {
  ClientEvent,
  createClient,
  Filter,
  HttpApiEvent,
  SyncState,
  type MatrixClient,
} from 'matrix-js-sdk';
import { checkSession, KV_AUTH, loadSession, login, resolveHomeserver, ssoUrl } from './credentials.js';
import { CryptoStorePersistence, ensureIndexedDb, forgetCryptoStore, storageKey } from './crypto-store.js';
import { describeError, MatrixLoginError } from './errors.js';
import { attachRoomList } from './room-list.js';
import { sdkLogger } from './sdk-logger.js';
import { makeSession } from './session.js';
import type { MatrixState } from './state.js';
import { KvSyncStore, KV_SYNC } from './sync-store.js';
import { attachTimeline } from './timeline.js';
import { attachVerification } from './verification.js';
import { attachDeviceWatch } from './device-watch.js';
import { ensureCrossSigning } from './cross-signing.js';
import { cryptoCallbacks } from './key-backup.js';
import { fetchFor } from './http-transport.js';
import { proxyFromContext } from '../../src/core/net/proxy.js';

/** Forgets everything tied to a device the server no longer knows: its session, crypto store and sync state. */
function forgetDevice(s: MatrixState): void {
  const kv = s.ctx!.kv;
  kv.batch([
    { key: KV_AUTH, value: undefined },
    { key: KV_SYNC, value: undefined },
  ]);
  forgetCryptoStore(kv);
  s.auth = undefined;
}

/** Gets a working session: the stored one if the server still knows it, else a password login. */
async function ensureSession(s: MatrixState): Promise<boolean> {
  const opts = s.opts!;
  s.fetch = fetchFor(opts, await proxyFromContext(s.ctx!));
  s.homeserver ??= await resolveHomeserver(opts, s.log, s.fetch);
  const stored = s.auth ?? loadSession(s.ctx!.kv);
  if (stored && stored.userId === opts.userId && stored.homeserver === s.homeserver) {
    if (await checkSession(stored, s.log, s.fetch)) {
      s.auth = stored;
      return true;
    }
    s.log.warn('the stored session is no longer valid; logging in again', { deviceId: stored.deviceId });
    s.emit({ type: 'notice', level: 'warn', text: `${opts.userId}: the server ended session ${stored.deviceId}; logging in as a new device` });
  }
  if (stored) forgetDevice(s);
  if (!s.password) {
    s.emitConnection(
      'error',
      `no password configured: log in with single sign-on at ${ssoUrl(s.homeserver)} and type /login-token <token>`,
    );
    return false;
  }
  await saveSession(s, await login(s.homeserver, opts, { password: s.password }, s.log, s.fetch));
  return true;
}

export async function saveSession(s: MatrixState, session: NonNullable<MatrixState['auth']>): Promise<void> {
  s.auth = session;
  s.ctx!.kv.set(KV_AUTH, JSON.stringify(session));
}

/** Starts one connection attempt; a failure schedules the next one (unless no retry can help). */
export function connect(s: MatrixState): void {
  s.retryTimer = undefined;
  if (s.stopping) return;
  s.emitConnection('connecting', `connecting to ${s.opts!.homeserver ?? s.opts!.serverName}`);
  void startClient(s).catch((e: unknown) => {
    const { reason, transient } = describeError(e);
    s.log.warn('connection attempt failed', e);
    void teardown(s);
    if (s.stopping) return;
    if (!transient || e instanceof MatrixLoginError) {
      s.emitConnection('error', reason);
      return;
    }
    const delay = s.backoff.nextDelay(s.ctx!.now());
    s.emitConnection('connecting', s.backoff.retryDetail(reason, delay));
    s.retryTimer = setTimeout(() => connect(s), delay);
  });
}

async function startClient(s: MatrixState): Promise<void> {
  if (!(await ensureSession(s)) || s.stopping) return;
  const auth = s.auth!;
  const opts = s.opts!;
  const kv = s.ctx!.kv;
  s.loadLastEvents();
  s.syncStore = new KvSyncStore(kv, opts.timelineLimit, async () => {
    await s.drained();
    await s.persist();
  });
  // Events replayed from the saved sync, and those of an initial sync, are history: they never notify.
  s.replaying = true;
  const client = createClient({
    baseUrl: auth.homeserver,
    userId: auth.userId,
    deviceId: auth.deviceId,
    accessToken: auth.accessToken,
    store: s.syncStore,
    timelineSupport: false,
    logger: sdkLogger(s.log),
    cryptoCallbacks: cryptoCallbacks(s),
    fetchFn: s.fetch,
  });
  s.client = client;
  s.session = makeSession(s);

  await ensureIndexedDb();
  s.crypto = new CryptoStorePersistence(`natter-${randomUUID()}`, kv);
  const restored = await s.crypto.restore();
  await client.initRustCrypto({ useIndexedDB: true, cryptoDatabasePrefix: s.crypto.prefix, storageKey: storageKey(kv) });
  s.log.info('crypto ready', { deviceId: auth.deviceId, restored });
  if (s.stopping || s.client !== client) return;

  attachTimeline(s, client);
  attachSyncState(s, client);
  attachVerification(s, client);
  attachDeviceWatch(s, client);
  const filter = new Filter(auth.userId);
  // Spec §"Filtering" and §"Lazy-loading room members": a small timeline per room and only the members that
  // sent the events we get keep the initial sync small on big accounts.
  filter.setDefinition({
    room: { timeline: { limit: opts.timelineLimit }, state: { lazy_load_members: true } },
    presence: { not_types: ['*'] },
  });
  await client.startClient({
    filter,
    lazyLoadMembers: true,
    initialSyncLimit: opts.timelineLimit,
    pollTimeout: opts.pollTimeoutMs,
    threadSupport: false,
    disablePresence: true,
  });
}

/** Maps the SDK's sync states to connection events, and reports room changes once each sync is processed. */
function attachSyncState(s: MatrixState, client: MatrixClient): void {
  let online = false;
  let crossSigningChecked = false;
  const rooms = attachRoomList(s, client);
  client.on(ClientEvent.Sync, (state, _prev, data) => {
    if (s.client !== client) return;
    if (state === SyncState.Prepared || state === SyncState.Syncing) {
      rooms.flush();
      // The saved sync was replayed (fromCache), or the initial sync processed: what comes next is new.
      s.replaying = false;
      if (state === SyncState.Prepared && !data?.fromCache) rooms.all();
      if (!online && !data?.fromCache) {
        online = true;
        s.backoff.online(s.ctx!.now());
        s.emitConnection('online');
        if (!crossSigningChecked) {
          crossSigningChecked = true;
          ensureCrossSigning(s, client).catch((e: unknown) => {
            s.log.warn('cross-signing set-up failed', e);
            s.emit({ type: 'notice', level: 'warn', text: `${s.userId}: cross-signing could not be set up: ${describeError(e).reason}` });
          });
        }
      }
    } else if (state === SyncState.Reconnecting || state === SyncState.Error) {
      if (online || state === SyncState.Error) {
        online = false;
        const reason = data?.error ? describeError(data.error).reason : 'connection lost';
        s.emitConnection('connecting', `${reason}; reconnecting`);
      }
    }
  });
  client.on(HttpApiEvent.SessionLoggedOut, () => {
    if (s.client !== client) return;
    s.log.warn('the server ended the session');
    forgetDevice(s);
    void teardown(s);
    s.emitConnection('error', 'the server ended this session (logged out elsewhere?); restart natter to log in again');
  });
}

/** Stops the current client (if any), persisting its state first, and disposes its crypto databases. */
export async function teardown(s: MatrixState): Promise<void> {
  const client = s.client;
  const crypto = s.crypto;
  if (!client) return;
  client.stopClient();
  await s.drained().catch(() => undefined);
  if (s.auth) await s.persist();
  s.client = undefined;
  s.crypto = undefined;
  s.syncStore = undefined;
  client.removeAllListeners();
  await crypto?.dispose().catch(() => undefined);
}

/** Adapter.stop: no more retries, state persisted, client stopped; ends with an `offline` connection event. */
export async function stopConnection(s: MatrixState): Promise<void> {
  s.stopping = true;
  clearTimeout(s.retryTimer);
  s.retryTimer = undefined;
  await teardown(s);
  s.emitConnection('offline', 'disconnected');
}
