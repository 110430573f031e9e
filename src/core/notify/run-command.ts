/**
 * The `[notifications] command` hook (notify_command): the program runs without a shell (argv as configured, so
 * nothing in a message can inject shell syntax) and gets the notification in its environment, never in argv:
 * NATTER_NOTIFY_TITLE, NATTER_NOTIFY_BODY, NATTER_NOTIFY_ACCOUNT, NATTER_NOTIFY_CONVERSATION, NATTER_NOTIFY_MENTION
 * ("1" or "0"). It is killed after a timeout; its output is discarded.
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../logger.js';

/** How long a notify command may run before it is killed. */
export const NOTIFY_COMMAND_TIMEOUT_MS = 10_000;

export interface NotifyCommandVars {
  title: string;
  body: string;
  account: string;
  conversation: string;
  mention: boolean;
}

/** Environment values cannot hold NUL; control characters are dropped so the hook never sees terminal escapes. */
function envValue(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, ' ');
}

/** The environment the hook gets: the parent's plus the NATTER_NOTIFY_* variables. */
export function notifyCommandEnv(vars: NotifyCommandVars, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    NATTER_NOTIFY_TITLE: envValue(vars.title),
    NATTER_NOTIFY_BODY: envValue(vars.body),
    NATTER_NOTIFY_ACCOUNT: envValue(vars.account),
    NATTER_NOTIFY_CONVERSATION: envValue(vars.conversation),
    NATTER_NOTIFY_MENTION: vars.mention ? '1' : '0',
  };
}

/**
 * Runs the hook once. Resolves with its exit code (null when killed by a signal or the timeout) or rejects never:
 * a missing program or a failure is logged as a warning and resolves with null.
 */
export function runNotifyCommand(
  argv: readonly string[],
  vars: NotifyCommandVars,
  options: { log?: Logger; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<number | null> {
  return new Promise((resolve) => {
    const [program, ...args] = argv;
    if (!program) {
      resolve(null);
      return;
    }
    let child;
    try {
      child = spawn(program, args, {
        shell: false,
        stdio: 'ignore',
        env: notifyCommandEnv(vars, options.env),
        timeout: options.timeoutMs ?? NOTIFY_COMMAND_TIMEOUT_MS,
        killSignal: 'SIGKILL',
      });
    } catch (error) {
      options.log?.warn('notify command could not start', error);
      resolve(null);
      return;
    }
    child.once('error', (error) => {
      options.log?.warn(`notify command ${program} failed`, error);
      resolve(null);
    });
    child.once('exit', (code, signal) => {
      if (signal) options.log?.warn(`notify command ${program} was stopped by ${signal}`);
      resolve(code);
    });
  });
}
