/**
 * `natter doctor`: checks each account's config, secret, DNS, TCP, TLS and authentication, and says what to fix.
 * Exits non-zero when any check fails.
 */
import type { LogLevel } from '../core/logger.js';
import { userMessageOf } from '../core/errors.js';
import { loadConfig, type AccountConfig } from '../config/load.js';
import { insecureDirs, resolveProfile } from '../config/paths.js';
import { accountRuntime, logLevel } from '../app/open-session.js';
import { ProfileLockedError } from '../core/errors.js';
import { keepsLastingState, openAccountState } from './account-state.js';
import { connectOnce } from './connect-once.js';
import { probeDns, probeTcp, probeTls, probeViaProxy, type ProbeResult } from './network-probe.js';
import { promptHidden } from './prompt-hidden.js';

const mark = (ok: boolean) => (ok ? '✓' : '✗');


async function authenticate(account: AccountConfig, logFile: string, level: LogLevel, dataDir: string): Promise<ProbeResult> {
  // Log in with the account's stored state (see account-state.ts), so the check never registers a new device or key.
  const state = openAccountState(dataDir, account.name);
  if (state instanceof ProfileLockedError && keepsLastingState(account.protocol)) {
    return { ok: true, text: `login not checked here: ${state.message}; that natter shows the login state` };
  }
  try {
    const session = await connectOnce(account, { logFile, level, scope: 'doctor', timeoutMs: 20_000, kv: state instanceof ProfileLockedError ? undefined : state.kv });
    await session.close('natter doctor');
    return { ok: true, text: `logged in${session.self ? ` as ${session.self}` : ''}` };
  } catch (error) {
    return { ok: false, text: userMessageOf(error) };
  } finally {
    if (!(state instanceof ProfileLockedError)) state.close();
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
    if (host && port && account.proxy) {
      // Behind a proxy no DNS probe and no direct connection: either would leak what the proxy is there to hide.
      const reached = await probeViaProxy(account.proxy, host, port);
      say(reached);
      if (!reached.ok) continue;
    } else if (host && port) {
      const dns = await probeDns(host);
      say(dns);
      if (!dns.ok) continue;
      const tcp = await probeTcp(host, port);
      say(tcp);
      if (!tcp.ok) continue;
      // Implicit TLS is probed here; STARTTLS (XMPP's default) is upgraded inside the protocol and checked at login.
      const implicitTls = account.protocol === 'xmpp' ? account.settings.tls === 'direct' : account.settings.tls !== false;
      if (account.protocol === 'xmpp' && !implicitTls) {
        process.stdout.write('  · TLS via STARTTLS: verified during the login below\n');
      } else if (implicitTls) {
        const tls = await probeTls(host, port, account.tls);
        say(tls);
        if (!tls.ok) continue;
      } else {
        process.stdout.write('  ! TLS is off for this account: messages and the password cross the network readable\n');
      }
    }
    say(await authenticate(account, profile.logFile, logLevel(config, opts.debug), profile.dataDir));
  }
  process.stdout.write(failures ? `\n${failures} problem${failures === 1 ? '' : 's'} found\n` : '\nall checks passed\n');
  return failures ? 1 : 0;
}
