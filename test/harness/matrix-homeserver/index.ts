/**
 * A Matrix homeserver for tests: node:http on 127.0.0.1 (a free port), all state in memory, following the
 * client-server API (spec v1.12, https://spec.matrix.org) closely enough for matrix-js-sdk with Rust crypto,
 * end-to-end encryption included. When NATTER_TEST_MATRIX_URL names a real homeserver (Synapse, Conduit),
 * `matrixTestTarget()` hands out that one instead, so the same tests run against it.
 */
import { randomBytes } from 'node:crypto';
import { runServer } from './server.js';

export interface MatrixTestServer {
  /** Base URL of the client-server API, e.g. http://127.0.0.1:40123 */
  url: string;
  /** The server name in user ids, room ids and mxc:// URIs. */
  serverName: string;
  /** Stops the server (local) and ends all pending requests; a no-op for an external server. */
  stop(): Promise<void>;
  /** Registers an account through the standard POST /register with m.login.dummy auth; logs in a first device. */
  register(localpart: string, password: string): Promise<{ userId: string; accessToken: string; deviceId: string }>;
}

interface RegisterResponse {
  user_id: string;
  access_token: string;
  device_id: string;
}

/** POST /register with the dummy stage (spec: "Account registration", UIA with m.login.dummy). */
export async function registerOverHttp(url: string, localpart: string, password: string): Promise<{ userId: string; accessToken: string; deviceId: string }> {
  const endpoint = `${url}/_matrix/client/v3/register`;
  const body = { username: localpart, password, initial_device_display_name: 'natter test' };
  let res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  let json = (await res.json()) as Record<string, unknown>;
  if (res.status === 401 && typeof json['session'] === 'string') {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, auth: { type: 'm.login.dummy', session: json['session'] } }),
    });
    json = (await res.json()) as Record<string, unknown>;
  }
  if (res.status !== 200) throw new Error(`register ${localpart} failed: ${res.status} ${JSON.stringify(json)}`);
  const r = json as unknown as RegisterResponse;
  return { userId: r.user_id, accessToken: r.access_token, deviceId: r.device_id };
}

/**
 * A one-use `m.login.token` for the account behind `accessToken` (spec v1.7 POST /login/get_token), as the SSO flow
 * hands one to a client. Synapse needs `login_via_existing_session.enabled` for this.
 */
export async function mintLoginToken(url: string, accessToken: string): Promise<string> {
  const res = await fetch(`${url}/_matrix/client/v1/login/get_token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200 || typeof json['login_token'] !== 'string') throw new Error(`get_token failed: ${res.status} ${JSON.stringify(json)}`);
  return json['login_token'];
}

/** Starts the in-memory homeserver on 127.0.0.1 and a free port. `serverName` defaults to "localhost". */
export async function startMatrixHomeserver(options: { serverName?: string } = {}): Promise<MatrixTestServer> {
  const serverName = options.serverName ?? 'localhost';
  const running = await runServer(serverName);
  return {
    url: running.url,
    serverName,
    stop: () => running.close(),
    register: (localpart, password) => registerOverHttp(running.url, localpart, password),
  };
}

export interface MatrixTestTarget {
  /** True when NATTER_TEST_MATRIX_URL names a real homeserver. */
  external: boolean;
  /** For test names and messages: "in-memory test homeserver" or the external URL. */
  description: string;
  /**
   * The server to test against. External: `register()` appends a random suffix to each localpart (accounts persist
   * there between runs), so tests must use the returned userId, never build one; `stop()` does nothing.
   */
  start(): Promise<MatrixTestServer>;
}

/**
 * Where Matrix tests run: the in-memory homeserver, or the real server at NATTER_TEST_MATRIX_URL (server name from
 * NATTER_TEST_MATRIX_SERVER_NAME, else the URL's host; it must allow registration with m.login.dummy).
 */
export function matrixTestTarget(): MatrixTestTarget {
  const external = process.env['NATTER_TEST_MATRIX_URL'];
  if (!external) {
    return { external: false, description: 'in-memory test homeserver', start: () => startMatrixHomeserver() };
  }
  const url = external.replace(/\/+$/, '');
  const serverName = process.env['NATTER_TEST_MATRIX_SERVER_NAME'] ?? new URL(url).hostname;
  const suffix = randomBytes(3).toString('hex');
  return {
    external: true,
    description: url,
    start: () =>
      Promise.resolve({
        url,
        serverName,
        stop: () => Promise.resolve(),
        register: (localpart: string, password: string) => registerOverHttp(url, `${localpart}-${suffix}`, password),
      }),
  };
}
