/**
 * Drives a program in a real pseudo-terminal through tmux (send-keys / capture-pane), on a private tmux socket so
 * it never touches the user's own tmux. Tests wait on screen content, never on fixed sleeps.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { waitFor } from './wait-for.js';

export class TmuxSession {
  private readonly socket = `natter-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly name = 'natter';

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Starts `command` in a detached session of the given size; the pane stays after the program exits. */
  start(command: string[], options: { width?: number; height?: number; env?: Record<string, string>; cwd?: string } = {}): void {
    const env = Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // remain-on-exit is set before the program starts, so even one that exits at once leaves its screen to read.
    this.tmux(
      'start-server', ';', 'set-option', '-g', 'remain-on-exit', 'on', ';',
      'new-session', '-d', '-s', this.name,
      '-x', String(options.width ?? 120), '-y', String(options.height ?? 36),
      ...(options.cwd ? ['-c', options.cwd] : []),
      ...env,
      command.map((c) => `'${c.replace(/'/g, `'\\''`)}'`).join(' '),
    );
  }

  /** Key names as tmux knows them: `C-k`, `Enter`, `Escape`, `M-1`, `PageUp`. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** Types text literally. */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  async waitForScreen(test: string | RegExp | ((screen: string) => boolean), what: string, timeoutMs = 20_000): Promise<string> {
    let last = '';
    const ok = (s: string) => (typeof test === 'string' ? s.includes(test) : test instanceof RegExp ? test.test(s) : test(s));
    try {
      await waitFor(() => ok((last = this.screen())), what, timeoutMs, 50);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- screen ---\n${last}\n--------------`, { cause: e });
    }
    return last;
  }

  resize(width: number, height: number): void {
    this.tmux('resize-window', '-t', this.name, '-x', String(width), '-y', String(height));
  }

  /** PID of the program in the pane. */
  panePid(): number {
    return Number(this.tmux('display-message', '-p', '-t', this.name, '#{pane_pid}').trim());
  }

  /**
   * What the kernel says about the pane's program (state and wait channel of each thread), for failure messages: a
   * pane can read as dead (its terminal closed) before the program's exit status reaches tmux.
   */
  processReport(): string {
    let pid: number;
    try {
      pid = this.panePid();
    } catch (e) {
      return `no pane pid: ${(e as Error).message}`;
    }
    const read = (p: string) => {
      try {
        return readFileSync(p, 'utf8').trim();
      } catch {
        return '-';
      }
    };
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      return `pid ${pid}: gone`;
    }
    const state = read(`/proc/${pid}/status`).split('\n').find((l) => l.startsWith('State:')) ?? '';
    const threads = tasks.map((t) => `${t}:${read(`/proc/${pid}/task/${t}/comm`)}:${read(`/proc/${pid}/task/${t}/wchan`)}`);
    return `pid ${pid} ${state} threads ${threads.join(' ')}`;
  }

  /** Whether the program in the pane has exited. */
  exited(): boolean {
    return this.tmux('display-message', '-p', '-t', this.name, '#{pane_dead}').trim() === '1';
  }

  /** The signal that ended the program, if one did. */
  exitSignal(): string | undefined {
    return this.tmux('display-message', '-p', '-t', this.name, '#{pane_dead_signal}').trim() || undefined;
  }

  exitStatus(): number | undefined {
    const s = this.tmux('display-message', '-p', '-t', this.name, '#{pane_dead_status}').trim();
    return s === '' ? undefined : Number(s);
  }

  /** Ends the private tmux server (and with it only the program this session started), then waits for that program. */
  async kill(timeoutMs = 10_000): Promise<void> {
    let pid: number | undefined;
    try {
      pid = this.exited() ? undefined : this.panePid();
    } catch {
      pid = undefined;
    }
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    if (!pid) return;
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(() => !alive(), `pane process ${pid} to exit`, timeoutMs).catch(() => {
      if (alive()) process.kill(pid, 'SIGKILL');
    });
  }
}
