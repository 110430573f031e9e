/**
 * Logging in and keeping the session: the access token and device id live in the account's kv so that a restart
 * reuses the same device (and its encryption keys) instead of creating a new one (client-server spec §"Login").
 *
 * A stored session is checked with `GET /account/whoami` on every start; a token the server no longer knows
 * (M_UNKNOWN_TOKEN) is forgotten together with the crypto store of its device, and a password login makes a new one.
 */
import { createClient, type LoginRequest, type LoginResponse } from 'matrix-js-sdk';
import type { KeyValue } from '../../src/core/contract.js';
import { registerSecret, type Logger } from '../../src/core/logger.js';
import { errcodeOf, MatrixLoginError } from './errors.js';
import type { MatrixOptions } from './options.js';
import { sdkLogger } from './sdk-logger.js';

/** kv key of the stored session (JSON {@link Session}). */
export const KV_AUTH = 'auth';

export interface StoredSession {
  homeserver: string;
  userId: string;
  deviceId: string;
  accessToken: string;
}

export function loadSession(kv: KeyValue): StoredSession | undefined {
  const raw = kv.get(KV_AUTH);
  if (!raw) return undefined;
  try {
    const s = JSON.parse(raw) as Partial<StoredSession>;
    if (s.homeserver && s.userId && s.deviceId && s.accessToken) {
      registerSecret(s.accessToken);
      return s as StoredSession;
    }
  } catch {
    // A broken entry is as good as none.
  }
  return undefined;
}

/**
 * The client-server base URL: the configured one, else `https://<server name>/.well-known/matrix/client` (spec
 * §"Well-known URI"), fetched with the account's fetch so that proxy and TLS rules apply to it too.
 */
export async function resolveHomeserver(opts: MatrixOptions, log: Logger, fetchFn: typeof fetch = fetch): Promise<string> {
  if (opts.homeserver) return opts.homeserver;
  let found: string | undefined;
  let problem = 'no answer';
  try {
    const res = await fetchFn(`https://${opts.serverName}/.well-known/matrix/client`);
    if (res.ok) {
      const body = (await res.json()) as { 'm.homeserver'?: { base_url?: unknown } };
      const base = body['m.homeserver']?.base_url;
      if (typeof base === 'string' && /^https?:\/\//.test(base)) found = base.replace(/\/+$/, '');
      else problem = 'no m.homeserver base_url';
    } else problem = `HTTP ${res.status}`;
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  if (found) {
    log.info('homeserver discovered', { url: found });
    return found;
  }
  throw new MatrixLoginError(`cannot find the homeserver of ${opts.serverName} (.well-known: ${problem}); set homeserver in the config`);
}

/**
 * Logs in with a password (`m.login.password`) or a login token (`m.login.token`, from an SSO redirect) and returns
 * the new session. M_FORBIDDEN means the password (or token) is wrong, which no retry fixes.
 */
export async function login(
  homeserver: string,
  opts: MatrixOptions,
  how: { password: string } | { token: string },
  log: Logger,
  fetchFn?: typeof fetch,
): Promise<StoredSession> {
  const client = createClient({ baseUrl: homeserver, logger: sdkLogger(log), ...(fetchFn ? { fetchFn } : {}) });
  const request: LoginRequest =
    'password' in how
      ? {
          type: 'm.login.password',
          identifier: { type: 'm.id.user', user: opts.userId },
          password: how.password,
          initial_device_display_name: opts.deviceName,
        }
      : { type: 'm.login.token', token: how.token, initial_device_display_name: opts.deviceName };
  let res: LoginResponse;
  try {
    res = await client.loginRequest(request);
  } catch (e) {
    const code = errcodeOf(e);
    if (code === 'M_FORBIDDEN') {
      throw new MatrixLoginError('password' in how ? `wrong password for ${opts.userId}` : 'the login token was refused (expired or already used?)', { cause: e });
    }
    if (code === 'M_USER_DEACTIVATED') throw new MatrixLoginError(`${opts.userId} is deactivated`, { cause: e });
    if (code === 'M_UNKNOWN' || code === 'M_BAD_JSON' || code === 'M_INVALID_PARAM') {
      throw new MatrixLoginError(`the server refused the login (${code})`, { cause: e });
    }
    throw e;
  } finally {
    client.stopClient();
  }
  registerSecret(res.access_token);
  if (res.user_id !== opts.userId) {
    throw new MatrixLoginError(`the server logged in ${res.user_id}, but the config says ${opts.userId}`);
  }
  log.info('logged in', { userId: res.user_id, deviceId: res.device_id });
  return { homeserver, userId: res.user_id, deviceId: res.device_id, accessToken: res.access_token };
}

/**
 * Checks a stored session with `GET /account/whoami`. Returns false when the server no longer knows the token
 * (M_UNKNOWN_TOKEN); throws on other errors (network: retry later).
 */
export async function checkSession(session: StoredSession, log: Logger, fetchFn?: typeof fetch): Promise<boolean> {
  const client = createClient({
    ...(fetchFn ? { fetchFn } : {}),
    baseUrl: session.homeserver,
    accessToken: session.accessToken,
    userId: session.userId,
    deviceId: session.deviceId,
    logger: sdkLogger(log),
  });
  try {
    const who = await client.whoami();
    if (who.user_id !== session.userId) throw new MatrixLoginError(`the stored session belongs to ${who.user_id}, not ${session.userId}`);
    if (who.device_id && who.device_id !== session.deviceId) {
      log.warn('whoami names another device', { stored: session.deviceId, server: who.device_id });
      return false;
    }
    return true;
  } catch (e) {
    if (errcodeOf(e) === 'M_UNKNOWN_TOKEN') return false;
    throw e;
  } finally {
    client.stopClient();
  }
}

/** The SSO login URL for servers without passwords; the user logs in there and pastes the login token. */
export function ssoUrl(homeserver: string): string {
  // Spec §"Client login via SSO": the redirect URL receives `loginToken`; without a local listener the user copies it.
  const redirect = encodeURIComponent('http://127.0.0.1/natter-sso');
  return `${homeserver}/_matrix/client/v3/login/sso/redirect?redirectUrl=${redirect}`;
}
