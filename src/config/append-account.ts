/**
 * Adds an account to the config file (used by `/connect irc://…`) without disturbing what the user wrote: the new
 * `[[accounts]]` block is appended, then the whole file is validated again and the old content restored if the result
 * would not load.
 */
import { chmodSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from './load.js';

export type AccountValue = string | number | boolean | string[];

/** A TOML basic string (TOML 1.0 §String): quotes, backslashes and control characters escaped. */
export function tomlString(value: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = value.replace(/[\\"\x00-\x1f\x7f]/g, (c) => {
    switch (c) {
      case '\\': return '\\\\';
      case '"': return '\\"';
      case '\b': return '\\b';
      case '\t': return '\\t';
      case '\n': return '\\n';
      case '\f': return '\\f';
      case '\r': return '\\r';
      default: return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
    }
  });
  return `"${escaped}"`;
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

function tomlValue(file: string, key: string, value: AccountValue): string {
  if (typeof value === 'string') return tomlString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError(file, undefined, key, 'must be a finite number');
    return String(value);
  }
  return `[${value.map(tomlString).join(', ')}]`;
}

/** The `[[accounts]]` block for an account: name and protocol first, then the other keys in the given order. */
export function formatAccountBlock(
  account: { name: string; protocol: string; [key: string]: AccountValue },
  file = 'config',
): string {
  const lines = ['[[accounts]]', `name = ${tomlString(account.name)}`, `protocol = ${tomlString(account.protocol)}`];
  for (const [key, value] of Object.entries(account)) {
    if (key === 'name' || key === 'protocol' || value === undefined) continue;
    lines.push(`${tomlKey(key)} = ${tomlValue(file, key, value)}`);
  }
  return lines.join('\n') + '\n';
}

/** Replaces the file's content in one step (write a sibling, then rename), keeping its mode. */
function writeAtomic(path: string, content: string, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // Never created.
    }
    throw error;
  }
}

/**
 * Appends a well-formatted `[[accounts]]` block for `account` to `file` (creating the file with mode 0600 and its
 * directory with mode 0700 when missing), then loads the whole file again. If it no longer validates (a duplicate name,
 * a bad value, or a file that was already broken) the previous content is restored (or the new file removed) and the
 * ConfigError is thrown. On success the file holds exactly the old content plus the block.
 */
export function appendAccount(file: string, account: { name: string; protocol: string; [key: string]: AccountValue }): void {
  let target = file;
  let previous: string | undefined;
  let mode = 0o600;
  try {
    target = realpathSync(file);
    previous = readFileSync(target, 'utf8');
    mode = statSync(target).mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError(file, undefined, undefined, `cannot be read: ${(error as Error).message}`, { cause: error });
    }
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }
  const block = formatAccountBlock(account, file);
  // Keep what was there byte for byte: only add the line breaks the block needs to stand on its own.
  const next =
    previous === undefined || previous.trim() === ''
      ? (previous ?? '') + block
      : previous + (previous.endsWith('\n') ? '' : '\n') + '\n' + block;

  writeAtomic(target, next, mode);
  try {
    loadConfig(target, { required: true });
  } catch (error) {
    if (previous === undefined) unlinkSync(target);
    else writeAtomic(target, previous, mode);
    throw error;
  }
}
