/**
 * User-interactive authentication (spec: "User-Interactive Authentication API"): a request without `auth` gets 401
 * with the flows and a session; a request whose `auth` completes one flow goes through.
 */
import { MatrixError } from './errors.js';
import { isObject, type JsonObject } from './json.js';
import { randomId, type HomeserverState, type User } from './state.js';

class UiaRequired extends MatrixError {
  override body(): Record<string, unknown> {
    // The first 401 of a UIA exchange carries no errcode; a failed stage does.
    if (this.errcode === '') return { ...this.extra };
    return super.body();
  }
}

/** The localpart or user id a login identifier names (m.id.user, or the deprecated top-level `user`). */
export function identifierUser(hs: HomeserverState, auth: JsonObject): User | undefined {
  const id = isObject(auth['identifier']) ? auth['identifier'] : undefined;
  const name = (id && id['type'] === 'm.id.user' ? id['user'] : undefined) ?? auth['user'];
  if (typeof name !== 'string') return undefined;
  const userId = name.startsWith('@') ? name : hs.userIdFor(name.toLowerCase());
  return hs.users.get(userId);
}

/**
 * Passes when `body.auth` completes one of `flows` (each a list of stage types; this server's stages are
 * m.login.dummy and m.login.password, each completing in one step); otherwise throws the 401 UIA response.
 */
export function requireUia(hs: HomeserverState, body: JsonObject, flows: string[][], user: User | undefined): void {
  const auth = isObject(body['auth']) ? body['auth'] : undefined;
  const sessionId = auth && typeof auth['session'] === 'string' ? auth['session'] : randomId();
  const completed = hs.uiaSessions.get(sessionId) ?? new Set<string>();
  hs.uiaSessions.set(sessionId, completed);
  const challenge = { flows: flows.map((stages) => ({ stages })), params: {}, session: sessionId, completed: [...completed] };
  if (!auth) throw new UiaRequired(401, '', 'authentication required', challenge);
  const type = auth['type'];
  if (type === 'm.login.dummy') completed.add('m.login.dummy');
  else if (type === 'm.login.password') {
    const who = identifierUser(hs, auth);
    if (!who || who.password !== auth['password'] || (user && who.userId !== user.userId)) {
      throw new UiaRequired(401, 'M_FORBIDDEN', 'invalid password', challenge);
    }
    completed.add('m.login.password');
  } else if (type !== undefined) {
    throw new UiaRequired(401, 'M_UNRECOGNIZED', `unsupported auth type ${String(type)}`, challenge);
  }
  if (flows.some((stages) => stages.every((s) => completed.has(s)))) {
    hs.uiaSessions.delete(sessionId);
    return;
  }
  throw new UiaRequired(401, '', 'more authentication required', { ...challenge, completed: [...completed] });
}
