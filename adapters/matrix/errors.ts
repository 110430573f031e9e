/**
 * Plain words for what went wrong talking to a homeserver. Matrix errors carry an `errcode` (client-server spec
 * §"Standard error response"); network failures come from the SDK as ConnectionError.
 */
import { ConnectionError, MatrixError } from 'matrix-js-sdk';
import { NatterError } from '../../src/core/errors.js';
import { certificateProblem } from './http-transport.js';

/** A login that cannot succeed by retrying (wrong password, deactivated account): stop and tell the user. */
export class MatrixLoginError extends NatterError {
  override name = 'MatrixLoginError';
}

export interface Described {
  /** Plain words for the status line. */
  reason: string;
  /** True when retrying later may help (network, rate limit, server trouble). */
  transient: boolean;
}

/** What an error from the SDK means for the user, and whether a retry can help. */
export function describeError(e: unknown): Described {
  if (e instanceof MatrixLoginError) return { reason: e.userMessage, transient: false };
  if (e instanceof MatrixError) {
    const server = e.data?.error ? `: ${String(e.data.error)}` : '';
    switch (e.errcode) {
      case 'M_FORBIDDEN':
        return { reason: `refused by the server${server}`, transient: false };
      case 'M_UNKNOWN_TOKEN':
        return { reason: 'the server ended this session (logged out elsewhere?)', transient: false };
      case 'M_USER_DEACTIVATED':
        return { reason: 'this account is deactivated', transient: false };
      case 'M_LIMIT_EXCEEDED':
        return { reason: 'rate limited by the server', transient: true };
      case 'M_NOT_FOUND':
        return { reason: `not found${server}`, transient: false };
      default:
        return { reason: `server error ${e.errcode ?? e.httpStatus ?? ''}${server}`.trim(), transient: (e.httpStatus ?? 0) >= 500 };
    }
  }
  const cert = certificateProblem(e);
  if (cert) return { reason: cert, transient: false };
  if (e instanceof ConnectionError) return { reason: `cannot reach the homeserver (${e.message})`, transient: true };
  if (e instanceof NatterError) return { reason: e.userMessage, transient: false };
  if (e instanceof Error) return { reason: e.message, transient: true };
  return { reason: String(e), transient: true };
}

/** The errcode of a Matrix error, if it is one. */
export function errcodeOf(e: unknown): string | undefined {
  return e instanceof MatrixError ? e.errcode : undefined;
}
