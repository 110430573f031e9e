/**
 * Shared setup for Matrix integration tests: natter Matrix adapters (matrix-js-sdk with Rust crypto) against the
 * in-memory test homeserver (test/harness/matrix-homeserver), or a real one named by NATTER_TEST_MATRIX_URL.
 */
import { createHook } from 'node:async_hooks';
import { createMatrixAdapter } from '../../../adapters/matrix/index.js';
import type { Adapter, AdapterEvent, KeyValue } from '../../../src/core/contract.js';
import { matrixTestTarget, type MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { recordingContext, type RecordingContext } from '../../harness/irc-context.js';

/*
 * matrix-js-sdk arms a timer per /sync request (its local timeout, 80 s past the long-poll) and never clears it, so
 * a stopped client keeps the test process alive for up to two minutes. Timers are recorded here and released by
 * releaseTimers() once a test file stopped its adapters and server.
 */
const timers: Array<WeakRef<{ unref?: () => void }>> = [];
createHook({
  init(_id, type, _trigger, resource) {
    if (type === 'Timeout') timers.push(new WeakRef(resource as { unref?: () => void }));
  },
}).enable();

/** Lets the process exit although the SDK left timers armed (call after everything was stopped). */
export function releaseTimers(): void {
  for (const t of timers.splice(0)) t.deref()?.unref?.();
}

export const PASSWORD = 'correct horse battery';
export const target = matrixTestTarget();

export interface Client {
  adapter: Adapter;
  ctx: RecordingContext;
  userId: string;
}

export async function startServer(): Promise<MatrixTestServer> {
  return target.start();
}

import { memoryKv } from '../../../src/core/memory-kv.js';

export { memoryKv };

/** Starts a Matrix adapter for `userId` and waits until it is online (unless told not to). */
export async function client(
  server: MatrixTestServer,
  userId: string,
  options: { kv?: KeyValue; password?: string; waitOnline?: boolean; config?: Record<string, unknown> } = {},
): Promise<Client> {
  const ctx = recordingContext({ user: userId, homeserver: server.url, ...options.config }, options.password === '' ? {} : { password: options.password ?? PASSWORD }, userId);
  if (options.kv) Object.assign(ctx, { kv: options.kv });
  const adapter = createMatrixAdapter();
  await adapter.start(ctx);
  if (options.waitOnline ?? true) await ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', `${userId} online`, 60_000);
  return { adapter, ctx, userId };
}

export type MessageEvent = Extract<AdapterEvent, { type: 'message' }>;
export type UpdateEvent = Extract<AdapterEvent, { type: 'message.update' }>;

export function messages(c: Client): MessageEvent['message'][] {
  return c.ctx.ofType('message').map((e) => e.message);
}

/** Waits for a message in `room` whose body matches. */
export async function waitMessage(c: Client, room: string, body: string | RegExp, timeoutMs = 60_000): Promise<MessageEvent['message']> {
  const e = await c.ctx.waitFor<MessageEvent>(
    (e) => e.type === 'message' && e.message.conversation.remoteId === room && (typeof body === 'string' ? e.message.body === body : body.test(e.message.body)),
    `${c.userId}: message ${String(body)} in ${room}`,
    timeoutMs,
  );
  return e.message;
}

export async function waitUpdate(c: Client, pred: (u: UpdateEvent) => boolean, what: string, timeoutMs = 60_000): Promise<UpdateEvent> {
  return c.ctx.waitFor<UpdateEvent>((e) => e.type === 'message.update' && pred(e), `${c.userId}: ${what}`, timeoutMs);
}

/** Waits for a conversation event about a room matching `pred`. */
export async function waitConversation(c: Client, pred: (conv: Extract<AdapterEvent, { type: 'conversation' }>['conversation']) => boolean, what: string, timeoutMs = 60_000) {
  const e = await c.ctx.waitFor<Extract<AdapterEvent, { type: 'conversation' }>>((e) => e.type === 'conversation' && pred(e.conversation), `${c.userId}: ${what}`, timeoutMs);
  return e.conversation;
}
