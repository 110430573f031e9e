/**
 * Renders the App into in-memory streams of a chosen size (like ink-testing-library, plus rows and resize) and offers
 * waitFor() so tests wait on frame content, never on fixed sleeps.
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ImageOutput } from '../../../src/ui/image/probe.js';
import { App } from '../../../src/ui/App.js';
import { SideKeyChannel } from '../../../src/ui/terminal-input.js';
import type { EngineApi } from '../../../src/core/engine-api.js';
import type { DisplayOptions } from '../../../src/ui/time-format.js';
import type { KeysOptions } from '../../../src/ui/Screen.js';

class FakeStdout extends EventEmitter {
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string, callback?: unknown): boolean => {
    // Ink waits for a write callback before it settles waitUntilExit().
    if (frame !== '') this.frames.push(frame);
    if (typeof callback === 'function') setImmediate(callback as () => void);
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export const keys = {
  up: '\x1b[A',
  down: '\x1b[B',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  enter: '\r',
  altEnter: '\x1b\r',
  ctrlJ: '\n',
  escape: '\x1b',
  tab: '\t',
  backspace: '\x7f',
  ctrlK: '\x0b',
  ctrlN: '\x0e',
  ctrlP: '\x10',
  ctrlQ: '\x11',
  alt: (c: string) => `\x1b${c}`,
  altUp: '\x1b[1;3A',
};

export interface Rendered {
  stdin: FakeStdin;
  stdout: FakeStdout;
  side: SideKeyChannel;
  lastFrame(): string;
  /** Types a key sequence and waits for Ink to process it. */
  press(data: string): Promise<void>;
  /** Types text one character per event, as a person would. */
  type(text: string): Promise<void>;
  waitFor(predicate: (frame: string) => boolean, what?: string): Promise<string>;
  resize(columns: number, rows: number): void;
  exited: Promise<void>;
  unmount(): void;
}

const settle = () => new Promise<void>((r) => setImmediate(r));

export function renderApp(
  engine: EngineApi,
  size: { columns: number; rows: number } = { columns: 100, rows: 30 },
  props: { showHelp?: boolean; display?: Partial<DisplayOptions>; keys?: KeysOptions; images?: ImageOutput } = {},
): Rendered {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  const side = new SideKeyChannel();
  const instance = render(<App engine={engine} sideKeys={side} showHelp={props.showHelp} display={props.display} keys={props.keys} images={props.images} />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new FakeStdout(size.columns, size.rows) as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const lastFrame = () => stdout.frames[stdout.frames.length - 1] ?? '';
  const waitFor = async (predicate: (frame: string) => boolean, what = 'frame condition'): Promise<string> => {
    const deadline = Date.now() + 3000;
    for (;;) {
      const f = lastFrame();
      if (predicate(f)) return f;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${f}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    stdin,
    stdout,
    side,
    lastFrame,
    press: async (data: string) => {
      stdin.write(data);
      await settle();
      await settle();
    },
    type: async (text: string) => {
      for (const ch of text) {
        stdin.write(ch);
        await settle();
      }
      await settle();
    },
    waitFor,
    resize: (columns: number, rows: number) => {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit('resize');
    },
    exited: instance.waitUntilExit().then(() => undefined),
    unmount: () => instance.unmount(),
  };
}

/** Strips ANSI styles from a frame (for content assertions). */
export function plain(frame: string): string {
  // eslint-disable-next-line no-control-regex
  return frame.replace(/\x1b\[[0-9;]*m/g, '');
}
