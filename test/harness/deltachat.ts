/**
 * A real Delta Chat core (the `deltachat-rpc-server` binary from npm `@deltachat/stdio-rpc-server-linux-x64`,
 * driven through `@deltachat/jsonrpc-client` over stdio) as an interop peer for the email adapter. One process per
 * peer, its accounts in a temp dir, stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StdioDeltaChat } from '@deltachat/jsonrpc-client';
import type { MailServer } from './mail-server.js';

/** Path of the rpc server binary, or undefined when the package is not installed. */
export function deltaChatBinary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const file = join(dirname(require.resolve('@deltachat/stdio-rpc-server-linux-x64/package.json')), 'deltachat-rpc-server');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

export interface DeltaChatPeer {
  dc: StdioDeltaChat;
  accountId: number;
  address: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a Delta Chat core with one account on `server` (IMAP TLS, SMTP STARTTLS, self-signed certificate accepted). */
export async function startDeltaChat(server: MailServer, local: string, password: string, displayName?: string): Promise<DeltaChatPeer> {
  const binary = deltaChatBinary();
  if (!binary) throw new Error('the Delta Chat rpc server binary is not installed (@deltachat/stdio-rpc-server-linux-x64)');
  const dir = mkdtempSync(join(tmpdir(), 'natter-deltachat-'));
  const proc: ChildProcess = spawn(binary, [], {
    env: { ...process.env, DC_ACCOUNTS_PATH: join(dir, 'accounts'), RUST_LOG: 'info' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const reap = () => {
    if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) process.kill(proc.pid, 'SIGKILL');
  };
  process.once('exit', reap);
  const stderr: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => {
    stderr.push(d.toString());
    if (stderr.length > 200) stderr.shift();
  });
  const dc = new StdioDeltaChat(proc.stdin, proc.stdout, true);
  const address = `${local}@${server.domain}`;
  const accountId = await dc.rpc.addAccount();
  if (displayName) await dc.rpc.setConfig(accountId, 'displayname', displayName);
  await dc.rpc.addOrUpdateTransport(accountId, {
    addr: address,
    password,
    imapServer: server.host,
    imapPort: server.imapsPort,
    imapFolder: null,
    imapSecurity: 'ssl',
    imapUser: address,
    smtpServer: server.host,
    smtpPort: server.submissionPort,
    smtpSecurity: 'starttls',
    smtpUser: address,
    smtpPassword: null,
    certificateChecks: 'acceptInvalidCertificates',
  });
  await dc.rpc.startIo(accountId);
  return {
    dc,
    accountId,
    address,
    pid: proc.pid ?? 0,
    async stop() {
      try {
        await Promise.race([dc.rpc.stopIo(accountId), new Promise((r) => setTimeout(r, 3000))]);
      } catch {
        // already gone
      }
      dc.close();
      if (proc.exitCode === null && proc.signalCode === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const t = setTimeout(reap, 5000);
        await gone;
        clearTimeout(t);
      }
      process.removeListener('exit', reap);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
