/**
 * Why an IMAP connection ended, in plain words for the status line, and whether it is an error (bad password,
 * untrusted certificate: the user must act) or just offline (network trouble that may pass).
 */
import type { ConnectionState } from '../../src/core/model.js';

export function describeClose(err: unknown): { state: ConnectionState; reason: string } {
  if (!err) return { state: 'offline', reason: 'connection closed' };
  const e = err as { code?: string; authenticationFailed?: boolean; message?: string; responseText?: string };
  if (e.authenticationFailed || e.code === 'AUTHENTICATIONFAILED') return { state: 'error', reason: 'login refused: wrong address or password' };
  switch (e.code) {
    case 'ECONNREFUSED':
      return { state: 'offline', reason: 'connection refused' };
    case 'ECONNRESET':
    case 'EPIPE':
      return { state: 'offline', reason: 'connection reset by the server' };
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
    case 'GREETING_TIMEOUT':
      return { state: 'offline', reason: 'connection timed out' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { state: 'offline', reason: 'server name not found' };
    case 'CA_FILE':
      return { state: 'error', reason: e.message ?? 'cannot read ca_file' };
    case 'PIN_MISMATCH':
      return { state: 'error', reason: e.message ?? 'the server certificate does not match tls_fingerprint' };
  }
  if (/certificate|self.signed|altnames|unable to verify/i.test(e.message ?? '')) return { state: 'error', reason: `certificate not trusted: ${e.message}` };
  return { state: 'offline', reason: e.responseText || e.message || 'connection lost' };
}
