/**
 * `natter doctor`: checks each account's config, secret, DNS, TCP, TLS and authentication, and says what to fix.
 * Exits non-zero when any check fails.
 */
import type { AdapterEvent, KeyValue } from '../core/contract.js';
import { createLogger } from '../core/logger.js';
import { userMessageOf } from '../core/errors.js';
import { loadConfig, type AccountConfig } from '../config/load.js';
import { insecureDirs, resolveProfile } from '../config/paths.js';
import { accountRuntime, logLevel } from '../app/open-session.js';
import { probeDns, probeTcp, probeTls, type ProbeResult } from './network-probe.js';
import { promptHidden } from './prompt-hidden.js';

const mark = (ok: boolean) => (ok ? '✓' : '✗');

function memoryKv(): KeyValue {
  const m = new Map<string, string>();
  return { get: (k) => m.get(k), set: (k, v) => void m.set(k, v), delete: (k) => void m.delete(k), batch: () => {} };
}

async function authenticate(account: AccountConfig, logFile: string, level: ReturnType<typeof logLevel>, timeoutMs = 20_000): Promise<ProbeResult> {
  const rt = accountRuntime(account, promptHidden);
  if (!rt.factory) return { ok: false, text: rt.unavailable ?? 'not supported' };
  const adapter = rt.factory();
  let settle!: (r: ProbeResult) => void;
  const result = new Promise<ProbeResult>((r) => (settle = r));
  const timer = setTimeout(() => settle({ ok: false, text: `not logged in within ${timeoutMs / 1000} s` }), timeoutMs);
  const emit = (e: AdapterEvent) => {
    if (e.type === 'connection' && e.state === 'online') settle({ ok: true, text: `logged in${e.self ? ` as ${e.self}` : ''}` });
    if (e.type === 'connection' && (e.state === 'error' || e.state === 'offline')) settle({ ok: false, text: e.detail ?? 'login failed' });
  };
  try {
    await adapter.start({
      accountId: account.name,
      config: rt.config,
      emit,
      kv: memoryKv(),
      log: createLogger({ file: logFile, level }).child(`doctor:${account.name}`),
      now: Date.now,
      secret: rt.secret,
    });
    return await result;
  } catch (error) {
    return { ok: false, text: userMessageOf(error) };
  } finally {
    clearTimeout(timer);
    await adapter.stop('natter doctor').catch(() => {});
  }
}

export async function doctorCommand(opts: { config?: string; debug?: boolean; account?: string }): Promise<number> {
  const profile = resolveProfile();
  const file = opts.config ?? profile.configFile;
  const config = loadConfig(file, { required: opts.config !== undefined });
  let failures = 0;
  const say = (r: ProbeResult, indent = '  ') => {
    if (!r.ok) failures++;
    process.stdout.write(`${indent}${mark(r.ok)} ${r.text}\n`);
  };
  process.stdout.write(config.missing ? `config: ${file} does not exist yet (see config.example.toml)\n` : `config: ${file} is valid\n`);
  for (const w of config.warnings) process.stdout.write(`  ! ${w}\n`);
  for (const dir of insecureDirs(profile)) process.stdout.write(`  ! ${dir} is readable by other users: chmod 700 ${dir}\n`);
  const accounts = config.accounts.filter((a) => !opts.account || a.name === opts.account);
  if (opts.account && accounts.length === 0) {
    process.stdout.write(`✗ no account named "${opts.account}"\n`);
    return 1;
  }
  for (const account of accounts) {
    process.stdout.write(`\n${account.name} (${account.protocol})${account.enabled ? '' : ' — disabled'}\n`);
    const rt = accountRuntime(account, promptHidden);
    if (!rt.factory) {
      say({ ok: false, text: rt.unavailable ?? 'not supported' });
      continue;
    }
    try {
      const secret = await rt.secret('password');
      say({ ok: true, text: secret === undefined ? 'no password needed' : `password available (from ${account.secret.kind === 'command' ? 'password_command' : account.secret.kind === 'plain' ? 'the config' : 'the prompt'})` });
    } catch (error) {
      say({ ok: false, text: userMessageOf(error) });
      continue;
    }
    const host = String(account.settings.host ?? '');
    const port = Number(account.settings.port);
    if (host && port) {
      const dns = await probeDns(host);
      say(dns);
      if (!dns.ok) continue;
      const tcp = await probeTcp(host, port);
      say(tcp);
      if (!tcp.ok) continue;
      if (account.settings.tls !== false) {
        const tls = await probeTls(host, port, account.tls);
        say(tls);
        if (!tls.ok) continue;
      } else {
        process.stdout.write('  ! TLS is off for this account: messages and the password cross the network readable\n');
      }
    }
    say(await authenticate(account, profile.logFile, logLevel(config, opts.debug)));
  }
  process.stdout.write(failures ? `\n${failures} problem${failures === 1 ? '' : 's'} found\n` : '\nall checks passed\n');
  return failures ? 1 : 0;
}
