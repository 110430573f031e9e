/**
 * While the interface owns the terminal nothing else may write to it: console output from any library goes to the
 * log file, and an unexpected exception is logged and shown on the status line instead of tearing the screen down.
 */
import type { Engine } from '../core/engine/engine.js';
import type { Logger } from '../core/logger.js';

export function containProcess(log: Logger, engine: Pick<Engine, 'setStatus'>): () => void {
  const original = { ...console };
  const to = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) =>
    log[level](`console: ${args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ')}`);
  console.log = to('info');
  console.info = to('info');
  console.debug = to('debug');
  console.warn = to('warn');
  console.error = to('error');
  console.trace = to('debug');
  const onError = (error: unknown) => {
    log.error('unexpected error (natter keeps running)', error instanceof Error ? { message: error.message, stack: error.stack } : error);
    engine.setStatus('error', `internal error: ${error instanceof Error ? error.message : String(error)} (details in the log)`);
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return () => {
    Object.assign(console, original);
    process.removeListener('uncaughtException', onError);
    process.removeListener('unhandledRejection', onError);
  };
}
