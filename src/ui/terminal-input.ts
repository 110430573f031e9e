/**
 * A filter between the terminal and Ink for the input Ink drops or cannot tell apart: SGR mouse reports (wheel) and
 * F1 (Ink reports every function key as the same empty key). Those sequences are taken out of the byte stream and
 * delivered as {@link KeyPress}es on a side channel; everything else reaches Ink unchanged through a stream that
 * behaves like a TTY stdin (raw mode and ref/unref are passed to the real one).
 *
 * Mouse reporting: xterm "SGR" extended mode (DECSET 1006) over normal tracking (DECSET 1000), see
 * https://invisible-island.net/xterm/ctlseqs/ctlseqs.html#h2-Mouse-Tracking — a report is `CSI < b ; x ; y M|m`;
 * buttons 64 and 65 (plus modifier bits 4/8/16) are the wheel up and down; button 0 with the final `M` is a left-button
 * press, delivered as a `click` press carrying the cell (`m` is the release, dropped; bit 32 marks motion, which
 * DECSET 1000 does not report anyway). Modifier bits: 4 Shift, 8 Meta, 16 Control.
 *
 * Focus reporting (DECSET 1004, same document, "FocusIn/FocusOut"): the terminal sends `CSI I` when its window gains
 * focus and `CSI O` when it loses it; they become `focusin` / `focusout` presses, which the UI turns into the
 * engine's `activity` action (adapters then tell the server the client is inactive, e.g. XEP-0352).
 */
import { PassThrough } from 'node:stream';
import { synthetic, type KeyPress } from './key-press.js';
import { takeReports, type ReportSource, type TerminalReport } from './image/probe.js';

export type KeyListener = (press: KeyPress) => void;

/** A source of key presses that bypass Ink (the App subscribes to it). */
export interface SideKeys {
  subscribe(listener: KeyListener): () => void;
}

/** A simple in-memory {@link SideKeys}; `emit` delivers a press (also used by tests). */
export class SideKeyChannel implements SideKeys {
  private readonly listeners = new Set<KeyListener>();
  subscribe(listener: KeyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(press: KeyPress): void {
    for (const l of [...this.listeners]) l(press);
  }
}

// eslint-disable-next-line no-control-regex
const sgrMouse = /\x1b\[<(\d+);(\d+);(\d+)([Mm])/g;
// F1 in its xterm (SS3 P), vt220 (CSI P, CSI 1;m P), rxvt (CSI 11~) and Linux console (CSI [A) forms.
// eslint-disable-next-line no-control-regex
const f1 = /\x1bOP|\x1b\[11~|\x1b\[\[A|\x1b\[(?:1;1)?P/g;
// eslint-disable-next-line no-control-regex
const focus = /\x1b\[([IO])/g;
// eslint-disable-next-line no-control-regex
const partialMouse = /\x1b\[<[\d;]*$/;

/**
 * Splits a chunk of terminal input into what goes to Ink and the side-channel presses. `carry` is an incomplete mouse
 * report from the end of the previous chunk (reports can be split across reads).
 */
export function splitInput(carry: string, chunk: string): { pass: string; presses: KeyPress[]; carry: string } {
  let text = carry + chunk;
  let rest = '';
  const tail = partialMouse.exec(text);
  if (tail) {
    rest = tail[0];
    text = text.slice(0, tail.index);
  }
  const found: { at: number; press: KeyPress | undefined }[] = [];
  text = text.replace(sgrMouse, (_all, b: string, x: string, y: string, kind: string, at: number) => {
    const button = Number(b);
    let press: KeyPress | undefined;
    if (kind === 'M' && button & 64 && !(button & 128)) {
      const wheel = button & 3;
      if (wheel === 0) press = synthetic('wheelup');
      else if (wheel === 1) press = synthetic('wheeldown');
    } else if (kind === 'M' && (button & (3 | 32 | 64 | 128)) === 0) {
      press = {
        ...synthetic('click'),
        shift: (button & 4) !== 0,
        meta: (button & 8) !== 0,
        ctrl: (button & 16) !== 0,
        mouse: { x: Number(x), y: Number(y) },
      };
    }
    found.push({ at, press });
    return '';
  });
  text = text.replace(f1, (_all, at: number) => {
    found.push({ at, press: synthetic('f1') });
    return '';
  });
  text = text.replace(focus, (_all, which: string, at: number) => {
    found.push({ at, press: synthetic(which === 'I' ? 'focusin' : 'focusout') });
    return '';
  });
  const presses = found.filter((f) => f.press).map((f) => f.press!);
  return { pass: text, presses, carry: rest };
}

/** The real terminal stdin as Ink needs it. */
export interface TtyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  ref?(): unknown;
  unref?(): unknown;
}

/**
 * Wraps the real stdin: returns the stream to hand to Ink, the side channel, and `dispose` (stops reading the real
 * stdin so the process can exit).
 */
export function filterTerminalInput(real: TtyInput): {
  stdin: NodeJS.ReadableStream;
  keys: SideKeys;
  /** Terminal replies to natter's queries (kitty graphics, DA1: image/probe.ts), taken out of the input. */
  reports: ReportSource;
  dispose: () => void;
} {
  const keys = new SideKeyChannel();
  const reportListeners = new Set<(r: TerminalReport) => void>();
  const reports: ReportSource = {
    subscribe: (l) => {
      reportListeners.add(l);
      return () => reportListeners.delete(l);
    },
  };
  let reportCarry = '';
  const proxy = new PassThrough({ encoding: 'utf8' }) as PassThrough & {
    isTTY?: boolean;
    setRawMode?: (mode: boolean) => unknown;
  };
  proxy.isTTY = real.isTTY === true;
  if (typeof real.setRawMode === 'function') {
    proxy.setRawMode = (mode: boolean) => {
      real.setRawMode!(mode);
      return proxy;
    };
  }
  // Ink refs the input while it listens; the real stdin is what keeps the event loop alive.
  (proxy as unknown as { ref: () => void }).ref = () => real.ref?.();
  (proxy as unknown as { unref: () => void }).unref = () => real.unref?.();
  let carry = '';
  const onData = (chunk: Buffer | string): void => {
    const rep = takeReports(reportCarry, typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    reportCarry = rep.carry;
    for (const report of rep.reports) for (const l of [...reportListeners]) l(report);
    const r = splitInput(carry, rep.pass);
    carry = r.carry;
    if (r.pass) proxy.write(r.pass);
    for (const p of r.presses) keys.emit(p);
  };
  real.setEncoding?.('utf8');
  real.on('data', onData);
  return {
    stdin: proxy,
    keys,
    reports,
    dispose: () => {
      real.removeListener('data', onData);
      real.pause();
      real.unref?.();
      proxy.end();
    },
  };
}

/** Only focus reporting (DECSET 1004), for `[ui] mouse = false`: the terminal keeps its own selection and wheel. */
export const focusOn = '\x1b[?1004h';
/** Turns {@link focusOn} off again. */
export const focusOff = '\x1b[?1004l';
/** Turns mouse reporting (xterm DECSET 1000 + 1006: wheel and button presses) and focus reporting (DECSET 1004) on. */
export const mouseOn = '\x1b[?1000h\x1b[?1006h\x1b[?1004h';
/** Turns them off again (DECRST), restoring the terminal for the shell. */
export const mouseOff = '\x1b[?1004l\x1b[?1006l\x1b[?1000l';
