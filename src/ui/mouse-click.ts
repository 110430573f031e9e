/**
 * What a left click (a `click` press from terminal-input.ts) hits on the screen: a sidebar row, or a link in a timeline
 * row. Pure functions over the same layout Screen.tsx draws, so the hit test cannot drift from the frame; opening a
 * link goes through the /open machinery (open-target.ts: the same safety check, the same `[ui] open_command`).
 */
import { sanitizeText } from '../core/sanitize.js';
import type { Span } from '../core/model.js';
import { openArgument, spawnOpener } from './open-target.js';
import { textWidth } from './wrap.js';

/** The screen's panes for a hit test (0-based rows and columns). */
export interface ClickLayout {
  /** 0 when the sidebar is hidden. */
  sidebarWidth: number;
  /** Rows of the sidebar and of the body (header, timeline, composer). */
  bodyHeight: number;
  /** First column of the main pane. */
  mainLeft: number;
  /** First row and height of the timeline (below the header). */
  timelineTop: number;
  timelineHeight: number;
}

export type ClickTarget =
  | { pane: 'sidebar'; row: number }
  | { pane: 'timeline'; row: number; column: number }
  | { pane: 'other' };

/** Where a click at the 1-based cell (x, y) of a report lands. */
export function clickTarget(x: number, y: number, layout: ClickLayout): ClickTarget {
  const col = x - 1;
  const row = y - 1;
  if (row < 0 || row >= layout.bodyHeight) return { pane: 'other' };
  if (layout.sidebarWidth > 0 && col < layout.sidebarWidth) return { pane: 'sidebar', row };
  const t = row - layout.timelineTop;
  if (col >= layout.mainLeft && t >= 0 && t < layout.timelineHeight) return { pane: 'timeline', row: t, column: col - layout.mainLeft };
  return { pane: 'other' };
}

/**
 * The link of a timeline row a click opens: the link span under the column, else the row's first link (a row is
 * narrow; aiming at a URL split across rows should still work); undefined when the row has none.
 */
export function linkAt(line: readonly Span[], column: number): string | undefined {
  let at = 0;
  let first: string | undefined;
  for (const s of line) {
    const w = textWidth(s.text);
    if (s.href !== undefined) {
      if (column >= at && column < at + w) return s.href;
      first ??= s.href;
    }
    at += w;
  }
  return first;
}

/** Opens a link with `[ui] open_command` as /open does; resolves to the status text, rejects with a plain-words Error. */
export async function openLink(url: string, argv: readonly string[]): Promise<string> {
  const a = openArgument({ kind: 'link', url });
  if (!('arg' in a)) throw new Error('error' in a ? a.error : 'nothing to open');
  await spawnOpener(argv, a.arg);
  return `opened ${sanitizeText(a.arg)}`;
}
