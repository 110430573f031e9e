/**
 * Groups the messages of the timeline window into blocks of display lines: one block per message, or one per run of
 * collapsed join/part/quit lines. Date separators and the "── new ──" unread line ride at the top of the block they
 * introduce, so the scroll anchor (a message id) always points into a block.
 */
import type { Message } from '../core/model.js';
import { messageLines } from './message-lines.js';
import type { UiSpan } from './styles.js';
import { dayKey, dayLabel, defaultDisplay, stamp, type DisplayOptions } from './time-format.js';
import { truncate, type Line } from './wrap.js';

export interface Block {
  /** Stable React key. */
  key: string;
  /** Ids of the messages the block shows, oldest first. */
  ids: string[];
  firstSeq: number;
  lastSeq: number;
  lines: Line<UiSpan>[];
}

export interface LayoutOptions {
  width: number;
  /** Show the "── new ──" line before the first message whose seq is above this. */
  unreadAfterSeq?: number;
  /** Show join/part/quit lines one by one instead of as one summary line. */
  expandEvents: boolean;
  /** The window starts at the first message of the conversation (so the first day gets its separator). */
  atOldest: boolean;
  display?: DisplayOptions;
  /** Own name on the account, so the user's own reactions stand out. */
  self?: string;
  /** The message selected in the timeline (Up in an empty composer): its rows are drawn highlighted. */
  selectedId?: string;
}

/** The rows of a selected message, inverted (new arrays: the cached lines stay as they are). */
function highlighted(lines: Line<UiSpan>[]): Line<UiSpan>[] {
  return lines.map((l) => (l.length === 0 ? [{ text: ' ', inverse: true }] : l.map((s) => ({ ...s, inverse: true, dim: false }))));
}

type Membership = 'join' | 'leave';

/**
 * The membership change an IRC event line records, read from `ext.ircEvent` (a string such as `join`, or an object
 * with a `type`), so other protocols' events never collapse by accident.
 */
export function membershipOf(m: Message): Membership | undefined {
  if (m.kind !== 'event') return undefined;
  const e = m.ext?.['ircEvent'];
  const t =
    typeof e === 'string'
      ? e
      : e && typeof e === 'object' && typeof (e as { type?: unknown }).type === 'string'
        ? (e as { type: string }).type
        : undefined;
  if (t === undefined) return undefined;
  const lower = t.toLowerCase();
  if (lower === 'join') return 'join';
  if (lower === 'part' || lower === 'quit' || lower === 'kick') return 'leave';
  return undefined;
}

const separators = new Map<string, UiSpan[]>();

/** A `──── label ────` line; cached, since every layout of the window draws the same few. */
function separator(label: string, width: number, color: string): UiSpan[] {
  const key = `${label}\u0000${width}\u0000${color}`;
  let line = separators.get(key);
  if (!line) {
    if (separators.size > 500) separators.clear();
    line = makeSeparator(label, width, color);
    separators.set(key, line);
  }
  return line;
}

function makeSeparator(label: string, width: number, color: string): UiSpan[] {
  const text = ` ${label} `;
  const side = Math.max(2, Math.floor((width - text.length) / 2));
  return [{ text: truncate('─'.repeat(side) + text + '─'.repeat(side), width, ''), fg: color, dim: color === 'gray' }];
}

/** "3 joined, 1 left: alice, bob, carol, dave", one line, for a run of membership events. */
function summaryLine(run: Message[], width: number, display: DisplayOptions): Line<UiSpan> {
  let joined = 0;
  let left = 0;
  const names: string[] = [];
  for (const m of run) {
    if (membershipOf(m) === 'join') joined++;
    else left++;
    // A kick's sender is the kicker; the one who left is `ext.target` (adapters/irc/events/membership.ts).
    const target = m.ext?.['target'];
    const n = m.ext?.['ircEvent'] === 'kick' && typeof target === 'string' ? target : m.senderName || m.senderId;
    if (!names.includes(n)) names.push(n);
  }
  const parts: string[] = [];
  if (joined) parts.push(`${joined} joined`);
  if (left) parts.push(`${left} left`);
  const time = stamp(run[run.length - 1]!.sentAt, display);
  const text = truncate(`${time ? `${time} ` : ''}-- ${parts.join(', ')}: ${names.join(', ')}`, width);
  return [{ text, dim: true }];
}

export function layoutTimeline(messages: readonly Message[], opts: LayoutOptions): Block[] {
  const display = opts.display ?? defaultDisplay;
  const blocks: Block[] = [];
  let unreadShown = false;
  let i = 0;
  while (i < messages.length) {
    const m = messages[i]!;
    const prev = i > 0 ? messages[i - 1] : undefined;
    const head: Line<UiSpan>[] = [];
    if (prev ? dayKey(prev.sentAt) !== dayKey(m.sentAt) : opts.atOldest) {
      head.push(separator(dayLabel(m.sentAt), opts.width, 'gray'));
    }
    if (!unreadShown && opts.unreadAfterSeq !== undefined && m.seq > opts.unreadAfterSeq) {
      unreadShown = true;
      // The marker only means something when there is read history above it in the window.
      if (i > 0) head.push(separator('new', opts.width, 'red'));
    }
    let j = i + 1;
    if (!opts.expandEvents && membershipOf(m)) {
      while (j < messages.length && membershipOf(messages[j]!) && dayKey(messages[j]!.sentAt) === dayKey(m.sentAt)) {
        if (!unreadShown && opts.unreadAfterSeq !== undefined && messages[j]!.seq > opts.unreadAfterSeq) break;
        j++;
      }
    }
    if (j - i >= 2) {
      const run = messages.slice(i, j);
      blocks.push({
        key: `events:${m.id}`,
        ids: run.map((x) => x.id),
        firstSeq: m.seq,
        lastSeq: run[run.length - 1]!.seq,
        lines: [...head, summaryLine(run, opts.width, display)],
      });
    } else {
      j = i + 1;
      let body = messageLines(m, opts.width, display, opts.self);
      if (m.id === opts.selectedId) body = highlighted(body);
      blocks.push({ key: m.id, ids: [m.id], firstSeq: m.seq, lastSeq: m.seq, lines: head.length ? [...head, ...body] : body });
    }
    i = j;
  }
  return blocks;
}
