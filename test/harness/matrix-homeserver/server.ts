/** The node:http server: parses each request into a `Ctx`, dispatches through the route table, answers errors. */
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MatrixError } from './errors.js';
import { RawResponse, Router, readBody, sendError, sendJson, splitPath, type Ctx } from './http.js';
import type { Json } from './json.js';
import { accountRoutes } from './routes/account.js';
import { historyRoutes } from './routes/history.js';
import { keyRoutes } from './routes/keys.js';
import { mediaRoutes } from './routes/media.js';
import { roomRoutes } from './routes/rooms.js';
import { spaceRoutes } from './routes/spaces.js';
import { HomeserverState, type Session } from './state.js';
import { handleSync } from './sync.js';
import { JSON_LIMIT_BYTES, MEDIA_LIMIT_BYTES } from './limits.js';


function buildRouter(): Router {
  const r = new Router();
  accountRoutes(r);
  roomRoutes(r);
  historyRoutes(r);
  keyRoutes(r);
  mediaRoutes(r);
  spaceRoutes(r);
  r.on('client', 'GET', 'sync', handleSync);
  return r;
}

export interface RunningServer {
  hs: HomeserverState;
  url: string;
  close(): Promise<void>;
}

export async function runServer(serverName: string): Promise<RunningServer> {
  const hs = new HomeserverState(serverName);
  const router = buildRouter();
  const stopping = new AbortController();
  let baseUrl = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'access-control-allow-headers': 'Authorization, Content-Type',
      });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', baseUrl);
    const split = splitPath(url.pathname);
    if (!split) throw new MatrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
    const { handler, params } = router.match(split.ns, method, split.segments);
    const isUpload = split.ns === 'media' && split.segments[0] === 'upload';
    const raw = await readBody(req, isUpload ? MEDIA_LIMIT_BYTES : JSON_LIMIT_BYTES);
    let parsed: { value: unknown } | undefined;
    let session: Session | undefined;
    const closed = new AbortController();
    res.on('close', () => closed.abort());
    const ctx: Ctx = {
      hs,
      method,
      params,
      query: url.searchParams,
      raw,
      headers: req.headers,
      baseUrl,
      signal: AbortSignal.any([closed.signal, stopping.signal]),
      json() {
        if (parsed) return parsed.value;
        const text = raw.toString('utf8').trim();
        if (text === '') parsed = { value: {} };
        else {
          try {
            parsed = { value: JSON.parse(text) as unknown };
          } catch {
            throw new MatrixError(400, 'M_NOT_JSON', 'Content not JSON.');
          }
        }
        return parsed.value;
      },
      auth() {
        if (session) return session;
        const header = req.headers.authorization;
        const tokenValue = header?.startsWith('Bearer ') ? header.slice(7).trim() : url.searchParams.get('access_token');
        if (!tokenValue) throw new MatrixError(401, 'M_MISSING_TOKEN', 'Missing access token');
        const s = hs.sessions.get(tokenValue);
        if (!s) throw new MatrixError(401, 'M_UNKNOWN_TOKEN', 'Unknown access token', { soft_logout: false });
        const device = hs.users.get(s.userId)?.devices.get(s.deviceId);
        if (device) device.lastSeenTs = Date.now();
        session = s;
        return s;
      },
      user() {
        return hs.users.get(this.auth().userId)!;
      },
    };
    // Requests with a body must carry JSON; parse it up front so malformed JSON fails as M_NOT_JSON everywhere.
    if (!isUpload && raw.length > 0 && (method === 'POST' || method === 'PUT')) ctx.json();
    const result = await handler(ctx);
    if (res.destroyed) return;
    if (result instanceof RawResponse) {
      res.writeHead(result.status, { 'content-length': String(result.body.length), ...result.headers });
      res.end(result.body);
      return;
    }
    sendJson(res, 200, result as Json);
  };

  const logFile = process.env['NATTER_TEST_MATRIX_LOG'];
  const server: Server = createServer((req, res) => {
    const started = Date.now();
    if (logFile) {
      // One line per request (path without the query, so no access_token), for debugging a client against us.
      res.on('finish', () => {
        const path = (req.url ?? '').split('?')[0];
        appendFileSync(logFile, `${new Date().toISOString()} ${req.method} ${path} ${res.statusCode} ${Date.now() - started}ms\n`);
      });
    }
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) sendError(res, err);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    hs,
    url: baseUrl,
    close: async () => {
      stopping.abort();
      for (const room of hs.rooms.values()) room.clearTimers();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
