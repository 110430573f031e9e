/**
 * Terminal styles for the UI: the span type the timeline draws, the mapping from model colours (mIRC/ANSI 0–15 or
 * `#rrggbb`) to Ink colours, and stable nick colours.
 */
import type { Span } from '../core/model.js';

/** A model span plus the UI's own emphasis (dim, inverse) and named colours. */
export interface UiSpan extends Span {
  dim?: boolean;
  inverse?: boolean;
}

/**
 * mIRC colour numbers (https://modern.ircdocs.horse/formatting#colors) mapped to the nearest ANSI names, so the
 * user's terminal theme applies instead of fixed RGB values.
 */
const palette = [
  'whiteBright', // 0 white
  'black', // 1 black
  'blue', // 2 navy
  'green', // 3 green
  'redBright', // 4 red
  'red', // 5 brown
  'magenta', // 6 purple
  'yellow', // 7 orange
  'yellowBright', // 8 yellow
  'greenBright', // 9 light green
  'cyan', // 10 teal
  'cyanBright', // 11 light cyan
  'blueBright', // 12 light blue
  'magentaBright', // 13 pink
  'gray', // 14 grey
  'white', // 15 light grey
] as const;

const named = new Set<string>([
  ...palette,
  'redBright',
  'gray',
  'grey',
]);

/** Turns a model colour into something Ink's `color` accepts; unknown values give undefined (no colour). */
export function inkColor(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d{1,2}$/.test(value)) return palette[Number(value)];
  if (/^#[0-9a-fA-F]{6}$/.test(value)) return value;
  if (named.has(value) || /^[a-z]+(Bright)?$/.test(value)) return value;
  return undefined;
}

const nickPalette = [
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'redBright',
  'greenBright',
  'yellowBright',
  'blueBright',
  'magentaBright',
  'cyanBright',
] as const;

/** A stable colour per nick (FNV-1a over the case-folded name), so the same person keeps a colour everywhere. */
export function nickColor(name: string): string {
  let h = 0x811c9dc5;
  const s = name.toLowerCase();
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return nickPalette[h % nickPalette.length]!;
}

/** Colour and glyph for an account's connection state in the sidebar and status bar. */
export const connectionLook = {
  online: { glyph: '●', color: 'green' },
  connecting: { glyph: '◌', color: 'yellow' },
  offline: { glyph: '○', color: 'gray' },
  error: { glyph: '✗', color: 'red' },
} as const;
