/**
 * Logging for the whole program. Nothing is ever written to the terminal (it would draw over the TUI): records go to a
 * log file under the profile's state directory. Known secrets are redacted before a line is written.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
  child(scope: string): Logger;
}

const secrets = new Set<string>();

/** Registers a secret (password, token) so that no log line ever contains it. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 3) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('«redacted»');
  // Protocol lines that carry credentials: IRC PASS / AUTHENTICATE, XMPP SASL, HTTP bearer tokens.
  out = out.replace(/\b(PASS|AUTHENTICATE)\s+\S+/g, '$1 «redacted»');
  out = out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1«redacted»');
  return out;
}

function render(data: unknown): string {
  if (data === undefined) return '';
  if (data instanceof Error) return ` ${data.name}: ${data.message}${data.cause ? ` (cause: ${String(data.cause)})` : ''}`;
  try {
    return ` ${JSON.stringify(data)}`;
  } catch {
    return ` ${String(data)}`;
  }
}

export interface FileLoggerOptions {
  file?: string;
  level?: LogLevel;
  /** Where lines go instead of a file (tests). */
  sink?: (line: string) => void;
}

export function createLogger(options: FileLoggerOptions, scope = 'natter'): Logger {
  const min = order[options.level ?? 'info'];
  let ready = false;
  const write = (line: string): void => {
    if (options.sink) return options.sink(line);
    if (!options.file) return;
    try {
      if (!ready) {
        mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
        ready = true;
      }
      appendFileSync(options.file, line + '\n', { mode: 0o600 });
    } catch {
      // A log that cannot be written must never take the program down.
    }
  };
  const at = (level: LogLevel) => (message: string, data?: unknown) => {
    if (order[level] < min) return;
    write(redact(`${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${message}${render(data)}`));
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (s) => createLogger(options, `${scope}:${s}`),
  };
}

export const silentLogger: Logger = createLogger({});
