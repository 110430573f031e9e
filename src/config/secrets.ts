/**
 * Resolves an account's secret from its configured source. Every secret handed out is registered with the logger first,
 * so it is redacted from every log line; error messages never contain it.
 */
import { spawn } from 'node:child_process';
import { NatterError } from '../core/errors.js';
import { registerSecret } from '../core/logger.js';
import type { SecretSource } from './load.js';

export interface ResolveSecretOptions {
  /** The account name, for error messages and the prompt. */
  account: string;
  /** Asks the user (masked input); used only when no source is configured. */
  prompt?: (question: string) => Promise<string>;
  /** How long password_command may run; default 30 s. */
  timeoutMs?: number;
}

const MAX_STDOUT = 64 * 1024;
const MAX_STDERR = 8 * 1024;

/**
 * The secret, or undefined when none is configured and there is no prompt (or the user answered nothing).
 * - `plain`: the value from the config file.
 * - `command`: runs it with `/bin/sh -c`, stdin closed, and takes the first line of stdout (without its line break).
 *   Rejects with NatterError naming the account on a non-zero exit (with the first line of stderr), a signal, empty
 *   output, or after `timeoutMs` (the command's whole process group is killed).
 * - `none`: asks through `prompt` when given.
 */
export async function resolveSecret(source: SecretSource, options: ResolveSecretOptions): Promise<string | undefined> {
  let secret: string | undefined;
  switch (source.kind) {
    case 'plain':
      secret = source.value;
      break;
    case 'command':
      secret = await runPasswordCommand(source.command, options.account, options.timeoutMs ?? 30_000);
      break;
    case 'none': {
      if (!options.prompt) return undefined;
      const answer = (await options.prompt(`Password for account '${options.account}': `)).replace(/\r?\n$/, '');
      secret = answer === '' ? undefined : answer;
      break;
    }
  }
  registerSecret(secret);
  return secret;
}

/** One line of command output fit for a status line: control characters removed, length bounded. */
function printable(line: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = line.replace(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

function runPasswordCommand(command: string, account: string, timeoutMs: number): Promise<string> {
  const fail = (what: string, cause?: unknown) =>
    new NatterError(`account '${account}': password_command ${what}`, cause === undefined ? undefined : { cause });
  return new Promise((resolvePromise, reject) => {
    // Its own process group (detached), so a timeout can kill the shell and whatever it started.
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      settle(() => reject(fail(`did not finish within ${Math.round(timeoutMs / 100) / 10} s`)));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (stdout.length < MAX_STDOUT) stdout += chunk;
    });
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR) stderr += chunk;
    });
    child.on('error', (error) => settle(() => reject(fail(`could not be started: ${error.message}`, error))));
    child.on('close', (code, signal) => {
      const first = stdout.split(/\r?\n/)[0] ?? '';
      // Whatever the command printed on stdout might be the secret: keep it out of the message.
      let err = printable(stderr.split(/\r?\n/).find((l) => l.trim() !== '') ?? '');
      if (first.length >= 3) err = err.split(first).join('«redacted»');
      const detail = err ? `: ${err}` : '';
      if (signal) return settle(() => reject(fail(`was killed by ${signal}${detail}`)));
      if (code !== 0) return settle(() => reject(fail(`failed (exit status ${code})${detail}`)));
      if (first === '') return settle(() => reject(fail(`printed no password on its first line${detail}`)));
      settle(() => resolvePromise(first));
    });
  });
}
