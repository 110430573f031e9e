/**
 * mIRC formatting codes → styled spans, per https://modern.ircdocs.horse/formatting:
 * ^B (0x02) bold, ^] (0x1D) italic, ^_ (0x1F) underline, ^^ (0x1E) strikethrough, ^Q (0x11) monospace,
 * ^V (0x16) reverse, ^C (0x03) colour `fg[,bg]` with up to two digits each, ^D (0x04) hex colour `RRGGBB[,RRGGBB]`,
 * ^O (0x0F) reset. The spans' texts joined equal the plain text (the body with every code removed).
 */
import type { Span } from '../../src/core/model.js';

/** Colours 16–98 of the extended mIRC palette (modern.ircdocs.horse "Colors 16-98"); 99 means "default". */
const EXTENDED: readonly string[] = [
  '470000', '472100', '474700', '324700', '004700', '00472c', '004747', '002747', '000047', '2e0047', '470047', '47002a',
  '740000', '743a00', '747400', '517400', '007400', '007449', '007474', '004074', '000074', '4b0074', '740074', '740045',
  'b50000', 'b56300', 'b5b500', '7db500', '00b500', '00b571', '00b5b5', '0063b5', '0000b5', '7500b5', 'b500b5', 'b5006b',
  'ff0000', 'ff8c00', 'ffff00', 'b2ff00', '00ff00', '00ffa0', '00ffff', '008cff', '0000ff', 'a500ff', 'ff00ff', 'ff0098',
  'ff5959', 'ffb459', 'ffff71', 'cfff60', '6fff6f', '65ffc9', '6dffff', '59b4ff', '5959ff', 'c459ff', 'ff66ff', 'ff59bc',
  'ff9c9c', 'ffd39c', 'ffff9c', 'e2ff9c', '9cff9c', '9cffdb', '9cffff', '9cd3ff', '9c9cff', 'dc9cff', 'ff9cff', 'ff94d3',
  '000000', '131313', '282828', '363636', '4d4d4d', '656565', '818181', '9f9f9f', 'bcbcbc', 'e2e2e2', 'ffffff',
];

/** Maps an mIRC colour number to a Span colour: "0".."15" palette indices, `#rrggbb` for 16–98, undefined for 99+. */
export function mircColour(n: number): string | undefined {
  if (n >= 0 && n <= 15) return String(n);
  const hex = EXTENDED[n - 16];
  return hex ? `#${hex}` : undefined;
}

interface Style {
  bold: boolean;
  italic: boolean;
  underline: boolean;
  strike: boolean;
  code: boolean;
  reverse: boolean;
  fg?: string;
  bg?: string;
}

const plainStyle = (): Style => ({ bold: false, italic: false, underline: false, strike: false, code: false, reverse: false });

// Every control character that starts a formatting code.
// eslint-disable-next-line no-control-regex -- IRC formatting codes are control characters
const CODES = /[\x02\x03\x04\x0f\x11\x16\x1d\x1e\x1f]/;

/** True when the text carries at least one formatting code. */
export function hasFormatting(text: string): boolean {
  return CODES.test(text);
}

/** Removes every formatting code (with colour arguments) and returns the plain text. */
export function stripFormatting(text: string): string {
  return parseFormatting(text).plain;
}

function toSpan(text: string, s: Style): Span {
  const span: Span = { text };
  if (s.bold) span.bold = true;
  if (s.italic) span.italic = true;
  if (s.underline) span.underline = true;
  if (s.strike) span.strike = true;
  if (s.code) span.code = true;
  let fg = s.fg;
  let bg = s.bg;
  // Reverse swaps the colours; with default colours assume a light-on-dark terminal and show dark-on-light.
  if (s.reverse) [fg, bg] = [bg ?? '1', fg ?? '0'];
  if (fg !== undefined) span.fg = fg;
  if (bg !== undefined) span.bg = bg;
  return span;
}

function sameStyle(a: Span, b: Span): boolean {
  return a.bold === b.bold && a.italic === b.italic && a.underline === b.underline && a.strike === b.strike &&
    a.code === b.code && a.fg === b.fg && a.bg === b.bg;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isHex = (s: string) => /^[0-9a-fA-F]{6}$/.test(s);

/**
 * Parses formatting codes. `spans` is undefined when the text has no codes (then `plain === text`); otherwise the
 * spans' texts joined equal `plain`, adjacent runs with the same style are merged and empty runs are omitted.
 */
export function parseFormatting(text: string): { plain: string; spans?: Span[] } {
  if (!hasFormatting(text)) return { plain: text };
  const spans: Span[] = [];
  let style = plainStyle();
  let run = '';
  let plain = '';
  const flush = () => {
    if (!run) return;
    const span = toSpan(run, style);
    const prev = spans[spans.length - 1];
    if (prev && sameStyle(prev, span)) prev.text += run;
    else spans.push(span);
    plain += run;
    run = '';
  };
  const toggle = (key: 'bold' | 'italic' | 'underline' | 'strike' | 'code' | 'reverse') => {
    flush();
    style = { ...style, [key]: !style[key] };
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    switch (ch) {
      case '\x02': toggle('bold'); i++; break;
      case '\x1d': toggle('italic'); i++; break;
      case '\x1f': toggle('underline'); i++; break;
      case '\x1e': toggle('strike'); i++; break;
      case '\x11': toggle('code'); i++; break;
      case '\x16': toggle('reverse'); i++; break;
      case '\x0f': flush(); style = plainStyle(); i++; break;
      case '\x03': {
        flush();
        i++;
        let fgDigits = '';
        while (fgDigits.length < 2 && isDigit(text[i])) fgDigits += text[i++];
        if (!fgDigits) {
          // A bare ^C resets both colours.
          style = { ...style, fg: undefined, bg: undefined };
          break;
        }
        let bgDigits = '';
        if (text[i] === ',' && isDigit(text[i + 1])) {
          i++;
          while (bgDigits.length < 2 && isDigit(text[i])) bgDigits += text[i++];
        }
        style = { ...style, fg: mircColour(Number(fgDigits)) };
        if (bgDigits) style.bg = mircColour(Number(bgDigits));
        break;
      }
      case '\x04': {
        flush();
        i++;
        const fgHex = text.slice(i, i + 6);
        if (!isHex(fgHex)) {
          style = { ...style, fg: undefined, bg: undefined };
          break;
        }
        i += 6;
        style = { ...style, fg: `#${fgHex.toLowerCase()}` };
        if (text[i] === ',' && isHex(text.slice(i + 1, i + 7))) {
          style.bg = `#${text.slice(i + 1, i + 7).toLowerCase()}`;
          i += 7;
        }
        break;
      }
      default:
        run += ch;
        i++;
    }
  }
  flush();
  return { plain, spans };
}
