/**
 * What every real-server harness needs: a free loopback port, a probe that a port accepts connections, the tail of a
 * log for error messages, the Debian package installed on demand (as root), and a self-signed certificate.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

/** A port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Why `binary` (from Debian package `pkg`) cannot run here, or undefined when it can: installs the package when it is
 * missing and we are root (apt-get update only when the first install attempt fails).
 */
export function debianBinaryUnavailable(binary: string, pkg: string): string | undefined {
  if (existsSync(binary)) return undefined;
  if (process.getuid?.() !== 0) return `${binary} is missing and we are not root to install it (apt-get install ${pkg})`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', pkg], { encoding: 'utf8', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { encoding: 'utf8', env });
    r = spawnSync('apt-get', ['install', '-y', pkg], { encoding: 'utf8', env });
  }
  if (existsSync(binary)) return undefined;
  return `apt-get install ${pkg} failed: ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ')}`;
}

/**
 * A self-signed certificate (made with the openssl CLI) for `names` (DNS names) and 127.0.0.1, valid 3 days, written
 * to `dir` under the given file names.
 */
export function selfSignedCert(
  dir: string,
  names: string[] = ['localhost'],
  files: { cert: string; key: string } = { cert: 'cert.pem', key: 'key.pem' },
): { certFile: string; keyFile: string; fingerprint: string } {
  const certFile = join(dir, files.cert);
  const keyFile = join(dir, files.key);
  const san = ['IP:127.0.0.1', ...names.map((n) => `DNS:${n}`)].join(',');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '3',
      '-subj', `/CN=${names[0] ?? 'localhost'}`, '-addext', `subjectAltName=${san}`],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  const fingerprint = new X509Certificate(readFileSync(certFile)).fingerprint256.toUpperCase();
  return { certFile, keyFile, fingerprint };
}

/**
 * A server process the tests own: started with its output captured to `outFile`, ready once every port in `ports`
 * accepts connections, stopped by PID (SIGTERM, then SIGKILL after 5 s), and killed when the test process exits
 * without stopping it (crash, timeout) so no server is left behind. `start()` may be called again after `halt()`.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: {
      name: string;
      command: string;
      args: string[];
      cwd: string;
      outFile: string;
      /** The server's own log, appended to error messages. */
      logFile?: string;
      ports: number[];
      spawn?: Omit<SpawnOptions, 'cwd' | 'stdio'>;
      startTimeoutMs?: number;
    },
  ) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  /** Whether the process has ended. */
  get gone(): boolean {
    return !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  logTail(lines = 30): string {
    return `${tail(this.o.outFile, lines)}${this.o.logFile ? `\n${tail(this.o.logFile, lines)}` : ''}`;
  }

  async start(): Promise<void> {
    const proc = spawn(this.o.command, this.o.args, { ...this.o.spawn, cwd: this.o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = proc;
    const reap = () => {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
        try {
          process.kill(proc.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    process.once('exit', reap);
    this.exited = new Promise((resolve) =>
      proc.once('exit', () => {
        process.removeListener('exit', reap);
        resolve();
      }),
    );
    const capture = (chunk: Buffer) => appendFileSync(this.o.outFile, chunk);
    proc.stdout?.on('data', capture);
    proc.stderr?.on('data', capture);
    proc.once('error', (e) => appendFileSync(this.o.outFile, `spawn error: ${e.message}\n`));
    const timeoutMs = this.o.startTimeoutMs ?? 20_000;
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        if (this.gone) throw new Error(`${this.o.name} exited while starting (code ${proc.exitCode}):\n${this.logTail()}`);
        let ready = true;
        for (const port of this.o.ports) ready = ready && (await portAccepts(port));
        if (ready) return;
        if (Date.now() > deadline) throw new Error(`${this.o.name} did not accept connections within ${timeoutMs / 1000} s:\n${this.logTail()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch (error) {
      await this.halt();
      throw error;
    }
  }

  /** Stops the process (SIGTERM, SIGKILL after 5 s) and waits until it is gone. */
  async halt(): Promise<void> {
    const pid = this.child?.pid;
    if (this.gone || pid === undefined) return;
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
