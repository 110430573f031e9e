/**
 * Turns one message into wrapped, styled lines for the timeline: `HH:mm <nick> body` with a hanging indent, `* nick
 * does` for actions, `-nick- text` for notices, dim event lines, and the delivery, edit, retraction and encryption
 * markers. Around the body: a dim quoted line above a reply ("↳ alice: first words…", with 🧵 for a thread), and below
 * it attachments ("📎 name (1.2 MB) url"), upload progress and reactions ("👍 2  ❤️ 1", the user's own highlighted).
 * Results are cached per (message id, editedAt, width and the few fields that change the look), so scrolling and
 * re-rendering never re-wrap a message that did not change.
 */
import type { Attachment, Message, TrustLevel } from '../core/model.js';
import { sanitizeHref } from '../core/sanitize.js';
import { linkifySpans } from './links.js';
import { nickColor, type UiSpan } from './styles.js';
import { defaultDisplay, stamp, type DisplayOptions } from './time-format.js';
import { truncate, textWidth, wrapSpans, type Line } from './wrap.js';

/** Longest nick shown before it gets an ellipsis, so one long name cannot push every body to the right edge. */
const maxNick = 16;

/** Wrapped lines by cache key; the body is kept to check against, so a reused id with other text never hits. */
const cache = new Map<string, { body: string; kind: string; lines: Line<UiSpan>[] }>();

function cacheKey(m: Message, width: number, display: DisplayOptions, self: string | undefined): string {
  const r = m.reactions.length ? m.reactions.map((x) => `${x.key}${x.senders.length}${own(x.senders, self) ? '*' : ''}`).join(',') : '';
  const p = m.replyPreview;
  return [
    m.replyTo ?? '',
    p ? `${p.senderName}\u0002${p.body}\u0002${p.retracted ? 1 : 0}` : '',
    m.threadId ?? '',
    m.attachments ? JSON.stringify(m.attachments) : '',
    m.transfer ? `${m.transfer.sent}/${m.transfer.total}` : '',
    m.retraction ? JSON.stringify(m.retraction) : '',
    m.id,
    m.editedAt ?? 0,
    width,
    display.timestamps ? display.timeFormat : '',
    m.delivery ?? '',
    m.retracted ? 1 : 0,
    m.mentionsMe ? 1 : 0,
    m.failure ?? '',
    m.encryption.scheme,
    m.encryption.trust ?? '',
    m.encryption.error ?? '',
    r,
  ].join('\u0001');
}

function trustColor(trust: TrustLevel | undefined): string {
  if (trust === 'verified' || trust === 'trusted') return 'green';
  if (trust === 'untrusted') return 'red';
  return 'yellow';
}

/** The styled prefix before the body (time, nick decoration). */
function prefixOf(m: Message, display: DisplayOptions): UiSpan[] {
  const t = stamp(m.sentAt, display);
  // Without timestamps a mention still gets its inverted marker cell.
  const text = t ?? (m.mentionsMe ? '!' : '');
  const time: UiSpan = m.mentionsMe ? { text, inverse: true, fg: 'yellow', bold: true } : { text, dim: true };
  const lead = (s: string): string => (text === '' ? s.replace(/^ /, '') : s);
  const nick = truncate(m.senderName || m.senderId, maxNick);
  const color = nickColor(m.senderName || m.senderId);
  switch (m.kind) {
    case 'action':
      return [time, { text: lead(' * ') }, { text: nick, fg: color, bold: true }, { text: ' ' }];
    case 'notice':
      return [time, { text: lead(' -') }, { text: nick, fg: color }, { text: '- ' }];
    case 'event':
      return [time, { text: lead(' -- '), dim: true }];
    case 'system':
      return [time, { text: lead(' ** '), fg: 'yellow', dim: true }];
    default:
      return [time, { text: lead(' <'), dim: true }, { text: nick, fg: color, bold: true }, { text: '> ', dim: true }];
  }
}

/** The styled body including markers that belong to it. */
function bodyOf(m: Message): UiSpan[] {
  const out: UiSpan[] = [];
  if (m.encryption.scheme !== 'none') {
    out.push({ text: '🔒 ', fg: m.encryption.error ? 'red' : trustColor(m.encryption.trust) });
  }
  if (m.retracted) {
    const r = m.retraction;
    const text = r?.moderated ? `removed by a moderator${r.reason ? `: ${r.reason}` : ''}` : 'message deleted';
    out.push({ text, dim: true, italic: true });
    return out;
  }
  // Plain URLs in the text become link spans (underlined; OSC 8 hyperlinks where the terminal has them).
  const base: UiSpan[] = linkifySpans(m.spans && m.spans.length > 0 ? m.spans : [{ text: m.body }]);
  const dim = m.kind === 'event' || m.kind === 'system' || m.delivery === 'pending';
  for (const s of base) {
    const span: UiSpan = { ...s };
    if (dim) span.dim = true;
    if (m.delivery === 'failed') span.fg = 'red';
    if (m.mentionsMe && !m.spans) span.bold = true;
    out.push(span);
  }
  if (m.editedAt !== undefined) out.push({ text: ' (edited)', dim: true });
  if (m.delivery === 'pending') out.push({ text: ' ⏳ pending', dim: true });
  return out;
}

const own = (senders: string[], self: string | undefined): boolean =>
  self !== undefined && senders.some((s) => s.toLowerCase() === self.toLowerCase());

/** Bytes in the units people read: `512 B`, `1.2 kB`, `1.2 MB`, `3.4 GB` (decimal, as file managers show them). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** First words of a quoted message, on one line. */
function firstWords(body: string): string {
  return body.replace(/\s+/g, ' ').trim();
}

/** The dim line above a reply or thread message (truncated to one row by the caller). */
function quoteOf(m: Message): UiSpan[] | undefined {
  if (m.replyTo === undefined && m.threadId === undefined) return undefined;
  const thread = m.threadId !== undefined ? '🧵 ' : '';
  if (m.replyTo === undefined || (m.threadId !== undefined && m.replyTo === m.threadId && !m.replyPreview)) {
    return [{ text: `${thread}in a thread`, dim: true }];
  }
  const p = m.replyPreview;
  if (!p) return [{ text: `${thread}↳ a message not loaded`, dim: true, italic: true }];
  const text = p.retracted ? 'message deleted' : firstWords(p.body);
  return [
    { text: `${thread}↳ `, dim: true },
    { text: p.senderName, dim: true, bold: true },
    { text: `: ${text}`, dim: true },
  ];
}

/** "📎 name (1.2 MB) url": the url is a link span when its scheme is safe to hand to the terminal. */
function attachmentLine(a: Attachment): UiSpan[] {
  const name = a.name ?? a.url.split('/').pop() ?? 'file';
  const line: UiSpan[] = [{ text: `📎 ${name}` }];
  if (a.size !== undefined) line.push({ text: ` (${formatSize(a.size)})`, dim: true });
  if (a.encrypted) line.push({ text: ' 🔒', dim: true });
  if (!a.url.startsWith('file:')) {
    const href = sanitizeHref(a.url);
    line.push({ text: ' ' });
    line.push(href ? { text: a.url, href, fg: 'blue' } : { text: a.url, dim: true });
  }
  return line;
}

/** Reactions on one line ("👍 2  ❤️ 1"); the user's own ones stand out. */
function reactionsLine(m: Message, self: string | undefined): UiSpan[] {
  const out: UiSpan[] = [];
  m.reactions.forEach((r, i) => {
    if (i > 0) out.push({ text: '  ' });
    const text = `${r.key} ${r.senders.length}`;
    out.push(own(r.senders, self) ? { text, fg: 'cyan', bold: true } : { text, dim: true });
  });
  return out;
}

/**
 * The wrapped lines of a message at `width` columns. Continuation lines are indented to the body column when the
 * prefix takes at most a third of the width (else they start at column 0 so narrow panes stay readable).
 */
export function messageLines(
  m: Message,
  width: number,
  display: DisplayOptions = defaultDisplay,
  self?: string,
): Line<UiSpan>[] {
  const key = cacheKey(m, width, display, self);
  const hit = cache.get(key);
  if (hit && hit.body === m.body && hit.kind === m.kind) return hit.lines;
  const prefix = prefixOf(m, display).filter((x) => x.text !== '');
  const prefixW = prefix.reduce((w, s) => w + textWidth(s.text), 0);
  const indent = prefixW * 3 <= width ? prefixW : 0;
  const bodyW = Math.max(1, width - indent);
  const lines: Line<UiSpan>[] = [];
  const quote = quoteOf(m);
  if (quote) {
    // One row, indented to the body column, never wrapped: the quote is a pointer, not the message.
    const text = truncate(quote.map((q) => q.text).join(''), bodyW);
    lines.push([...(indent > 0 ? [{ text: ' '.repeat(indent) }] : []), ...clip(quote, text)]);
  }
  if (indent > 0) {
    const wrapped = wrapSpans(bodyOf(m), bodyW);
    wrapped.forEach((l, i) => lines.push(i === 0 ? [...prefix, ...l] : [{ text: ' '.repeat(indent) }, ...l]));
  } else {
    lines.push(...wrapSpans([...prefix, ...bodyOf(m)], Math.max(1, width)));
  }
  const extra: UiSpan[][] = [];
  if (!m.retracted) {
    for (const a of m.attachments ?? []) extra.push(attachmentLine(a));
    if (m.delivery === 'pending' && m.attachments?.some((a) => a.url.startsWith('file:'))) {
      const t = m.transfer;
      const pct = t && t.total > 0 ? Math.min(100, Math.floor((t.sent / t.total) * 100)) : undefined;
      extra.push([{ text: pct === undefined ? 'waiting to upload' : `uploading ${pct}%`, fg: 'yellow' }]);
    }
  }
  if (m.delivery === 'failed' && !m.retracted) extra.push([{ text: `✗ not sent: ${m.failure ?? 'unknown error'}`, fg: 'red' }]);
  if (m.encryption.error) extra.push([{ text: `✗ could not decrypt: ${m.encryption.error}`, fg: 'red' }]);
  if (m.reactions.length > 0) extra.push(reactionsLine(m, self));
  for (const e of extra) {
    for (const l of wrapSpans(e, bodyW)) lines.push(indent > 0 ? [{ text: ' '.repeat(indent) }, ...l] : l);
  }
  if (cache.size > 20_000) cache.clear();
  cache.set(key, { body: m.body, kind: m.kind, lines });
  return lines;
}

/** The spans of `quote` cut to `text` (the truncated join of their texts), styles kept. */
function clip(quote: UiSpan[], text: string): UiSpan[] {
  const out: UiSpan[] = [];
  let rest = text;
  for (const q of quote) {
    if (rest === '') break;
    if (rest.startsWith(q.text)) {
      out.push(q);
      rest = rest.slice(q.text.length);
    } else {
      out.push({ ...q, text: rest });
      rest = '';
    }
  }
  return out;
}

/** How many wrapped rows the message takes at `width` (cached with the lines). */
export function messageHeight(m: Message, width: number, display: DisplayOptions = defaultDisplay, self?: string): number {
  return messageLines(m, width, display, self).length;
}
