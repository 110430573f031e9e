/**
 * Drives the independent OMEMO peer (test/harness/omemo-peer.py: python3-omemo + oldmemo + twomemo on slixmpp) from
 * a test: starts it with /usr/bin/python3 (Debian's modules load only there), sends JSON-line commands on stdin and
 * collects its JSON-line events from stdout. Its stderr is kept for assertion messages.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../../test/harness/omemo-peer.py', import.meta.url));

export interface PeerEvent {
  event: string;
  [key: string]: unknown;
}

/** Why the Python peer cannot run here (Debian's python3-omemo stack missing), or undefined. */
export function omemoPeerUnavailable(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} missing`;
  for (const dir of ['omemo', 'oldmemo', 'twomemo', 'slixmpp', 'xmlschema']) {
    if (!existsSync(`/usr/lib/python3/dist-packages/${dir}`)) return `python3-${dir} is not installed`;
  }
  return undefined;
}

export class OmemoPeer {
  readonly events: PeerEvent[] = [];
  private readonly proc: ChildProcessWithoutNullStreams;
  private stderr = '';
  private exited = false;

  constructor(config: { jid: string; password: string; host: string; port: number; cafile: string; signBit?: 0 | 1; versions?: string[] }) {
    this.proc = spawn(PYTHON, [SCRIPT, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          this.events.push(JSON.parse(line) as PeerEvent);
        } catch {
          this.stderr += `[stdout] ${line}\n`;
        }
      }
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-20_000);
    });
    this.proc.on('exit', () => {
      this.exited = true;
    });
  }

  send(cmd: Record<string, unknown>): void {
    this.proc.stdin.write(`${JSON.stringify(cmd)}\n`);
  }

  /** Waits for the first event (after `from`, an index into `events`) that matches; fails early on peer errors. */
  async waitEvent(pred: (e: PeerEvent) => boolean, what: string, from = 0, timeoutMs = 60_000): Promise<PeerEvent> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(pred);
      if (found) return found;
      const err = this.events.slice(from).find((e) => e.event === 'error');
      const problem = err ? `peer error ${JSON.stringify(err)}` : this.exited ? 'peer exited' : Date.now() > until ? `timed out after ${timeoutMs} ms` : undefined;
      if (problem) {
        throw new Error(`waiting for ${what}: ${problem}\npeer events: ${JSON.stringify(this.events.slice(-10))}\npeer stderr:\n${this.stderr.slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Stops the peer by its PID (SIGTERM). */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.proc.kill('SIGTERM');
    await waitFor(() => this.exited, 'omemo peer exit', 10_000).catch(() => this.proc.kill('SIGKILL'));
  }
}
