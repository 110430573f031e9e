/**
 * The timeline of the selected conversation as a {@link TimelineWindow}: opens the newest page when the conversation
 * changes (or, when its unread messages are taller than the pane, the "── new ──" line at the top), re-reads when the
 * engine reports a change to this timeline (and only then), lays out at the current width, and exposes the scroll
 * commands. While following the bottom it sends a debounced `mark-read` for the newest visible message; scrolling past
 * the oldest stored message sends `load-older`.
 */
import { useCallback, useMemo, useRef, useState, useEffect } from 'react';
import type { ActionResult } from '../core/actions.js';
import type { Message } from '../core/model.js';
import { useEngineContext } from './EngineContext.js';
import { useEngineConversation } from './useEngineConversations.js';
import { useTimelineVersion } from './useEngineStatus.js';
import { layoutTimeline } from './timeline-layout.js';
import type { DisplayOptions } from './time-format.js';
import { TimelineWindow, type LayoutFn, type Viewport } from './timeline-window.js';

export interface TimelineControls {
  view: Viewport;
  pageUp(): void;
  pageDown(): void;
  /** Positive scrolls up (older). */
  scrollBy(lines: number): void;
  oldest(): void;
  newest(): void;
  jumpTo(message: Message): void;
  /** Selection: the newest selectable message (scrolls to the bottom), or undefined when there is none. */
  selectNewest(): Message | undefined;
  /** Selection: the selectable message next to `id` (negative is older), scrolled into view; undefined at the ends. */
  step(id: string, delta: -1 | 1): Message | undefined;
  /** The message with this id if the window holds it (fresh from the last read). */
  find(id: string): Message | undefined;
}

/** How long the view must rest at the bottom before the conversation is marked read. */
export const markReadDelayMs = 250;

const emptyView: Viewport = { lines: [], keys: [], lastVisibleSeq: undefined, following: true, newCount: 0 };

export function useTimelineWindow(
  conversationId: string | undefined,
  width: number,
  height: number,
  options: {
    expandEvents: boolean;
    display: DisplayOptions;
    onResult?: (result: ActionResult) => void;
    /** The selected message, drawn highlighted. */
    selectedId?: string;
    /** Own name on the account (own reactions stand out). */
    self?: string;
  },
): TimelineControls {
  const { engine } = useEngineContext();
  const conversation = useEngineConversation(conversationId);
  const version = useTimelineVersion(conversationId);
  const [tick, setTick] = useState(0);
  const rerender = useCallback(() => setTick((t) => t + 1), []);
  const pageSize = Math.max(20, Math.min(200, height * 2));

  const state = useRef<{ win?: TimelineWindow; version: number; unreadAfterSeq?: number; olderAsked: boolean; openAtUnread?: boolean }>({
    version: -1,
    olderAsked: false,
  });
  const s = state.current;
  if (conversationId && (!s.win || s.win.conversationId !== conversationId)) {
    s.win = new TimelineWindow(engine, conversationId, pageSize);
    s.win.loadNewest();
    s.version = version;
    s.olderAsked = false;
    // The unread line stays where it was when the conversation was opened, even after mark-read moves lastReadSeq.
    s.unreadAfterSeq = conversation && conversation.unread > 0 ? conversation.lastReadSeq : undefined;
    // Positioned at the unread line once the layout for this width exists (below).
    s.openAtUnread = s.unreadAfterSeq !== undefined;
  } else if (!conversationId) {
    s.win = undefined;
  }
  const win = s.win;
  if (win) {
    win.pageSize = pageSize;
    if (s.version !== version) {
      s.version = version;
      s.olderAsked = false;
      win.refresh();
    }
  }

  const unreadAfterSeq = s.unreadAfterSeq;
  const { expandEvents, display, selectedId, self } = options;
  const layout: LayoutFn = useMemo(
    () => (msgs, atOldest) =>
      layoutTimeline(msgs, { width, unreadAfterSeq, expandEvents, atOldest, display, selectedId, self }),
    [width, unreadAfterSeq, expandEvents, display, selectedId, self],
  );
  if (win && s.openAtUnread && unreadAfterSeq !== undefined) {
    s.openAtUnread = false;
    win.openAtUnread(unreadAfterSeq, layout, height);
  }
  // The same view object until something moved (a scroll, a change of this timeline, a resize), so the memoized
  // Timeline skips rendering on keystrokes in the composer.
  const view = useMemo(
    () => (win ? win.viewport(layout, height) : emptyView),
    [win, layout, height, tick, version],
  );

  const onResult = options.onResult;
  const askOlder = useCallback(() => {
    if (!conversationId || state.current.olderAsked) return;
    state.current.olderAsked = true;
    void engine.dispatch({ type: 'load-older', conversationId }).then((r) => {
      if (!r.ok || r.info) onResult?.(r);
    });
  }, [engine, conversationId, onResult]);

  const scrollBy = useCallback(
    (lines: number) => {
      const w = state.current.win;
      if (!w) return;
      const { hitTop } = w.scroll(lines, layout, height);
      if (hitTop) askOlder();
      rerender();
    },
    [layout, height, askOlder, rerender],
  );

  // Mark read when resting at the bottom: debounced so paging through does not send a burst of receipts.
  const lastVisibleSeq = view.lastVisibleSeq;
  const following = view.following;
  const lastReadSeq = conversation?.lastReadSeq;
  const marked = useRef<{ id?: string; seq: number }>({ seq: -1 });
  useEffect(() => {
    if (!conversationId || !following || lastVisibleSeq === undefined) return;
    if (lastReadSeq !== undefined && lastVisibleSeq <= lastReadSeq) return;
    if (marked.current.id === conversationId && marked.current.seq >= lastVisibleSeq) return;
    const timer = setTimeout(() => {
      marked.current = { id: conversationId, seq: lastVisibleSeq };
      void engine.dispatch({ type: 'mark-read', conversationId, seq: lastVisibleSeq }).then((r) => {
        if (!r.ok) onResult?.(r);
      });
    }, markReadDelayMs);
    return () => clearTimeout(timer);
  }, [engine, conversationId, following, lastVisibleSeq, lastReadSeq, onResult]);

  const page = Math.max(1, height - 2);
  return {
    view,
    scrollBy,
    pageUp: () => scrollBy(page),
    pageDown: () => scrollBy(-page),
    oldest: () => {
      if (!win) return;
      win.loadOldest(layout, height);
      // Home shows the oldest stored message; anything older has to come from the server.
      askOlder();
      rerender();
    },
    newest: () => {
      if (!win) return;
      win.loadNewest();
      rerender();
    },
    jumpTo: (message) => {
      if (!win || message.conversationId !== win.conversationId) return;
      win.jumpTo(message);
      rerender();
    },
    selectNewest: () => {
      const m = win?.newestSelectable();
      rerender();
      return m;
    },
    step: (id, delta) => {
      if (!win) return undefined;
      const m = win.step(id, delta);
      // Reveal with the layout that will draw the new selection, so its highlighted rows are the ones in view.
      if (m) {
        win.reveal(m.id, (msgs, atOldest) =>
          layoutTimeline(msgs, { width, unreadAfterSeq, expandEvents, atOldest, display, selectedId: m.id, self }), height);
        rerender();
      }
      return m;
    },
    find: (id) => win?.messages.find((m) => m.id === id),
  };
}
