/**
 * Drives a program in a real pseudo-terminal through tmux (send-keys / capture-pane), on a private tmux socket so
 * it never touches the user's own tmux. Tests wait on screen content, never on fixed sleeps.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

export class TmuxSession {
  private readonly socket = `natter-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly name = 'natter';
  /**
   * The pane runs `program; echo $? > status`: the shell waits for the program and writes its exit status here. tmux
   * alone is not enough: on a loaded machine it has been seen to leave a quit program a zombie for half a minute, so
   * its pane_dead_status never arrived (the pane read as dead, its terminal closed, but no status).
   */
  private readonly statusDir = mkdtempSync(join(tmpdir(), 'natter-tmux-'));
  private readonly statusFile = join(this.statusDir, 'status');

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
      `${command.map(quote).join(' ')}; echo $? > ${quote(this.statusFile)}`,
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

  /** PID of the program itself (the pane's shell runs it as its child to record its exit status). */
  programPid(): number | undefined {
    const shell = this.panePid();
    try {
      const child = readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim().split(/\s+/)[0];
      return child ? Number(child) : undefined;
    } catch {
      return undefined;
    }
  }

  /** PID of the pane's shell, which runs the program and writes its exit status. */
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
      pid = this.programPid() ?? this.panePid();
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
    return existsSync(this.statusFile) || this.tmuxExited();
  }

  private tmuxExited(): boolean {
    return this.tmux('display-message', '-p', '-t', this.name, '#{pane_dead}').trim() === '1';
  }

  /** The signal that ended the program, if one did. */
  exitSignal(): string | undefined {
    return this.tmux('display-message', '-p', '-t', this.name, '#{pane_dead_signal}').trim() || undefined;
  }

  /** The program's exit status (128 + n when signal n ended it), once it has exited. */
  exitStatus(): number | undefined {
    try {
      const written = readFileSync(this.statusFile, 'utf8').trim();
      if (written !== '') return Number(written);
    } catch {
      // not written yet
    }
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
    const cleanup = () => rmSync(this.statusDir, { recursive: true, force: true });
    if (!pid) return cleanup();
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
    cleanup();
  }
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
