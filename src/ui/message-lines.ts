/**
 * Turns one message into wrapped, styled lines for the timeline: `HH:mm <nick> body` with a hanging indent, `* nick
 * does` for actions, `-nick- text` for notices, dim event lines, and the delivery, edit, retraction and encryption
 * markers. Results are cached per (message id, editedAt, width and the few fields that change the look), so scrolling
 * and re-rendering never re-wrap a message that did not change.
 */
import type { Message, TrustLevel } from '../core/model.js';
import { nickColor, type UiSpan } from './styles.js';
import { defaultDisplay, stamp, type DisplayOptions } from './time-format.js';
import { truncate, textWidth, wrapSpans, type Line } from './wrap.js';

/** Longest nick shown before it gets an ellipsis, so one long name cannot push every body to the right edge. */
const maxNick = 16;

/** Wrapped lines by cache key; the body is kept to check against, so a reused id with other text never hits. */
const cache = new Map<string, { body: string; kind: string; lines: Line<UiSpan>[] }>();

function cacheKey(m: Message, width: number, display: DisplayOptions): string {
  const r = m.reactions.length ? m.reactions.map((x) => `${x.key}${x.senders.length}`).join(',') : '';
  return [
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
    out.push({ text: 'message deleted', dim: true, italic: true });
    return out;
  }
  const base: UiSpan[] = m.spans && m.spans.length > 0 ? m.spans : [{ text: m.body }];
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

/**
 * The wrapped lines of a message at `width` columns. Continuation lines are indented to the body column when the
 * prefix takes at most a third of the width (else they start at column 0 so narrow panes stay readable).
 */
export function messageLines(m: Message, width: number, display: DisplayOptions = defaultDisplay): Line<UiSpan>[] {
  const key = cacheKey(m, width, display);
  const hit = cache.get(key);
  if (hit && hit.body === m.body && hit.kind === m.kind) return hit.lines;
  const prefix = prefixOf(m, display).filter((x) => x.text !== '');
  const prefixW = prefix.reduce((w, s) => w + textWidth(s.text), 0);
  const indent = prefixW * 3 <= width ? prefixW : 0;
  const bodyW = Math.max(1, width - indent);
  const lines: Line<UiSpan>[] = [];
  if (indent > 0) {
    const wrapped = wrapSpans(bodyOf(m), bodyW);
    wrapped.forEach((l, i) => lines.push(i === 0 ? [...prefix, ...l] : [{ text: ' '.repeat(indent) }, ...l]));
  } else {
    lines.push(...wrapSpans([...prefix, ...bodyOf(m)], Math.max(1, width)));
  }
  const extra: UiSpan[][] = [];
  if (m.delivery === 'failed') extra.push([{ text: `✗ not sent: ${m.failure ?? 'unknown error'}`, fg: 'red' }]);
  if (m.encryption.error) extra.push([{ text: `✗ could not decrypt: ${m.encryption.error}`, fg: 'red' }]);
  if (m.reactions.length > 0) {
    extra.push([{ text: m.reactions.map((r) => `${r.key} ${r.senders.length}`).join('  '), dim: true }]);
  }
  for (const e of extra) {
    for (const l of wrapSpans(e, bodyW)) lines.push(indent > 0 ? [{ text: ' '.repeat(indent) }, ...l] : l);
  }
  if (cache.size > 20_000) cache.clear();
  cache.set(key, { body: m.body, kind: m.kind, lines });
  return lines;
}

/** How many wrapped rows the message takes at `width` (cached with the lines). */
export function messageHeight(m: Message, width: number, display: DisplayOptions = defaultDisplay): number {
  return messageLines(m, width, display).length;
}
