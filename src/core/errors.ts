/**
 * Typed errors: each carries a message written for the user (shown on the status line or by the CLI) and the
 * underlying cause (logged, never shown raw).
 */
export class NatterError extends Error {
  override name = 'NatterError';
  constructor(
    /** Plain words for the user: what happened and what to do. */
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
  }
}

/** The config file is wrong: names the file, line and key, and what would be valid. */
export class ConfigError extends NatterError {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly key: string | undefined,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${key ? `${key}: ` : ''}${problem}`, options);
  }
}

/** Another natter process holds this profile. */
export class ProfileLockedError extends NatterError {
  override name = 'ProfileLockedError';
}

/** A command the user typed could not be understood or run. */
export class CommandError extends NatterError {
  override name = 'CommandError';
}

export class NetworkError extends NatterError {
  override name = 'NetworkError';
}

export function userMessageOf(error: unknown): string {
  if (error instanceof NatterError) return error.userMessage;
  if (error instanceof Error) return error.message;
  return String(error);
}
