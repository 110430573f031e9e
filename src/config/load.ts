/**
 * Loads and validates the config file. Every problem becomes one ConfigError that names the file, the line, the key
 * path (`accounts[1].port`) and what would be valid, so the user can fix it without reading the source.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TomlError, parse } from 'smol-toml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { Protocol } from '../core/model.js';
import { parseProxyUrl, type ProxyConfig } from '../core/net/proxy.js';
import { buildKeymap } from '../core/keys/build-keymap.js';
import { indexKeyLines, locateKey, type KeyPath } from './locate.js';
import {
  COMMON_ACCOUNT_KEYS,
  CONFIG_KEYS,
  PROTOCOLS,
  configSchema,
  type ConfigOutput,
  type KeysConfig,
  type LogConfig,
  type NotificationsConfig,
  type PeopleConfig,
  type UiConfig,
} from './schema.js';
import { closest } from './suggest.js';

export type { KeysConfig, LogConfig, UiConfig } from './schema.js';

/** Where an account's password comes from. `none`: natter asks interactively when it needs one. */
export type SecretSource = { kind: 'none' } | { kind: 'plain'; value: string } | { kind: 'command'; command: string };

export interface AccountConfig {
  /** The account's unique name: the account id everything else is scoped by. */
  name: string;
  protocol: Protocol;
  enabled: boolean;
  /** Line of the account's `[[accounts]]` header in the config file (0 when unknown). */
  line: number;
  secret: SecretSource;
  tls: {
    /** Absolute path of a readable PEM file (checked at load). */
    caFile?: string;
    /** SHA-256 of the server certificate, uppercase hex pairs joined by colons. */
    fingerprint?: string;
    dangerAcceptInvalid: boolean;
  };
  /**
   * The SOCKS5 proxy this account connects through: its own `proxy` key, else `[network] proxy`; absent when neither
   * is set or the account says "none". Holds the login from the URL (the password is a secret: never log it).
   */
  proxy?: ProxyConfig;
  /**
   * The protocol keys with defaults applied, snake_case as in TOML (see IrcSettings, XmppSettings, MatrixSettings,
   * EmailSettings in schema.ts). Excludes the secrets and the common keys above (name, protocol, enabled, TLS keys).
   */
  settings: Record<string, unknown>;
}

export interface LoadedConfig {
  file: string;
  /** True when there was no file (and it was not required): defaults, no accounts. */
  missing: boolean;
  ui: UiConfig;
  log: LogConfig;
  /** `[notifications]` with defaults applied (optional for configs built by hand in tests). */
  notifications?: NotificationsConfig;
  /** `[keys]`: the keymap and its `[keys.bind]` overrides, checked (optional for configs built by hand in tests). */
  keys?: KeysConfig;
  accounts: AccountConfig[];
  /** `[[people]]`: addresses of one person across networks (optional for configs built by hand in tests). */
  people?: PeopleConfig;
  /** Plain sentences for the user (insecure permissions, certificate checks turned off). */
  warnings: string[];
}

interface Problem {
  path: KeyPath;
  message: string;
}

/** The config of a profile without a config file: defaults, no accounts. */
export function emptyConfig(file: string, missing = true): LoadedConfig {
  const parsed = configSchema.parse({});
  return { file, missing, ui: parsed.ui, log: parsed.log, notifications: parsed.notifications, keys: parsed.keys, people: parsed.people, accounts: [], warnings: [] };
}

/**
 * Reads and validates `file`. A missing file gives the empty config (`missing: true`) unless `required` (the user named
 * the file with --config). Throws ConfigError for anything else that is wrong: unreadable file, TOML syntax, schema,
 * duplicate account names, a `ca_file` that cannot be read. Never throws any other error type.
 */
export function loadConfig(file: string, options: { required?: boolean } = {}): LoadedConfig {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !options.required) return emptyConfig(file);
    const problem =
      code === 'ENOENT'
        ? 'the file does not exist; create it (config.example.toml shows every key) or leave out --config'
        : code === 'EISDIR'
          ? 'is a directory, not a config file'
          : code === 'EACCES'
            ? 'cannot be read: permission denied'
            : `cannot be read: ${(error as Error).message}`;
    throw new ConfigError(file, undefined, undefined, problem, { cause: error });
  }
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);

  let raw: Record<string, unknown>;
  try {
    raw = parse(source) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw new ConfigError(file, undefined, undefined, String(error), { cause: error });
    const what = error.message.replace(/^Invalid TOML document:\s*/, '').split('\n')[0]!.trim();
    throw new ConfigError(file, error.line, undefined, `TOML syntax error at column ${error.column}: ${what}. ${syntaxHint(what)}`, {
      cause: error,
    });
  }

  const lines = indexKeyLines(source);
  const fail = (problems: Problem[]): never => {
    const located = problems.map((p, order) => ({ ...p, order, line: locateKey(source, p.path, lines) }));
    located.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || a.order - b.order);
    const first = located[0]!;
    const more = located.length - 1;
    const tail = more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'} in this file)` : '';
    throw new ConfigError(file, first.line, formatPath(first.path) || undefined, first.message + tail);
  };

  const result = configSchema.safeParse(raw);
  if (!result.success) fail(result.error.issues.flatMap((issue) => describeIssue(issue, raw)));
  const parsed = result.data as ConfigOutput;

  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  parsed.accounts.forEach((account, i) => {
    const key = account.name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else {
      const line = locateKey(source, ['accounts', first], lines);
      problems.push({
        path: ['accounts', i, 'name'],
        message: `account name '${account.name}' is already used by the account at line ${line ?? '?'}; account names must be unique`,
      });
    }
  });
  for (const p of buildKeymap(parsed.keys.keymap, parsed.keys.bind).problems) {
    problems.push({ path: ['keys', 'bind', p.action], message: p.message });
  }
  const caFiles = parsed.accounts.map((account, i) => {
    if (account.ca_file === undefined) return undefined;
    const path = resolveConfigPath(file, account.ca_file);
    const problem = unreadableFile(path);
    if (problem) problems.push({ path: ['accounts', i, 'ca_file'], message: problem });
    return path;
  });
  if (problems.length) fail(problems);

  const accounts = parsed.accounts.map((account, i): AccountConfig => {
    const settings: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(account)) {
      if (!(COMMON_ACCOUNT_KEYS as readonly string[]).includes(key)) settings[key] = value;
    }
    const secret: SecretSource =
      account.password !== undefined
        ? { kind: 'plain', value: account.password }
        : account.password_command !== undefined
          ? { kind: 'command', command: account.password_command }
          : { kind: 'none' };
    const tls: AccountConfig['tls'] = { dangerAcceptInvalid: account.tls_danger_accept_invalid_certs };
    if (caFiles[i] !== undefined) tls.caFile = caFiles[i];
    if (account.tls_fingerprint !== undefined) tls.fingerprint = account.tls_fingerprint;
    const proxy = resolveProxy(account.proxy ?? parsed.network.proxy);
    return {
      name: account.name,
      protocol: account.protocol,
      enabled: account.enabled,
      line: locateKey(source, ['accounts', i], lines) ?? 0,
      secret,
      tls,
      settings,
      ...(proxy ? { proxy } : {}),
    };
  });

  return { file, missing: false, ui: parsed.ui, log: parsed.log, notifications: parsed.notifications, keys: parsed.keys, people: parsed.people, accounts, warnings: warningsFor(file, accounts) };
}

/** A validated proxy value (account or global) as the account uses it; "none" and no value mean no proxy. */
function resolveProxy(value: string | undefined): ProxyConfig | undefined {
  if (value === undefined) return undefined;
  const parsed = parseProxyUrl(value);
  return typeof parsed === 'object' && !('problem' in parsed) ? parsed : undefined;
}

function warningsFor(file: string, accounts: AccountConfig[]): string[] {
  const warnings: string[] = [];
  if (accounts.some((a) => a.secret.kind === 'plain' || a.proxy?.password)) {
    let mode = 0;
    try {
      mode = statSync(file).mode;
    } catch {
      // Vanished since we read it: nothing to warn about.
    }
    if (mode & 0o044) {
      warnings.push(
        `${file} contains a password and can be read by other users: run chmod 600 ${file} ` +
          '(or use password_command instead of password)',
      );
    }
  }
  for (const a of accounts) {
    if (a.tls.dangerAcceptInvalid) {
      warnings.push(
        `account '${a.name}' (${file}:${a.line}): tls_danger_accept_invalid_certs = true turns off certificate ` +
          'verification; anyone on the network path can read and change this connection. Prefer ca_file or tls_fingerprint.',
      );
    }
    if (a.protocol === 'irc' && a.settings['tls'] === false && (a.tls.caFile || a.tls.fingerprint)) {
      warnings.push(`account '${a.name}' (${file}:${a.line}): ca_file/tls_fingerprint have no effect because tls = false`);
    }
  }
  return warnings;
}

/** Paths in the config file: `~/` is the home directory, relative paths are relative to the config file's directory. */
export function resolveConfigPath(configFile: string, path: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(dirname(resolve(configFile)), path);
}

function unreadableFile(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return `'${path}' is not a file`;
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `file '${path}' does not exist`;
    if (code === 'EACCES') return `file '${path}' cannot be read: permission denied`;
    return `file '${path}' cannot be read: ${(error as Error).message}`;
  }
}

/** `accounts[1].port`; keys that are not bare TOML keys are quoted. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

function rawAt(root: unknown, path: KeyPath): unknown {
  let v = root;
  for (const part of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[part];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number with a fraction';
  if (typeof v === 'boolean') return 'a boolean';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object' && v !== null) return 'a table';
  return typeof v;
}

function knownKeysAt(path: KeyPath, raw: unknown): readonly string[] {
  if (path.length === 0) return CONFIG_KEYS.top;
  if (path.length === 1 && path[0] === 'ui') return CONFIG_KEYS.ui;
  if (path.length === 1 && path[0] === 'log') return CONFIG_KEYS.log;
  if (path.length === 1 && path[0] === 'network') return CONFIG_KEYS.network;
  if (path.length === 1 && path[0] === 'keys') return CONFIG_KEYS.keys;
  if (path.length === 1 && path[0] === 'notifications') return CONFIG_KEYS.notifications;
  if (path.length === 2 && path[0] === 'people') return CONFIG_KEYS.people;
  if (path.length === 2 && path[0] === 'accounts') {
    const protocol = rawAt(raw, [...path, 'protocol']);
    if ((PROTOCOLS as readonly unknown[]).includes(protocol)) return CONFIG_KEYS[protocol as Protocol];
    return CONFIG_KEYS.common;
  }
  return [];
}

function unknownKey(key: string, parent: KeyPath, raw: unknown): string {
  const known = knownKeysAt(parent, raw);
  const suggestion = closest(key, known);
  if (suggestion) return `unknown key '${key}'; did you mean '${suggestion}'?`;
  if (parent.length === 2 && parent[0] === 'accounts') {
    const protocol = rawAt(raw, [...parent, 'protocol']);
    const owner = PROTOCOLS.find((p) => CONFIG_KEYS[p].includes(key));
    if (owner && owner !== protocol) return `unknown key '${key}': ${owner} accounts have it, ${String(protocol)} accounts do not`;
  }
  if (parent.length === 0 && /^accounts?$/i.test(key)) return `unknown key '${key}'; start each account with [[accounts]]`;
  return known.length ? `unknown key '${key}'; valid keys here: ${known.join(', ')}` : `unknown key '${key}'`;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): Problem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], message: unknownKey(key, path, raw) }));
  }
  const value = rawAt(raw, path);
  if (issue.code === 'invalid_union' && path[path.length - 1] === 'protocol') {
    const valid = `one of ${PROTOCOLS.join(', ')}`;
    if (value === undefined) return [{ path, message: `is required: set it to ${valid}` }];
    const suggestion = typeof value === 'string' ? closest(value, PROTOCOLS) : undefined;
    return [{ path, message: `must be ${valid}${suggestion ? `; did you mean '${suggestion}'?` : ''}` }];
  }
  if (issue.code === 'invalid_type' && issue.expected === 'object' && path.length === 2 && path[0] === 'accounts') {
    return [{ path, message: `must be a table: start each account with a [[accounts]] line, not ${describeValue(value)}` }];
  }
  let message = issue.message.startsWith('Invalid') ? `has an invalid value (${issue.message})` : issue.message;
  if (issue.code === 'invalid_value' && typeof value === 'string') {
    const suggestion = closest(value, issue.values.map(String));
    if (suggestion) message += `; did you mean '${suggestion}'?`;
  }
  if (issue.code === 'invalid_type' && value !== undefined) message += `, not ${describeValue(value)}`;
  return [{ path, message }];
}

/** A plain-words hint for smol-toml's syntax error messages. */
function syntaxHint(what: string): string {
  if (/unfinished string|control characters are not allowed in strings/.test(what)) {
    return 'A string is missing its closing quote (or holds a raw control character: write \\n or \\t).';
  }
  if (/invalid value/.test(what)) return 'Text values need double quotes (host = "irc.example.org"); true and false are lowercase.';
  if (/redefine/.test(what)) return 'This key or table is written twice; each account starts with its own [[accounts]] line.';
  if (/end-of-line/.test(what)) return 'Put each key = value on its own line.';
  if (/end of key|empty bare key|character in key/.test(what)) return 'Each line must have the form key = value; keys are made of letters, digits, "_" and "-".';
  if (/array|comma or end of structure/.test(what)) return 'Check the commas and the closing bracket of this list: ["#a", "#b"].';
  if (/table/.test(what)) return 'A table header needs its closing brackets: [ui] or [[accounts]].';
  return 'See config.example.toml for the syntax.';
}
