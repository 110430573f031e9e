/**
 * matrix-js-sdk (and its Rust crypto) log through a loglevel logger that writes to the console by default, which
 * would draw over the TUI. This adapter hands the SDK a logger that writes to natter's log file instead, and mutes
 * the SDK's global default logger.
 */
import { logger as globalSdkLogger } from 'matrix-js-sdk/lib/logger.js';
import type { Logger as SdkLogger } from 'matrix-js-sdk/lib/logger.js';
import type { Logger } from '../../src/core/logger.js';

let muted = false;

/** Silences the SDK's global logger once per process (it is used where no client logger is passed). */
export function muteGlobalSdkLogger(): void {
  if (muted) return;
  muted = true;
  const l = globalSdkLogger as unknown as { setLevel?: (level: string, persist?: boolean) => void };
  l.setLevel?.('silent', false);
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
