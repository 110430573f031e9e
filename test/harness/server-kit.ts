/**
 * What every real-server harness needs: a free loopback port, a probe that a port accepts connections, the tail of a
 * log for error messages, the Debian package installed on demand (as root), and a self-signed certificate.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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
