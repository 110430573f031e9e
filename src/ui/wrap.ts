/**
 * Grapheme- and East-Asian-width-aware measuring and wrapping of styled text for the timeline.
 *
 * Widths are measured per grapheme cluster (Intl.Segmenter, UAX #29) with string-width (UAX #11 East Asian Width,
 * emoji presentation), so a ZWJ family emoji counts once as 2 columns, a CJK ideograph as 2, and a base letter with
 * combining marks as 1. Ink measures the same way, so lines produced here never wrap again inside Ink.
 */
import stringWidth from 'string-width';
import type { Span } from '../core/model.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Splits text into grapheme clusters. */
export function graphemes(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text)) out.push(s.segment);
  return out;
}

const widthCache = new Map<string, number>();

/** Terminal columns one grapheme cluster occupies (0 for controls, 2 for wide and emoji clusters). */
export function graphemeWidth(g: string): number {
  if (g.length === 1) {
    const c = g.charCodeAt(0);
    if (c >= 0x20 && c < 0x7f) return 1;
  }
  let w = widthCache.get(g);
  if (w === undefined) {
    w = stringWidth(g);
    if (widthCache.size > 10_000) widthCache.clear();
    widthCache.set(g, w);
  }
  return w;
}

/** Terminal columns a plain string occupies. */
export function textWidth(text: string): number {
  let w = 0;
  // Fast path for printable ASCII, the common case for nicks and most chat.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  for (const g of graphemes(text)) w += graphemeWidth(g);
  return w;
}

/**
 * Cuts text to at most `width` columns, ending with `ellipsis` when something was cut. Never splits a grapheme.
 */
export function truncate(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  const ew = textWidth(ellipsis);
  if (ew > width) return '';
  let out = '';
  let w = 0;
  for (const g of graphemes(text)) {
    const gw = graphemeWidth(g);
    if (w + gw > width - ew) break;
    out += g;
    w += gw;
  }
  return out + ellipsis;
}

/** Pads (or truncates with an ellipsis) text to exactly `width` columns. */
export function fit(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - textWidth(t)));
}

/** A wrapped line: spans whose text together is at most the wrap width wide. */
export type Line<S extends Span = Span> = S[];

interface Piece<S extends Span> {
  g: string;
  w: number;
  span: S;
  space: boolean;
  newline: boolean;
}

/** Appends a grapheme to the line, merging it into the last span when the style is the same object. */
function push<S extends Span>(line: S[], p: Piece<S>): void {
  const last = line[line.length - 1];
  if (last && (last as { __src?: S }).__src === p.span) {
    last.text += p.g;
    return;
  }
  const copy = { ...p.span, text: p.g } as S;
  Object.defineProperty(copy, '__src', { value: p.span, enumerable: false });
  line.push(copy);
}

/**
 * Wraps styled spans into lines at most `width` columns wide.
 *
 * Breaks at whitespace where possible (the whitespace at a break is dropped), breaks hard inside words longer than a
 * line, and honours `\n` as a forced break. Every grapheme other than a dropped break is kept, in order, with its span's
 * style. A single grapheme wider than `width` (a CJK character on a 1-column line) gets a line of its own.
 */
export function wrapSpans<S extends Span>(spans: readonly S[], width: number): Line<S>[] {
  const w = Math.max(1, Math.floor(width));
  const pieces: Piece<S>[] = [];
  for (const span of spans) {
    for (const raw of graphemes(span.text)) {
      const g = raw === '\t' ? ' ' : raw;
      const newline = g === '\n' || g === '\r\n';
      const space = !newline && /^\s$/u.test(g);
      pieces.push({ g, w: newline ? 0 : graphemeWidth(g), span, space, newline });
    }
  }
  const lines: Line<S>[] = [];
  let line: S[] = [];
  let lineW = 0;
  const flush = (): void => {
    lines.push(line);
    line = [];
    lineW = 0;
  };
  let i = 0;
  while (i < pieces.length) {
    const p = pieces[i]!;
    if (p.newline) {
      flush();
      i++;
      continue;
    }
    if (p.space) {
      if (lineW + p.w <= w) {
        push(line, p);
        lineW += p.w;
        i++;
        continue;
      }
      // A space that does not fit is where the line breaks: drop the whole whitespace run.
      while (i < pieces.length && pieces[i]!.space) i++;
      flush();
      continue;
    }
    // A word: the run of non-space graphemes starting here.
    let j = i;
    let wordW = 0;
    while (j < pieces.length && !pieces[j]!.space && !pieces[j]!.newline) {
      wordW += pieces[j]!.w;
      j++;
    }
    if (lineW + wordW <= w) {
      for (let k = i; k < j; k++) push(line, pieces[k]!);
      lineW += wordW;
      i = j;
      continue;
    }
    if (wordW <= w && lineW > 0) {
      // Move the word to the next line; trailing spaces of this line stay (they fit).
      trimTrailingSpaces(line);
      flush();
      continue;
    }
    // Longer than a line: hard-break it, filling the current line first.
    for (let k = i; k < j; k++) {
      const q = pieces[k]!;
      if (lineW + q.w > w && lineW > 0) flush();
      push(line, q);
      lineW += q.w;
    }
    i = j;
  }
  if (line.length > 0 || lines.length === 0) flush();
  return lines;
}

function trimTrailingSpaces<S extends Span>(line: S[]): void {
  while (line.length > 0) {
    const last = line[line.length - 1]!;
    const trimmed = last.text.replace(/\s+$/u, '');
    if (trimmed.length > 0) {
      last.text = trimmed;
      return;
    }
    line.pop();
  }
}

/** Wraps plain text; see {@link wrapSpans}. */
export function wrapText(text: string, width: number): string[] {
  return wrapSpans([{ text }], width).map((l) => l.map((s) => s.text).join(''));
}

/** The display width of a wrapped line. */
export function lineWidth(line: readonly Span[]): number {
  let w = 0;
  for (const s of line) w += textWidth(s.text);
  return w;
}
