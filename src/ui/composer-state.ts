/**
 * The composer's text editing as pure functions over `{text, cursor}` (cursor is a UTF-16 index that always sits on a
 * grapheme boundary, so a family emoji or an accented letter is deleted and stepped over as one character).
 */
import { graphemes } from './wrap.js';

export interface EditorState {
  text: string;
  cursor: number;
}

export const emptyEditor: EditorState = { text: '', cursor: 0 };

/** Index of the grapheme boundary before `at`. */
function prevBoundary(text: string, at: number): number {
  let i = 0;
  let prev = 0;
  for (const g of graphemes(text)) {
    if (i >= at) break;
    prev = i;
    i += g.length;
  }
  return prev;
}

/** Index of the grapheme boundary after `at`. */
function nextBoundary(text: string, at: number): number {
  let i = 0;
  for (const g of graphemes(text)) {
    if (i >= at) return i + g.length;
    i += g.length;
  }
  return text.length;
}

export function insert(s: EditorState, text: string): EditorState {
  return { text: s.text.slice(0, s.cursor) + text + s.text.slice(s.cursor), cursor: s.cursor + text.length };
}

export function deleteBack(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  const p = prevBoundary(s.text, s.cursor);
  return { text: s.text.slice(0, p) + s.text.slice(s.cursor), cursor: p };
}

export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  const n = nextBoundary(s.text, s.cursor);
  return { text: s.text.slice(0, s.cursor) + s.text.slice(n), cursor: s.cursor };
}

export function left(s: EditorState): EditorState {
  return s.cursor === 0 ? s : { ...s, cursor: prevBoundary(s.text, s.cursor) };
}

export function right(s: EditorState): EditorState {
  return s.cursor >= s.text.length ? s : { ...s, cursor: nextBoundary(s.text, s.cursor) };
}

function lineBounds(text: string, cursor: number): { start: number; end: number } {
  const start = text.lastIndexOf('\n', cursor - 1) + 1;
  const nl = text.indexOf('\n', cursor);
  return { start, end: nl < 0 ? text.length : nl };
}

export function lineStart(s: EditorState): EditorState {
  return { ...s, cursor: lineBounds(s.text, s.cursor).start };
}

export function lineEnd(s: EditorState): EditorState {
  return { ...s, cursor: lineBounds(s.text, s.cursor).end };
}

/** Deletes the word (and the spaces after it) before the cursor, like Ctrl-W in a shell. */
export function deleteWord(s: EditorState): EditorState {
  const before = s.text.slice(0, s.cursor);
  const m = /\S*\s*$/.exec(before);
  const cut = m && m[0].length > 0 ? m[0].length : Math.min(1, before.length);
  return { text: before.slice(0, before.length - cut) + s.text.slice(s.cursor), cursor: s.cursor - cut };
}

/** Deletes from the start of the line to the cursor (Ctrl-U). */
export function killLine(s: EditorState): EditorState {
  const { start } = lineBounds(s.text, s.cursor);
  return { text: s.text.slice(0, start) + s.text.slice(s.cursor), cursor: start };
}

/** Deletes the whole line the cursor is on, its line break included (vim's dd). */
export function deleteLine(s: EditorState): EditorState {
  const { start, end } = lineBounds(s.text, s.cursor);
  const from = end < s.text.length ? start : Math.max(0, start - 1);
  const to = end < s.text.length ? end + 1 : end;
  const text = s.text.slice(0, from) + s.text.slice(to);
  return { text, cursor: Math.min(from, text.length) };
}

export function isOnFirstLine(s: EditorState): boolean {
  return s.text.lastIndexOf('\n', s.cursor - 1) < 0;
}

export function isOnLastLine(s: EditorState): boolean {
  return s.text.indexOf('\n', s.cursor) < 0;
}

/** Moves the cursor one line up or down keeping the column (in graphemes) where the target line is long enough. */
export function verticalMove(s: EditorState, dir: -1 | 1): EditorState {
  const { start, end } = lineBounds(s.text, s.cursor);
  const col = graphemes(s.text.slice(start, s.cursor)).length;
  let tStart: number;
  let tEnd: number;
  if (dir < 0) {
    if (start === 0) return s;
    tEnd = start - 1;
    tStart = s.text.lastIndexOf('\n', tEnd - 1) + 1;
  } else {
    if (end >= s.text.length) return s;
    tStart = end + 1;
    const nl = s.text.indexOf('\n', tStart);
    tEnd = nl < 0 ? s.text.length : nl;
  }
  let cursor = tStart;
  let n = 0;
  for (const g of graphemes(s.text.slice(tStart, tEnd))) {
    if (n >= col) break;
    cursor += g.length;
    n++;
  }
  return { ...s, cursor };
}
