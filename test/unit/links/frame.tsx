// Renders one element into an in-memory terminal of a fixed width and returns Ink's last frame (exact bytes).
import { EventEmitter } from 'node:events';
import type { ReactElement } from 'react';
import { render } from 'ink';

class FakeStdout extends EventEmitter {
  frames: string[] = [];
  rows = 5;
  constructor(public columns: number) {
    super();
  }
  write = (frame: string, callback?: unknown): boolean => {
    if (frame !== '') this.frames.push(frame);
    if (typeof callback === 'function') setImmediate(callback as () => void);
    return true;
  };
}

/** The frame Ink writes for `element` at `columns` wide (debug mode: whole frames, no cursor movement). */
export async function renderFrame(element: ReactElement, columns: number): Promise<string> {
  const stdout = new FakeStdout(columns);
  const instance = render(element, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  await new Promise<void>((r) => setImmediate(r));
  const frame = stdout.frames[stdout.frames.length - 1] ?? '';
  instance.unmount();
  return frame;
}
