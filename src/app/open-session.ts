/**
 * Opens a profile for a running natter: resolves its paths, loads the config, takes the profile lock, opens the store
 * and builds the engine with one runtime per account. The CLI's commands and the TUI start from here.
 */
import { resolveProfile, ensureDirs, type Profile } from '../config/paths.js';
import { loadConfig, type AccountConfig, type LoadedConfig } from '../config/load.js';
import { resolveSecret } from '../config/secrets.js';
import { appendAccount } from '../config/append-account.js';
import { createLogger, type Logger, type LogLevel } from '../core/logger.js';
import { proxyEndpoint } from '../core/net/proxy.js';
import { Engine } from '../core/engine/engine.js';
import type { AccountRuntime } from '../core/engine/account-runtime.js';
import { openStore } from '../store/open-store.js';
import { acquireProfileLock } from '../store/lock.js';
import type { Store } from '../store/types.js';
import { adapterFactory, unavailableReason } from './adapters.js';
import { accountFromUrl } from './account-from-url.js';

export interface SessionOptions {
  configFile?: string;
  debug?: boolean;
  /** Asks the user for a secret no config source provides (the TUI's prompt, the CLI's TTY prompt). */
  prompt?: (question: string) => Promise<string>;
  env?: NodeJS.ProcessEnv;
}

export interface Session {
  profile: Profile;
  config: LoadedConfig;
  store: Store;
  engine: Engine;
  log: Logger;
  close(reason?: string): Promise<void>;
}

/** Protocols whose adapters open every connection through the account's proxy (src/core/net/socks5.ts). */
const PROXY_CAPABLE: ReadonlySet<string> = new Set(['irc', 'xmpp', 'matrix', 'email']);

/**
 * Why an account with a proxy cannot start: its adapter would connect around the proxy (and look names up locally),
 * so it stays off rather than leak. Undefined when the account has no proxy or its adapter uses it.
 */
export function proxyUnsupported(account: AccountConfig): string | undefined {
  if (!account.proxy || PROXY_CAPABLE.has(account.protocol)) return undefined;
  return `${account.protocol} accounts cannot use a proxy yet, so this one stays off rather than connect around it; ` +
    `set proxy = "none" in its [[accounts]] section to connect it directly`;
}

/** The runtime of one configured account: its protocol keys, its TLS keys and where its secrets come from. */
export function accountRuntime(account: AccountConfig, prompt?: SessionOptions['prompt']): AccountRuntime {
  let cached: string | undefined;
  const noProxy = proxyUnsupported(account);
  const factory = noProxy ? undefined : adapterFactory(account.protocol);
  // IRC works without a password; ask for one only when SASL is configured. Other networks always need one.
  const asks = account.protocol !== 'irc' || Boolean(account.settings.sasl_username);
  return {
    id: account.name,
    protocol: account.protocol,
    enabled: account.enabled,
    factory,
    unavailable: noProxy ?? unavailableReason(account.protocol),
    config: {
      ...account.settings,
      ca_file: account.tls.caFile,
      tls_fingerprint: account.tls.fingerprint,
      tls_danger_accept_invalid_certs: account.tls.dangerAcceptInvalid,
      // The proxy without its password (src/core/net/proxy.ts proxyFromContext adds the secret `proxy_password`).
      ...(account.proxy ? { proxy: proxyEndpoint(account.proxy) } : {}),
    },
    secret: async (name) => {
      if (name === 'proxy_password') return account.proxy?.password;
      if (name !== 'password') return undefined;
      if (account.secret.kind === 'none' && !asks) return undefined;
      cached ??= await resolveSecret(account.secret, { account: account.name, prompt });
      return cached;
    },
  };
}

export function logLevel(config: LoadedConfig, debug?: boolean): LogLevel {
  return debug ? 'debug' : (config.log.level as LogLevel);
}

export async function openSession(options: SessionOptions = {}): Promise<Session> {
  const profile = resolveProfile(options.env ?? process.env);
  const configFile = options.configFile ?? profile.configFile;
  const config = loadConfig(configFile, { required: options.configFile !== undefined });
  ensureDirs(profile);
  const log = createLogger({ file: profile.logFile, level: logLevel(config, options.debug) });
  const lock = acquireProfileLock(profile.dataDir);
  let store: Store;
  try {
    store = openStore(profile.dataDir, { log: log.child('store') });
  } catch (error) {
    lock.release();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const session: Session = {
    profile,
    config,
    store,
    log,
    engine: undefined as unknown as Engine,
    close: (reason) =>
      (closing ??= (async () => {
        await session.engine.stop(reason);
        store.close();
        lock.release();
      })()),
  };
  session.engine = new Engine({
    store,
    log: log.child('engine'),
    accounts: config.accounts.map((a) => accountRuntime(a, options.prompt)),
    keywords: config.notifications?.keywords,
    host: {
      addAccount: async (url) => {
        const section = accountFromUrl(url, new Set(session.engine.accountIds()));
        appendAccount(config.file, section);
        const reloaded = loadConfig(config.file, { required: true });
        const added = reloaded.accounts.find((a) => a.name === section.name);
        if (!added) throw new Error(`the account ${section.name} did not reach the config`);
        return accountRuntime(added, options.prompt);
      },
    },
  });
  for (const w of config.warnings) session.engine.setStatus('warn', w);
  if (config.accounts.length === 0) {
    session.engine.setStatus(
      'info',
      `No accounts yet. Type /connect ircs://nick@irc.example.org/#channel, or add [[accounts]] to ${config.file} (see config.example.toml).`,
    );
  }
  return session;
}
