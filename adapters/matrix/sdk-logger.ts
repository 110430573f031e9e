/**
 * matrix-js-sdk (and its Rust crypto) log through a loglevel logger that writes to the console by default, which
 * would draw over the TUI. This adapter hands the SDK a logger that writes to natter's log file instead, and mutes
 * the SDK's global default logger.
 */
import { createRequire } from 'node:module';
import type { Logger as SdkLogger } from 'matrix-js-sdk/lib/logger.js';
import type { Logger } from '../../src/core/logger.js';

let muted = false;

interface LogLevelLogger {
  methodFactory: unknown;
  rebuild?: () => void;
}
interface LogLevelRoot extends LogLevelLogger {
  getLoggers?: () => Record<string, LogLevelLogger>;
}

/**
 * Silences the SDK's own loglevel loggers once per process: they print to the console, and every new one the SDK
 * makes (per room, per call session) starts at debug level with the console method factory of its parent. Swapping
 * the method factory of loglevel's root and of every logger made so far covers the ones made later too. The SDK's
 * `loglevel` is reached through the SDK's own resolution, as it is the SDK's dependency, not natter's.
 */
export function muteGlobalSdkLogger(): void {
  if (muted) return;
  muted = true;
  const noop = () => () => undefined;
  try {
    const require = createRequire(import.meta.resolve('matrix-js-sdk'));
    const root = require('loglevel') as LogLevelRoot;
    root.methodFactory = noop;
    root.rebuild?.();
    for (const l of Object.values(root.getLoggers?.() ?? {})) {
      l.methodFactory = noop;
      l.rebuild?.();
    }
  } catch {
    // Without loglevel there is nothing printing either.
  }
}

function text(parts: unknown[]): string {
  return parts
    .map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : typeof p === 'string' ? p : safeJson(p)))
    .join(' ');
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** An SDK logger writing to `log` (debug and trace at debug level; the logger's redaction hides tokens). */
export function sdkLogger(log: Logger): SdkLogger {
  muteGlobalSdkLogger();
  const make = (l: Logger): SdkLogger => ({
    trace: (...m: unknown[]) => l.debug(text(m)),
    debug: (...m: unknown[]) => l.debug(text(m)),
    info: (...m: unknown[]) => l.debug(text(m)),
    warn: (...m: unknown[]) => l.info(text(m)),
    error: (...m: unknown[]) => l.warn(text(m)),
    getChild: (ns: string) => make(l.child(ns)),
  });
  return make(log.child('sdk'));
}
