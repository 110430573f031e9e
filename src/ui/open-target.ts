/**
 * `/open [n]`: the last link or attachment of the conversation (or the n-th from the end), opened with the user's
 * opener (`[ui] open_command`, an argv array; default xdg-open on Linux and the BSDs, open on macOS). The command is
 * spawned without a shell (a URL can hold `;`, `$()`, quotes), detached and unreferenced, so it outlives nothing and
 * blocks nothing.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DOWNLOAD_ACTION } from '../core/download-action.js';
import type { EngineApi } from '../core/engine-api.js';
import type { Attachment, Message } from '../core/model.js';
import { sanitizeHref, sanitizeText } from '../core/sanitize.js';
import { findUrls, hrefFor, isOsc8Safe } from './links.js';

/** Something /open can open: a link in a message, or one of its attachments. */
export type OpenTarget = { kind: 'link'; url: string } | { kind: 'attachment'; attachment: Attachment; message: Message };

/** Links (span targets and URLs in the text) and attachments of the messages, in reading order (oldest first). */
export function openTargets(messages: readonly Message[]): OpenTarget[] {
  const out: OpenTarget[] = [];
  for (const m of messages) {
    if (m.retracted) continue;
    const seen = new Set<string>();
    const add = (href: string | undefined): void => {
      if (href === undefined || seen.has(href)) return;
      seen.add(href);
      out.push({ kind: 'link', url: href });
    };
    const spanLinks = (m.spans ?? []).filter((s) => s.href !== undefined);
    for (const s of spanLinks) add(sanitizeHref(s.href!));
    // Attachment links are usually also in the body (XEP-0066 puts the URL there): count them once, as the file.
    const files = new Set((m.attachments ?? []).map((a) => a.url));
    for (const { url } of findUrls(m.body)) {
      const href = hrefFor(url);
      if (href !== undefined && !files.has(url) && !files.has(href)) add(href);
    }
    for (const a of m.attachments ?? []) out.push({ kind: 'attachment', attachment: a, message: m });
  }
  return out;
}

/** The n-th target from the end (1 = the last), or undefined. */
export function pickTarget(targets: readonly OpenTarget[], n = 1): OpenTarget | undefined {
  return Number.isInteger(n) && n >= 1 ? targets[targets.length - n] : undefined;
}

/** What the opener gets for a target: a safe URL, a local path (`file:` attachments), or why it cannot be opened. */
export function openArgument(target: OpenTarget): { arg: string } | { error: string } | { download: true } {
  if (target.kind === 'link') {
    return isOsc8Safe(target.url) ? { arg: target.url } : { error: 'that link holds characters natter will not pass on' };
  }
  const { url, name } = target.attachment;
  const label = name ?? 'the attachment';
  if (/^file:/i.test(url)) {
    try {
      return { arg: fileURLToPath(url) };
    } catch {
      return { error: `${label} has a local address natter cannot read` };
    }
  }
  if (!target.attachment.encrypted && /^https?:/i.test(url)) {
    const href = hrefFor(url);
    if (href !== undefined && isOsc8Safe(href)) return { arg: href };
  }
  // mxc:, aesgcm:, cid: and encrypted files need the account's adapter to fetch (and decrypt) them first.
  return { download: true };
}

/** The default opener for the platform. */
export function defaultOpenCommand(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'darwin') return ['open'];
  if (platform === 'win32') return ['explorer.exe'];
  return ['xdg-open'];
}

/**
 * Starts `argv` with `arg` appended, without a shell, detached, stdio ignored. Resolves once the process started;
 * rejects with a plain-words Error when it could not (no such program, not executable).
 */
export function spawnOpener(argv: readonly string[], arg: string): Promise<void> {
  const [program, ...rest] = argv;
  if (program === undefined || program === '') return Promise.reject(new Error('[ui] open_command is empty'));
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...rest, arg], { detached: true, stdio: 'ignore', shell: false });
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`could not start ${program}: ${e.code === 'ENOENT' ? 'no such program' : e.message}`, { cause: e })),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

/** Parses `/open [n]` (n ≥ 1); undefined when the text is not an /open command, an Error message when n is bad. */
export function parseOpenCommand(text: string): { n: number } | { error: string } | undefined {
  const m = /^\/open(?:\s+(\S+))?\s*$/i.exec(text.trim());
  if (!m) return /^\/open\b/i.test(text.trim()) ? { error: 'usage: /open [n] (n-th link or attachment from the end)' } : undefined;
  if (m[1] === undefined) return { n: 1 };
  const n = Number(m[1]);
  return Number.isInteger(n) && n >= 1 ? { n } : { error: 'usage: /open [n] (n-th link or attachment from the end)' };
}

/** Messages /open looks through (the newest page of the conversation). */
const LOOK_BACK = 200;

/**
 * Runs `/open n` in a conversation: picks the target among the newest messages, starts the opener. Resolves to the
 * status text ("opened …", sanitized for the status line); rejects with a plain-words Error.
 */
export async function openInConversation(
  engine: Pick<EngineApi, 'messages' | 'dispatch'>,
  conversationId: string,
  n: number,
  argv: readonly string[],
): Promise<string> {
  const targets = openTargets(engine.messages(conversationId, { limit: LOOK_BACK }));
  const target = pickTarget(targets, n);
  if (!target) {
    throw new Error(
      targets.length === 0
        ? 'no link or attachment in this conversation'
        : `there ${targets.length === 1 ? 'is only 1 link or attachment' : `are only ${targets.length} links and attachments`} here`,
    );
  }
  const a = openArgument(target);
  if ('error' in a) throw new Error(a.error);
  let arg: string;
  if ('download' in a && target.kind === 'attachment') {
    // Through the engine (also when it runs in a daemon): the adapter fetches and decrypts it into the profile.
    const m = target.message;
    const r = await engine.dispatch({
      type: 'protocol',
      accountId: m.accountId,
      conversationId: m.conversationId,
      name: DOWNLOAD_ACTION,
      args: [m.id, target.attachment.url],
    });
    if (!r.ok) throw new Error(r.error);
    if (!r.info) throw new Error('the download left no file');
    arg = r.info;
  } else if ('arg' in a) arg = a.arg;
  else throw new Error('nothing to open');
  await spawnOpener(argv, arg);
  return `opened ${sanitizeText(arg)}`;
}
