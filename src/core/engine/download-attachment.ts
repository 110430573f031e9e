/**
 * Fetches a received attachment through the account's `Adapter.download` (Matrix media, XEP-0454 aesgcm links …) into
 * the profile's downloads directory, for `/open` on a file that cannot be opened where it is. Reached through the
 * protocol action named {@link DOWNLOAD_ACTION} (plain data, so it also runs in a daemon for an attached UI, which
 * shares this machine's file system); the result's `info` is the local path.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ActionResult } from '../actions.js';
import { CommandError } from '../errors.js';
import type { Engine } from './engine.js';

export { DOWNLOAD_ACTION } from '../download-action.js';

/** `<profile data dir>/downloads/<account>`; beside the database, or a private temp dir for an in-memory store. */
export function downloadDir(storePath: string, accountId: string): string {
  const base = storePath === '' || storePath === ':memory:' ? join(tmpdir(), `natter-downloads-${process.getuid?.() ?? 'u'}`) : join(dirname(storePath), 'downloads');
  return join(base, safeName(accountId));
}

/** The last component of a name, harmless: no separators, controls, bidi overrides, leading dots; ≤ 100 chars. */
export function safeName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- controls are what is being removed
  const cleaned = last.replace(/[/\\\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069:*?"<>|]/g, '_').replace(/^[.\s]+/, '');
  const chars = Array.from(cleaned.trim());
  return chars.slice(-100).join('') || 'attachment';
}

export async function downloadAttachment(
  engine: Engine,
  conversationId: string | undefined,
  messageId: string | undefined,
  url: string | undefined,
): Promise<ActionResult> {
  const message = messageId ? engine.store.getMessage(messageId) : undefined;
  if (!message || message.conversationId !== conversationId) throw new CommandError('that message is no longer stored');
  const attachment = message.attachments?.find((a) => a.url === url);
  if (!attachment) throw new CommandError('that message has no such attachment');
  const adapter = engine.runtime(message.accountId)?.adapter;
  if (!adapter?.download) throw new CommandError(`${message.accountId} cannot download files`);
  if (!engine.isOnline(message.accountId)) throw new CommandError(`${message.accountId} is not connected; /connect ${message.accountId} first`);
  const dir = downloadDir(engine.store.path, message.accountId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The same attachment lands in the same file (a hash of its URL in front of the name), so a second /open reuses it.
  const tag = createHash('sha256').update(attachment.url).digest('hex').slice(0, 10);
  const name = safeName(attachment.name ?? basename(attachment.url.split(/[?#]/)[0] ?? ''));
  const dest = join(dir, `${tag}-${name}`);
  if (existsSync(dest)) return { ok: true, info: dest };
  const partial = `${dest}.part`;
  try {
    await adapter.download(attachment, partial);
    renameSync(partial, dest);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
  return { ok: true, info: dest };
}
