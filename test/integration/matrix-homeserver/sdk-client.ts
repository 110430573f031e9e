/**
 * Real matrix-js-sdk clients with Rust crypto for tests: IndexedDB comes from fake-indexeddb (design.md §5), each
 * client under its own database prefix; SDK logs are kept in memory (shown when a test fails), never printed.
 */
import 'fake-indexeddb/auto';
import { ClientEvent, createClient, SyncState, type ICreateClientOpts, type MatrixClient } from 'matrix-js-sdk';
import { logger as globalSdkLogger, type Logger } from 'matrix-js-sdk/lib/logger.js';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { waitFor } from '../../harness/wait-for.js';

export interface SdkClient {
  client: MatrixClient;
  userId: string;
  deviceId: string;
  logs: string[];
  stop(): void;
}

function memoryLogger(logs: string[], prefix: string): Logger {
  const line = (level: string) => (...msg: unknown[]): void => {
    logs.push(`${level} ${prefix} ${msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ')}`);
    if (logs.length > 5000) logs.splice(0, 1000);
  };
  const logger: Logger = {
    trace: line('trace'),
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    getChild: (ns: string) => memoryLogger(logs, `${prefix}${ns}`),
  };
  return logger;
}

// Parts of matrix-js-sdk log through its global loglevel logger (MatrixRTCSession, lazy loading, the send queue)
// even when the client has its own logger: route that one, and every child created later, to nowhere.
const loglevelLogger = globalSdkLogger as unknown as { methodFactory: () => () => void; rebuild(): void };
loglevelLogger.methodFactory = () => () => undefined;
loglevelLogger.rebuild();

// matrix-js-sdk arms a timer for every request's local timeout (sync: pollTimeout + 80 s) and never clears it, and
// its backup and crypto loops keep sleeping on timers after stopClient(), so stopped clients keep the process alive
// for up to two minutes. Long timers never hold the process; releaseSdkTimers() lets go of the rest at the end.
const armTimer = globalThis.setTimeout;
const armed: WeakRef<NodeJS.Timeout>[] = [];
let released = false;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const t = armTimer(fn, ms, ...args);
  if (released || (ms ?? 0) >= 15_000) t.unref();
  else armed.push(new WeakRef(t));
  if (armed.length > 10_000) armed.splice(0, armed.length - 5_000).forEach((r) => r.deref()?.unref());
  return t;
}) as typeof setTimeout;

/** Call in after() once every client and the server stopped: no timer armed so far or later holds the process. */
export function releaseSdkTimers(): void {
  released = true;
  for (const r of armed.splice(0)) r.deref()?.unref();
}

let dbCounter = 0;

export interface SdkClientOptions {
  /** Log in to this existing account (a new device) instead of registering `localpart`. */
  loginAs?: { userId: string; password: string };
  cryptoCallbacks?: ICreateClientOpts['cryptoCallbacks'];
}

async function passwordLogin(url: string, userId: string, password: string): Promise<{ userId: string; accessToken: string; deviceId: string }> {
  const res = await fetch(`${url}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password, initial_device_display_name: 'natter test 2' }),
  });
  const json = (await res.json()) as { user_id: string; access_token: string; device_id: string };
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(json)}`);
  return { userId: json.user_id, accessToken: json.access_token, deviceId: json.device_id };
}

/**
 * Registers `localpart` (or logs in as `options.loginAs`), starts a client with Rust crypto and lazy-loaded members,
 * resolves once its first sync is done.
 */
export async function sdkClient(server: MatrixTestServer, localpart: string, password = 'correct horse', options: SdkClientOptions = {}): Promise<SdkClient> {
  const reg = options.loginAs
    ? await passwordLogin(server.url, options.loginAs.userId, options.loginAs.password)
    : await server.register(localpart, password);
  const logs: string[] = [];
  const client = createClient({
    baseUrl: server.url,
    userId: reg.userId,
    deviceId: reg.deviceId,
    accessToken: reg.accessToken,
    logger: memoryLogger(logs, `[${localpart}]`),
    ...(options.cryptoCallbacks ? { cryptoCallbacks: options.cryptoCallbacks } : {}),
  });
  dbCounter += 1;
  await client.initRustCrypto({ cryptoDatabasePrefix: `natter-mhs-${process.pid}-${dbCounter}` });
  let state: SyncState | null = null;
  client.on(ClientEvent.Sync, (s) => {
    state = s;
  });
  await client.startClient({ lazyLoadMembers: true, initialSyncLimit: 20 });
  await waitFor(() => state === SyncState.Prepared || state === SyncState.Syncing, `${localpart} first sync`, 60_000);
  return { client, userId: reg.userId, deviceId: reg.deviceId, logs, stop: () => client.stopClient() };
}
