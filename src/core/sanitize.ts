/**
 * The terminal sanitizer (design.md §3). Every piece of remote text — bodies, nicks, topics, room names, file names,
 * server error strings — passes through here before it is stored or reaches Ink, so that nothing a remote party sends
 * can drive the user's terminal.
 *
 * What it does, in one pass over UTF-16 code units:
 * - Removes escape sequences whole (ECMA-48 §5.3–5.6, xterm ctlseqs): CSI `ESC [ P… I… F`, the control strings OSC
 *   `ESC ]`, DCS `ESC P`, APC `ESC _`, PM `ESC ^`, SOS `ESC X` up to BEL or ST (`ESC \` or U+009C), two-character
 *   sequences `ESC I… F`, and the 8-bit C1 introducers U+009B (CSI), U+009D (OSC), U+0090 (DCS), U+009F (APC),
 *   U+009E (PM), U+0098 (SOS). An unterminated control string swallows the rest of the input; a truncated CSI or
 *   two-character sequence is dropped as far as it got. No partial sequence is ever left behind.
 * - Shows other controls as visible placeholders: C0 as Unicode Control Pictures (U+2400 + code, so NUL → "␀",
 *   BEL → "␇", BS → "␈", a lone ESC → "␛"), DEL → "␡", C1 (which has no pictures) → "⍰".
 * - Tab becomes {@link TAB_SPACES}; CR is removed (so `safe\rEVIL` cannot overwrite "safe").
 * - Newlines (LF, U+2028, U+2029) stay as "\n" in multiline mode and become a visible " ⏎ " in single-line mode.
 * - Removes the bidi embedding/override/isolate controls U+202A–U+202E, U+2066–U+2069 and the marks U+200E, U+200F,
 *   U+061C (Trojan Source, CVE-2021-42574: they reorder what the user sees versus what was sent).
 * - Replaces lone surrogates with U+FFFD.
 * Everything else (CJK, emoji with ZWJ and variation selectors, combining marks, RTL letters) passes unchanged.
 */
import type { Span } from './model.js';

export interface SanitizeOptions {
  /** Keep line breaks as "\n" (message bodies). Without it, each line break becomes " ⏎ " (nicks, topics, titles). */
  multiline?: boolean;
}

/** What a tab turns into: the terminal would move to a tab stop we cannot know, so a fixed run of spaces. */
export const TAB_SPACES = '    ';
/** Shown for a line break in single-line mode. */
export const NEWLINE_MARK = ' \u23ce ';
/** Shown for C1 controls, which have no Control Picture of their own. */
export const C1_PLACEHOLDER = '\u2370';
/** Shown for DEL (0x7f). */
export const DEL_PLACEHOLDER = '\u2421';

const ESC = 0x1b;
const BEL = 0x07;
const ST8 = 0x9c;

/** C1 introducers of control strings (terminated by BEL/ST): DCS, SOS, OSC, PM, APC. */
const C1_STRING_INTRODUCERS = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
/** Second byte after ESC that opens a control string: DCS `P`, SOS `X`, OSC `]`, PM `^`, APC `_`. */
const ESC_STRING_INTRODUCERS = new Set([0x50, 0x58, 0x5d, 0x5e, 0x5f]);

function isBidiControl(c: number): boolean {
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f || c === 0x061c;
}

/** True for code units that pass through unchanged (surrogates are judged separately, in pairs). */
function isPlain(c: number): boolean {
  if (c < 0x20) return false;
  if (c < 0x7f) return true;
  if (c <= 0x9f) return false; // DEL and C1
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c === 0x2028 || c === 0x2029) return false;
  return !isBidiControl(c);
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Receives the output in order. `verbatim` pieces are exactly `input.slice(from, to)` (and may be split further);
 * other pieces are replacements standing for the input at `from`.
 */
type Emit = (piece: string, from: number, to: number, verbatim: boolean) => void;

/** Index just past a CSI body starting at `i` (after `ESC [` or U+009B); see ECMA-48 §5.4. */
function skipCsi(s: string, i: number): number {
  const n = s.length;
  // Parameter bytes 0x30–0x3F and intermediate bytes 0x20–0x2F, then one final byte 0x40–0x7E.
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x3f) i++;
    else if (c >= 0x40 && c <= 0x7e) return i + 1;
    else return i; // malformed or truncated: drop what we consumed; the odd character is judged on its own
  }
  return i;
}

/**
 * Index just past a control string body starting at `i`: up to and including BEL, U+009C or `ESC \`. Another ESC
 * ends the string without being consumed (xterm cancels the string there and starts a new sequence). Without a
 * terminator the string runs to the end of the input.
 */
function skipControlString(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === BEL || c === ST8) return i + 1;
    if (c === ESC) return s.charCodeAt(i + 1) === 0x5c ? i + 2 : i;
    i++;
  }
  return n;
}

function scan(s: string, multiline: boolean, emit: Emit): void {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isPlain(c) || (isHigh(c) && isLow(s.charCodeAt(i + 1)))) {
      // A run of text that needs nothing: copy it in one slice.
      let j = i;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (isPlain(d)) j++;
        else if (isHigh(d) && isLow(s.charCodeAt(j + 1))) j += 2;
        else break;
      }
      emit(s.slice(i, j), i, j, true);
      i = j;
      continue;
    }
    if (c === ESC) {
      const next = s.charCodeAt(i + 1); // NaN at the end
      if (next === 0x5b) i = skipCsi(s, i + 2);
      else if (ESC_STRING_INTRODUCERS.has(next)) i = skipControlString(s, i + 2);
      else if (next >= 0x20 && next <= 0x7e) {
        // nF/Fp/Fe/Fs escape sequences: ESC, intermediates 0x20–0x2F, final 0x30–0x7E (ECMA-35 §13.2).
        let j = i + 1;
        while (j < n && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++;
        const f = s.charCodeAt(j);
        i = f >= 0x30 && f <= 0x7e ? j + 1 : j;
      } else {
        emit('\u241b', i, i + 1, false); // a lone ESC: visible, harmless
        i++;
      }
      continue;
    }
    if (c === 0x9b) {
      i = skipCsi(s, i + 1);
      continue;
    }
    if (C1_STRING_INTRODUCERS.has(c)) {
      i = skipControlString(s, i + 1);
      continue;
    }
    if (c === 0x0a || c === 0x2028 || c === 0x2029) {
      if (multiline) emit('\n', i, i + 1, c === 0x0a);
      else emit(NEWLINE_MARK, i, i + 1, false);
    } else if (c === 0x0d) {
      // CR is dropped: a bare CR would return the cursor and let the rest overwrite the line.
    } else if (c === 0x09) emit(TAB_SPACES, i, i + 1, false);
    else if (c < 0x20) emit(String.fromCharCode(0x2400 + c), i, i + 1, false);
    else if (c === 0x7f) emit(DEL_PLACEHOLDER, i, i + 1, false);
    else if (c >= 0x80 && c <= 0x9f) emit(C1_PLACEHOLDER, i, i + 1, false);
    else if (c >= 0xd800 && c <= 0xdfff) emit('\ufffd', i, i + 1, false); // lone surrogate (pairs were handled above)
    // else: a bidi control, removed
    i++;
  }
}

/**
 * Makes remote text safe to print. The result always satisfies {@link isSafeForTerminal}; the function never throws.
 * Single-line mode is the default (nicks, topics, titles); pass `{ multiline: true }` for message bodies.
 */
export function sanitizeText(input: string, options?: SanitizeOptions): string {
  const out: string[] = [];
  scan(input, options?.multiline ?? false, (piece) => out.push(piece));
  return out.join('');
}

/** URL schemes a link span may carry; anything else (javascript:, file:, data:, relative links) loses its href. */
export const ALLOWED_HREF_SCHEMES: readonly string[] = ['http', 'https', 'mailto', 'xmpp', 'irc', 'ircs', 'geo'];
/** Longer link targets are dropped: terminals cap OSC 8 URIs, and nobody reads one that long. */
export const MAX_HREF_LENGTH = 4096;

/**
 * A link target fit to print inside an OSC 8 sequence, or undefined. Allowed schemes only; everything outside
 * printable ASCII (controls, spaces, bidi marks, non-ASCII) is percent-encoded as UTF-8, so the href can neither end
 * the escape sequence early nor look different from what it points to.
 */
export function sanitizeHref(href: string): string | undefined {
  const trimmed = href.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined || !ALLOWED_HREF_SCHEMES.includes(scheme)) return undefined;
  let out = '';
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) {
      out += trimmed[i];
      continue;
    }
    let ch = trimmed[i]!;
    if (isHigh(c) && isLow(trimmed.charCodeAt(i + 1))) ch = trimmed.slice(i, ++i + 1);
    else if (c >= 0xd800 && c <= 0xdfff) return undefined; // a lone surrogate: not a real link
    out += encodeURIComponent(ch);
  }
  return out.length > MAX_HREF_LENGTH ? undefined : out;
}

/** Colours a span may carry (model.ts): a palette index 0–15 or `#rrggbb`. Anything else is dropped. */
const COLOUR = /^(?:[0-9]|1[0-5]|#[0-9a-fA-F]{6})$/;

/**
 * Sanitizes styled runs. The texts are sanitized as one string and the result cut back at the span boundaries, so
 * the joined span texts always equal `sanitizeText(joined input texts, options)` — the same as the message body — even
 * when an escape sequence straddles two spans. Spans left empty are dropped; hrefs go through {@link sanitizeHref};
 * colours that are not 0–15 or `#rrggbb` are dropped. Multiline by default, since spans style message bodies.
 */
export function sanitizeSpans(spans: Span[], options: SanitizeOptions = { multiline: true }): Span[] {
  const joined = spans.map((s) => s.text).join('');
  // ends[k] = index in `joined` just past span k's text.
  const ends: number[] = [];
  let acc = 0;
  for (const s of spans) ends.push((acc += s.text.length));
  const texts: string[][] = spans.map(() => []);
  // The scanner reports pieces in input order, so the owning span only ever moves forward.
  let current = 0;
  const spanAt = (index: number) => {
    while (current < ends.length - 1 && index >= ends[current]!) current++;
    return current;
  };
  scan(joined, options.multiline ?? false, (piece, from, to, verbatim) => {
    if (!verbatim) {
      texts[spanAt(from)]!.push(piece);
      return;
    }
    let start = from;
    while (start < to) {
      const k = spanAt(start);
      let end = Math.min(to, ends[k]!);
      // Never cut a surrogate pair that an attacker placed across two spans: give the whole pair to the first span.
      if (end < to && isHigh(joined.charCodeAt(end - 1)) && isLow(joined.charCodeAt(end))) end++;
      texts[k]!.push(joined.slice(start, end));
      start = end;
    }
  });
  const out: Span[] = [];
  spans.forEach((span, k) => {
    const text = texts[k]!.join('');
    if (text === '') return;
    const clean: Span = { ...span, text };
    if (span.href !== undefined) {
      const href = sanitizeHref(span.href);
      if (href === undefined) delete clean.href;
      else clean.href = href;
    }
    if (span.fg !== undefined && !COLOUR.test(span.fg)) delete clean.fg;
    if (span.bg !== undefined && !COLOUR.test(span.bg)) delete clean.bg;
    out.push(clean);
  });
  return out;
}

/**
 * True when `s` can go to the terminal as is: no C0 control but "\n", no DEL, no C1 control (so no ESC or 8-bit
 * introducer), no bidi control, no U+2028/U+2029 (line breaks are "\n" only), no lone surrogate. Everything
 * {@link sanitizeText} returns passes; meant for assertions and tests.
 */
export function isSafeForTerminal(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0a) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || isBidiControl(c)) return false;
    if (isHigh(c)) {
      if (!isLow(s.charCodeAt(i + 1))) return false;
      i++;
    } else if (isLow(c)) return false;
  }
  return true;
}
