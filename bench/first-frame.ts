/**
 * Time to first frame and RSS after start, measured the way a person sees it: natter in a real terminal (tmux),
 * from launch until the sidebar is on screen. The baseline is a bare `node -e 0` measured the same way (it prints
 * a word and stays a moment, so tmux surely shows it), so the polling cost is in both figures.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TmuxSession } from '../test/harness/tmux.js';
import { median } from './stats.js';

const repo = resolve(import.meta.dirname, '../..');

async function timeToScreen(command: string[], env: Record<string, string>, ready: (screen: string) => boolean): Promise<{ ms: number; rssMb?: number }> {
  const term = new TmuxSession();
  const started = performance.now();
  term.start(command, { width: 120, height: 40, env });
  try {
    await term.waitForScreen(ready, 'first frame', 60_000);
    const ms = performance.now() - started;
    let rssMb: number | undefined;
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const status = readFileSync(`/proc/${term.panePid()}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
      if (kb) rssMb = kb / 1024;
    } catch {
      // the process may have exited (baseline)
    }
    return { ms, rssMb };
  } finally {
    await term.kill();
  }
}

export async function firstFrame(home: string, runs = 5): Promise<{ baselineMs: number; firstFrameMs: number; rssMb: number }> {
  const base: number[] = [];
  const natter: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    base.push((await timeToScreen([process.execPath, '-e', 'process.stdout.write("node-ready"); setTimeout(() => {}, 2000)'], {}, (s) => s.includes('node-ready'))).ms);
    const r = await timeToScreen(
      [process.execPath, join(repo, 'bin', 'natter.js')],
      { NATTER_HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8' },
      (s) => /#chan-/.test(s),
    );
    natter.push(r.ms);
    if (r.rssMb) rss.push(r.rssMb);
  }
  return { baselineMs: median(base), firstFrameMs: median(natter), rssMb: median(rss) };
}
