/**
 * Notification output to the terminal: the bell (BEL) and desktop notifications as escape sequences that travel over
 * SSH with the rest of the output.
 *
 * - OSC 777 (rxvt-unicode, foot, WezTerm, Ghostty, VTE): `ESC ] 777 ; notify ; title ; body ST`
 * - OSC 9 (iTerm2, Windows Terminal, ConEmu): `ESC ] 9 ; text ST`
 * - OSC 99 (kitty's desktop notification protocol): `ESC ] 99 ; i=<id>:d=0 ; title ST` then
 *   `ESC ] 99 ; i=<id>:d=1:p=body ; body ST`
 *
 * Titles and bodies are made safe first: every C0/C1 control (ESC, BEL, ST …) is removed, so nothing from a message
 * can end the OSC early or start another sequence, and `;` (the OSC's field separator) becomes `,` in fields that
 * other fields follow. "auto" picks OSC 99 under kitty (TERM=xterm-kitty or KITTY_WINDOW_ID), OSC 777 elsewhere, and
 * nothing inside tmux or screen, which swallow unknown OSCs, unless `passthrough` is set: then the sequence is wrapped
 * in the multiplexer's DCS passthrough (tmux also needs `set -g allow-passthrough on`).
 */

export type DesktopSetting = 'auto' | 'osc777' | 'osc9' | 'osc99' | 'off';
export type DesktopKind = 'osc777' | 'osc9' | 'osc99';

const ST = '\x1b\\';
export const BELL = '\x07';

/** Removes every C0 and C1 control character and DEL (ESC, BEL, CSI, ST included); trims and bounds the length. */
export function oscSafe(s: string, max = 256): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  return chars.length <= max ? clean : chars.slice(0, max).join('');
}

/** A field that more fields follow: also without the `;` separator. */
const field = (s: string) => oscSafe(s).replace(/;/g, ',');

export function osc777(title: string, body: string): string {
  return `\x1b]777;notify;${field(title)};${oscSafe(body)}${ST}`;
}

export function osc9(title: string, body: string): string {
  const t = oscSafe(title);
  const b = oscSafe(body);
  // A text starting with a digit and ";" would be read by ConEmu as one of its OSC 9 sub-commands.
  const text = t && b ? `${t}: ${b}` : t || b;
  return `\x1b]9;${/^\d/.test(text) ? ` ${text}` : text}${ST}`;
}

/** kitty: the title chunk (d=0: more follows), then the body chunk (d=1: done); `id` ties them together. */
export function osc99(title: string, body: string, id: string): string {
  const i = id.replace(/[^A-Za-z0-9_-]/g, '');
  return `\x1b]99;i=${i}:d=0;${oscSafe(title)}${ST}\x1b]99;i=${i}:d=1:p=body;${oscSafe(body)}${ST}`;
}

export type Multiplexer = 'tmux' | 'screen' | undefined;

export function multiplexerOf(env: NodeJS.ProcessEnv): Multiplexer {
  if (env['TMUX'] || env['TERM']?.startsWith('tmux')) return 'tmux';
  if (env['STY'] || env['TERM']?.startsWith('screen')) return 'screen';
  return undefined;
}

/** Wraps a sequence for tmux (`ESC P tmux; … ESC \`, inner ESCs doubled) or screen (`ESC P … ESC \`). */
export function passthrough(seq: string, mux: Exclude<Multiplexer, undefined>): string {
  if (mux === 'tmux') return `\x1bPtmux;${seq.replaceAll('\x1b', '\x1b\x1b')}${ST}`;
  // screen ends the DCS at the first ST, so each OSC is wrapped on its own and ends with BEL inside it.
  return seq.split(ST).filter((p) => p !== '').map((p) => `\x1bP${p}${BELL}${ST}`).join('');
}

export interface DesktopChoice {
  kind: DesktopKind | undefined;
  mux: Multiplexer;
  /** Wrap in the multiplexer's passthrough. */
  wrap: boolean;
}

/** Which desktop sequence to write for a setting in this environment (see the file comment). */
export function chooseDesktop(setting: DesktopSetting, env: NodeJS.ProcessEnv, allowPassthrough: boolean): DesktopChoice {
  const mux = multiplexerOf(env);
  const wrap = mux !== undefined && allowPassthrough;
  if (setting === 'off') return { kind: undefined, mux, wrap: false };
  if (setting !== 'auto') return { kind: setting, mux, wrap };
  if (mux && !allowPassthrough) return { kind: undefined, mux, wrap: false };
  const kitty = env['TERM'] === 'xterm-kitty' || Boolean(env['KITTY_WINDOW_ID']);
  return { kind: kitty ? 'osc99' : 'osc777', mux, wrap };
}

/** The bytes of one desktop notification, or '' when none is chosen. */
export function desktopSequence(choice: DesktopChoice, title: string, body: string, id: string): string {
  if (!choice.kind) return '';
  const seq = choice.kind === 'osc777' ? osc777(title, body) : choice.kind === 'osc9' ? osc9(title, body) : osc99(title, body, id);
  return choice.wrap && choice.mux ? passthrough(seq, choice.mux) : seq;
}
