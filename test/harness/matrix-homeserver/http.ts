/**
 * HTTP plumbing: route table, request context (auth, JSON body, query), spec-shaped errors. Paths are matched after
 * the API prefix (`/_matrix/client/{version}/`, `/_matrix/media/{version}/`); any version segment is accepted, as
 * Synapse does for the endpoints that kept their shape across r0/v1/v3.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MatrixError, unrecognized } from './errors.js';
import type { Json } from './json.js';
import type { HomeserverState, Session, User } from './state.js';

export type Namespace = 'client' | 'media' | 'root';

/** A raw (non-JSON) response: media bytes or a redirect. */
export class RawResponse {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: Buffer,
  ) {}
}

export interface Ctx {
  hs: HomeserverState;
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The request body parsed as JSON (throws M_NOT_JSON); `{}` for an empty body. */
  json(): unknown;
  raw: Buffer;
  headers: IncomingMessage['headers'];
  /** The caller's session; throws 401 M_MISSING_TOKEN / M_UNKNOWN_TOKEN. */
  auth(): Session;
  /** The caller's account (after auth()). */
  user(): User;
  /** Aborted when the client closes the connection (long polls stop waiting). */
  signal: AbortSignal;
  baseUrl: string;
}

export type Handler = (ctx: Ctx) => Promise<Json | RawResponse> | Json | RawResponse;

interface Route {
  ns: Namespace;
  method: string;
  pattern: string[];
  handler: Handler;
}

export class Router {
  private routes: Route[] = [];

  /** Registers `handler` for `method` and a path like `rooms/:roomId/send/:type/:txnId`. */
  on(ns: Namespace, method: string, path: string, handler: Handler): void {
    this.routes.push({ ns, method, pattern: path.split('/'), handler });
  }

  match(ns: Namespace, method: string, segments: string[]): { handler: Handler; params: Record<string, string> } {
    let pathMatched = false;
    for (const r of this.routes) {
      if (r.ns !== ns || r.pattern.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < r.pattern.length; i++) {
        const p = r.pattern[i]!;
        const s = segments[i]!;
        if (p.startsWith(':')) params[p.slice(1)] = s;
        else if (p !== s) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      pathMatched = true;
      if (r.method === method) return { handler: r.handler, params };
    }
    if (pathMatched) throw unrecognized(405, `method ${method} not allowed here`);
    throw unrecognized(404, 'Unrecognized request');
  }
}

/** Splits `/_matrix/...` into the namespace and the segments after the version (percent-decoded). */
export function splitPath(pathname: string): { ns: Namespace; segments: string[] } | undefined {
  const raw = pathname.split('/').slice(1);
  let parts: string[];
  try {
    parts = raw.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  if (parts[0] === '.well-known') return { ns: 'root', segments: parts };
  if (parts[0] !== '_matrix') return undefined;
  if (parts[1] === 'client') {
    if (parts[2] === 'versions' && parts.length === 3) return { ns: 'root', segments: ['versions'] };
    if (parts.length < 4) return undefined;
    return { ns: 'client', segments: parts.slice(3) };
  }
  if (parts[1] === 'media' && parts.length >= 4) return { ns: 'media', segments: parts.slice(3) };
  return undefined;
}

export function sendJson(res: ServerResponse, status: number, body: Json): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(data.length),
    'access-control-allow-origin': '*',
    'cache-control': 'no-cache, no-store, must-revalidate',
  });
  res.end(data);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof MatrixError) {
    sendJson(res, err.status, err.body() as Json);
    return;
  }
  sendJson(res, 500, { errcode: 'M_UNKNOWN', error: err instanceof Error ? err.message : String(err) });
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new MatrixError(413, 'M_TOO_LARGE', 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
