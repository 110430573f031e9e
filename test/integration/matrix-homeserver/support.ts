import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
/** A minimal client-server API caller for spec-level tests: JSON in, `{ status, body }` out. */
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';

export type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Reply {
  status: number;
  body: Body;
}

export interface Api {
  userId: string;
  deviceId: string;
  accessToken: string;
  call(method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<Reply>;
  /** Like call(), but fails the test unless the status is 200. */
  ok(method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<Body>;
}

export async function request(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string | Buffer; query?: Record<string, string>; contentType?: string } = {},
): Promise<Reply> {
  const url = new URL(path.startsWith('/_matrix') || path.startsWith('/.well-known') ? path : `/_matrix/client/v3${path}`, baseUrl);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  let payload: string | Buffer | undefined;
  if (opts.raw !== undefined) {
    payload = opts.raw;
    headers['content-type'] = opts.contentType ?? 'application/json';
  } else if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(url, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await res.text();
  let body: Body;
  try {
    body = text ? (JSON.parse(text) as Body) : {};
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body };
}

export async function account(server: MatrixTestServer, localpart: string, password = 'correct horse'): Promise<Api> {
  const reg = await server.register(localpart, password);
  const call = (method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<Reply> =>
    request(server.url, method, path, { token: reg.accessToken, body, ...(query ? { query } : {}) });
  return {
    ...reg,
    call,
    async ok(method, path, body, query) {
      const r = await call(method, path, body, query);
      if (r.status !== 200) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}

let txn = 0;
/** A fresh transaction id for PUT /send. */
export function txnId(): string {
  txn += 1;
  return `t${Date.now()}.${txn}`;
}

export const enc = encodeURIComponent;

/** Polls an async condition until it holds (waitFor for conditions that need a request or a crypto call). */
export async function waitForAsync(cond: () => Promise<unknown>, what: string, timeoutMs = 20_000, everyMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    let ok: unknown;
    try {
      ok = await cond();
    } catch {
      ok = false;
    }
    if (ok) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Canonical JSON (spec: "Canonical JSON"): sorted keys, no insignificant whitespace. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** An Ed25519 key that signs JSON the Matrix way (spec: "Signing JSON"), so real servers accept what tests upload. */
export interface SigningKey {
  /** Unpadded standard base64 of the public key. */
  publicKey: string;
  /** Adds this key's signature under `signatures[userId]["ed25519:" + keyName]`. */
  sign<T extends Body>(obj: T, userId: string, keyName?: string): T;
}

export function signingKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  const pub = Buffer.from(x, 'base64url').toString('base64').replace(/=+$/, '');
  return {
    publicKey: pub,
    sign(obj, userId, keyName = pub) {
      const { signatures, unsigned: _unsigned, ...rest } = obj as Body;
      const sig = cryptoSign(null, Buffer.from(canonicalJson(rest)), privateKey).toString('base64').replace(/=+$/, '');
      const all: Body = { ...(signatures ?? {}) };
      all[userId] = { ...(all[userId] ?? {}), [`ed25519:${keyName}`]: sig };
      return { ...obj, signatures: all };
    },
  };
}
