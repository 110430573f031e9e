/**
 * The timeline's window over a conversation: only a few pages of messages around the viewport are held in memory, and
 * they are paged in from the engine with cursors (`{sentAt, seq}` of the edge message) as the user scrolls.
 *
 * The scroll position is an anchor: the id of the message whose block holds the bottom row of the viewport plus how many
 * of that block's rows are hidden below it. Paging, trimming, new messages and re-wrapping at another width therefore
 * never move what the user is looking at. In follow mode the anchor is the newest message and new ones scroll in.
 */
import type { Message, PageCursor } from '../core/model.js';
import type { Block } from './timeline-layout.js';
import type { UiSpan } from './styles.js';
import type { Line } from './wrap.js';

/** The part of the EngineApi the window reads. */
export interface TimelineSource {
  messages(conversationId: string, options: { before?: PageCursor; after?: PageCursor; limit: number }): Message[];
}

export type LayoutFn = (messages: readonly Message[], atOldest: boolean) => Block[];

export interface Viewport {
  /** At most `height` rows, oldest first. Fewer when the conversation is shorter than the pane. */
  lines: Line<UiSpan>[];
  /** Stable keys for the rows (block key + row index). */
  keys: string[];
  /** Seq of the newest message with a visible row, if any. */
  lastVisibleSeq: number | undefined;
  /** The viewport shows the newest stored message at its bottom row (follow mode). */
  following: boolean;
  /** Messages that arrived while scrolled up. */
  newCount: number;
}

interface Anchor {
  id: string;
  sentAt: number;
  seq: number;
  below: number;
}

const cursorOf = (m: Message): PageCursor => ({ sentAt: m.sentAt, seq: m.seq });
/** A cursor just before `m`, so `after` it includes `m` (seqs are integers unique within a conversation). */
const justBefore = (m: Message): PageCursor => ({ sentAt: m.sentAt, seq: m.seq - 1 });
const oldestCursor: PageCursor = { sentAt: Number.MIN_SAFE_INTEGER, seq: Number.MIN_SAFE_INTEGER };
const later = (a: PageCursor, b: PageCursor): boolean => a.sentAt > b.sentAt || (a.sentAt === b.sentAt && a.seq > b.seq);

export class TimelineWindow {
  messages: Message[] = [];
  atOldest = false;
  atNewest = true;
  following = true;
  newCount = 0;
  private anchor: Anchor | undefined;
  private newestSeen: PageCursor | undefined;
  private blocksCache: { msgs: Message[]; layout: LayoutFn; oldest: boolean; blocks: Block[] } | undefined;

  constructor(
    private readonly source: TimelineSource,
    readonly conversationId: string,
    /** Messages per request; the window holds at most three pages. */
    public pageSize: number,
  ) {}

  get maxMessages(): number {
    return this.pageSize * 3;
  }

  private fetch(options: { before?: PageCursor; after?: PageCursor; limit: number }): Message[] {
    return this.source.messages(this.conversationId, options);
  }

  private noteNewest(): void {
    const last = this.messages[this.messages.length - 1];
    if (last && this.atNewest && (!this.newestSeen || later(cursorOf(last), this.newestSeen))) {
      this.newestSeen = cursorOf(last);
    }
  }

  /** Shows the newest page and follows new messages (End). */
  loadNewest(): void {
    this.messages = this.fetch({ limit: this.pageSize });
    this.atNewest = true;
    this.atOldest = this.messages.length < this.pageSize;
    this.following = true;
    this.anchor = undefined;
    this.newCount = 0;
    this.noteNewest();
  }

  /** Shows the oldest stored page with its first row at the top of the viewport (Home). */
  loadOldest(layout: LayoutFn, height: number): void {
    this.messages = this.fetch({ after: oldestCursor, limit: this.pageSize });
    this.atOldest = true;
    this.atNewest = this.messages.length < this.pageSize;
    this.noteNewest();
    const blocks = this.blocks(layout);
    const total = totalLines(blocks);
    this.setPos(blocks, Math.min(height, total));
    this.following = this.atNewest && Math.min(height, total) >= total;
    if (this.following) this.anchor = undefined;
  }

  /** Loads the messages around `target` with it at the bottom of the viewport (search results). */
  jumpTo(target: Message): void {
    const half = Math.max(1, Math.floor(this.pageSize / 2));
    const older = this.fetch({ before: cursorOf(target), limit: half });
    const newer = this.fetch({ after: justBefore(target), limit: half + 1 });
    this.messages = [...older, ...newer];
    this.atOldest = older.length < half;
    this.atNewest = newer.length < half + 1;
    this.noteNewest();
    this.following = false;
    this.anchor = { id: target.id, sentAt: target.sentAt, seq: target.seq, below: 0 };
  }

  /**
   * Opens the conversation at its first unread message (the first with a seq above `lastReadSeq` after the newest read
   * one). When the unread part is taller than the pane, the block holding the "── new ──" line becomes the top row and
   * follow mode is off until the user reaches the bottom (so mark-read waits for them); when it fits, this is
   * {@link loadNewest}. Looks back at most `maxPages` pages for a read message; past that the oldest unread looked at
   * is the target.
   */
  openAtUnread(lastReadSeq: number, layout: LayoutFn, height: number, maxPages = 100): void {
    this.loadNewest();
    // Walk back from the newest message: everything until the newest read one is unread; the last visited is the
    // first unread. Only the current page is held, so a long unread stretch costs requests, not memory.
    let page = this.messages;
    let target: Message | undefined;
    for (let pages = 0; page.length > 0 && pages < maxPages; pages++) {
      let reachedRead = false;
      for (let i = page.length - 1; i >= 0; i--) {
        if (page[i]!.seq <= lastReadSeq) {
          reachedRead = true;
          break;
        }
        target = page[i];
      }
      if (reachedRead || page.length < this.pageSize) break;
      page = this.fetch({ before: cursorOf(page[0]!), limit: this.pageSize });
    }
    if (!target) return;
    this.jumpTo(target);
    let blocks = this.blocks(layout);
    const startOf = (bs: Block[]): number => {
      let start = 0;
      for (const b of bs) {
        if (b.ids.includes(target.id)) return start;
        start += b.lines.length;
      }
      return start;
    };
    // Enough rows below the marker to fill the pane, or the newest message.
    while (!this.atNewest && startOf(blocks) + height > totalLines(blocks)) {
      if (this.appendNewer() === 0) break;
      blocks = this.blocks(layout);
    }
    const start = startOf(blocks);
    if (this.atNewest && start + height >= totalLines(blocks)) {
      this.loadNewest();
      return;
    }
    this.setPos(blocks, start + height);
    this.following = false;
    this.trim();
  }

  /** Lays out the window (memoized on the message array and layout function). */
  blocks(layout: LayoutFn): Block[] {
    const c = this.blocksCache;
    if (c && c.msgs === this.messages && c.layout === layout && c.oldest === this.atOldest) return c.blocks;
    const blocks = layout(this.messages, this.atOldest);
    this.blocksCache = { msgs: this.messages, layout, oldest: this.atOldest, blocks };
    return blocks;
  }

  /** The line position (exclusive end, from the window top) of the viewport's bottom row. */
  private pos(blocks: Block[]): number {
    const total = totalLines(blocks);
    if (this.following || !this.anchor) return total;
    const a = this.anchor;
    let idx = blocks.findIndex((b) => b.ids.includes(a.id));
    if (idx < 0) {
      // The anchor message left the window (deleted): use the last block at or before its place.
      idx = -1;
      for (let i = 0; i < blocks.length; i++) {
        const m = this.messages.find((x) => x.id === blocks[i]!.ids[0]);
        if (m && !later(cursorOf(m), a)) idx = i;
      }
      if (idx < 0) return Math.min(total, blocks[0]?.lines.length ?? 0);
    }
    let before = 0;
    for (let i = 0; i < idx; i++) before += blocks[i]!.lines.length;
    const h = blocks[idx]!.lines.length;
    return before + h - Math.min(a.below, h - 1);
  }

  private setPos(blocks: Block[], pos: number): void {
    let acc = 0;
    for (const b of blocks) {
      const h = b.lines.length;
      if (pos <= acc + h) {
        const id = b.ids[b.ids.length - 1]!;
        const m = this.messages.find((x) => x.id === id)!;
        this.anchor = { id, sentAt: m.sentAt, seq: m.seq, below: acc + h - pos };
        return;
      }
      acc += h;
    }
    this.anchor = undefined;
  }

  /** Prepends one older page; returns how many messages came. */
  private prependOlder(): number {
    const first = this.messages[0];
    if (!first) {
      this.atOldest = true;
      return 0;
    }
    const page = this.fetch({ before: cursorOf(first), limit: this.pageSize });
    if (page.length < this.pageSize) this.atOldest = true;
    if (page.length === 0) return 0;
    this.messages = [...page, ...this.messages];
    return page.length;
  }

  /** Appends one newer page; returns how many messages came. */
  private appendNewer(): number {
    const last = this.messages[this.messages.length - 1];
    if (!last) {
      this.atNewest = true;
      return 0;
    }
    const page = this.fetch({ after: cursorOf(last), limit: this.pageSize });
    if (page.length < this.pageSize) this.atNewest = true;
    if (page.length === 0) return 0;
    this.messages = [...this.messages, ...page];
    this.noteNewest();
    return page.length;
  }

  /** Drops messages far from the anchor so the window stays at most {@link maxMessages}. */
  private trim(): void {
    if (this.messages.length <= this.maxMessages) return;
    const ai = this.anchor ? this.messages.findIndex((m) => m.id === this.anchor!.id) : this.messages.length - 1;
    const keepBelow = this.pageSize;
    const keepAbove = this.maxMessages - keepBelow;
    const start = Math.max(0, Math.min(ai - keepAbove, this.messages.length - this.maxMessages));
    const end = Math.min(this.messages.length, Math.max(ai + keepBelow + 1, start + this.maxMessages));
    if (start > 0) this.atOldest = false;
    if (end < this.messages.length) {
      this.atNewest = false;
      this.following = false;
    }
    this.messages = this.messages.slice(start, end);
  }

  /**
   * Scrolls by `delta` rows: positive is up (older). Returns true when the scroll hit the oldest stored message, which
   * is when the caller should ask the server for older history.
   */
  scroll(delta: number, layout: LayoutFn, height: number): { hitTop: boolean } {
    if (delta === 0) return { hitTop: false };
    const margin = height;
    let blocks = this.blocks(layout);
    if (this.following) {
      this.setPos(blocks, totalLines(blocks));
      this.following = false;
    }
    if (delta > 0) {
      for (;;) {
        const target = this.pos(blocks) - delta;
        if (target - height >= margin || this.atOldest) break;
        if (this.prependOlder() === 0) break;
        blocks = this.blocks(layout);
      }
      const total = totalLines(blocks);
      const wanted = this.pos(blocks) - delta;
      const floor = Math.min(height, total);
      const target = Math.max(wanted, floor);
      this.setPos(blocks, target);
      this.trim();
      this.following = false;
      return { hitTop: this.atOldest && wanted <= floor };
    }
    for (;;) {
      const target = this.pos(blocks) - delta;
      if (target + margin <= totalLines(blocks) || this.atNewest) break;
      if (this.appendNewer() === 0) break;
      blocks = this.blocks(layout);
    }
    const total = totalLines(blocks);
    const target = this.pos(blocks) - delta;
    if (target >= total && this.atNewest) {
      this.following = true;
      this.anchor = undefined;
      this.newCount = 0;
    } else {
      this.setPos(blocks, Math.min(target, total));
    }
    this.trim();
    return { hitTop: false };
  }

  /** The newest message that can be selected (not a join/part line), paging older ones in when the window has none. */
  newestSelectable(): Message | undefined {
    if (!this.atNewest || !this.following) this.loadNewest();
    for (;;) {
      for (let i = this.messages.length - 1; i >= 0; i--) if (selectable(this.messages[i]!)) return this.messages[i];
      if (this.atOldest || this.prependOlder() === 0) return undefined;
    }
  }

  /**
   * The selectable message `delta` steps from `id` (negative is older), paging in older or newer messages at the
   * window's edges; undefined past the oldest or newest stored message.
   */
  step(id: string, delta: -1 | 1): Message | undefined {
    let i = this.messages.findIndex((m) => m.id === id);
    if (i < 0) return undefined;
    for (;;) {
      i += delta;
      if (i < 0) {
        if (this.atOldest) return undefined;
        const n = this.prependOlder();
        if (n === 0) return undefined;
        i += n;
      } else if (i >= this.messages.length) {
        if (this.atNewest || this.appendNewer() === 0) return undefined;
      }
      const m = this.messages[i]!;
      if (selectable(m)) return m;
    }
  }

  /** Scrolls just enough that the block holding message `id` is inside a viewport `height` rows tall. */
  reveal(id: string, layout: LayoutFn, height: number): void {
    const blocks = this.blocks(layout);
    let start = 0;
    let block: Block | undefined;
    for (const b of blocks) {
      if (b.ids.includes(id)) {
        block = b;
        break;
      }
      start += b.lines.length;
    }
    if (!block) return;
    const end = start + block.lines.length;
    const pos = this.pos(blocks);
    const top = pos - height;
    if (end > pos) {
      this.following = false;
      this.setPos(blocks, end);
    } else if (start < top) {
      this.following = false;
      this.setPos(blocks, Math.min(start + height, totalLines(blocks)));
    } else {
      return;
    }
    if (this.atNewest && this.pos(blocks) >= totalLines(blocks)) {
      this.following = true;
      this.anchor = undefined;
      this.newCount = 0;
    }
  }

  /**
   * Re-reads the window after the engine said this timeline changed. In follow mode the newest page is shown; when
   * scrolled up the same range is re-read (edits, deliveries) and newer arrivals only count towards the hint.
   */
  refresh(): void {
    if (this.following) {
      this.loadNewest();
      return;
    }
    const first = this.messages[0];
    if (!first) {
      this.loadNewest();
      return;
    }
    const last = this.messages[this.messages.length - 1]!;
    const page = this.fetch({ after: justBefore(first), limit: this.messages.length + this.pageSize });
    const lastCursor = cursorOf(last);
    const inRange = page.filter((m) => !later(cursorOf(m), lastCursor));
    const arrived = this.newestSeen ? this.fetch({ after: this.newestSeen, limit: 100 }) : [];
    if (arrived.length > 0) {
      this.newCount += arrived.length;
      this.newestSeen = cursorOf(arrived[arrived.length - 1]!);
    }
    const limit = this.messages.length + this.pageSize;
    this.messages = this.atNewest ? page : inRange;
    if (this.atNewest && page.length >= limit) this.atNewest = false;
    if (this.atOldest) this.atOldest = this.fetch({ before: cursorOf(this.messages[0] ?? first), limit: 1 }).length === 0;
    this.trim();
  }

  /** The rows to draw for a pane `height` rows tall. Pages older messages in when the window is too short. */
  viewport(layout: LayoutFn, height: number): Viewport {
    let blocks = this.blocks(layout);
    // Make sure a full pane of rows exists above the bottom row (first open, or after a resize to a taller pane).
    while (!this.atOldest && this.pos(blocks) < height) {
      if (this.prependOlder() === 0) break;
      blocks = this.blocks(layout);
    }
    const pos = this.pos(blocks);
    const top = Math.max(0, pos - height);
    const lines: Line<UiSpan>[] = [];
    const keys: string[] = [];
    let acc = 0;
    let lastVisibleSeq: number | undefined;
    for (const b of blocks) {
      const h = b.lines.length;
      if (acc + h > top && acc < pos) {
        for (let r = Math.max(0, top - acc); r < Math.min(h, pos - acc); r++) {
          lines.push(b.lines[r]!);
          keys.push(`${b.key}#${r}`);
        }
        lastVisibleSeq = b.lastSeq;
      }
      acc += h;
      if (acc >= pos) break;
    }
    return { lines, keys, lastVisibleSeq, following: this.following, newCount: this.newCount };
  }
}

/** Messages the timeline selection can stop on: everything but join/part/topic event lines. */
export function selectable(m: Message): boolean {
  return m.kind !== 'event';
}

function totalLines(blocks: readonly Block[]): number {
  let n = 0;
  for (const b of blocks) n += b.lines.length;
  return n;
}
