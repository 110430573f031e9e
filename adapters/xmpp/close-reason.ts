/**
 * Why a connection ended, in plain words for the status line, and whether it is an error (bad password, untrusted
 * certificate: the user must act) or just offline (network trouble that may pass).
 */
import type { ConnectionState } from '../../src/core/model.js';

export function describeClose(err: unknown): { state: ConnectionState; reason: string } {
  if (!err) return { state: 'offline', reason: 'connection closed' };
  const e = err as { code?: string; condition?: string; name?: string; message?: string; text?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
      return { state: 'offline', reason: 'connection refused' };
    case 'ECONNRESET':
      return { state: 'offline', reason: 'connection reset by the server' };
    case 'ETIMEDOUT':
      return { state: 'offline', reason: 'connection timed out' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { state: 'offline', reason: 'server name not found' };
    case 'PIN_MISMATCH':
    case 'CERT_UNTRUSTED':
    case 'CA_FILE':
    case 'NO_TLS':
    case 'NO_SERVICE':
    case 'SERVER_PROOF':
      return { state: 'error', reason: e.message ?? 'TLS failed' };
    // SOCKS5 proxy failures (src/core/net/socks5-errors.ts) carry plain words; a refused login needs the user.
    case 'PROXY_AUTH':
      return { state: 'error', reason: e.message ?? 'the proxy refused the login' };
    case 'PROXY_UNREACHABLE':
    case 'PROXY_TIMEOUT':
    case 'PROXY_PROTOCOL':
    case 'PROXY_REPLY':
    case 'PROXY_ABORTED':
      return { state: 'offline', reason: e.message ?? 'the proxy failed' };
  }
  if (e.name === 'SASLError') {
    const words = e.condition === 'not-authorized' ? 'wrong user name or password' : (e.condition ?? 'failed').replace(/-/g, ' ');
    return { state: 'error', reason: `login refused: ${words}${e.text ? ` (${e.text})` : ''}` };
  }
  if (e.name === 'StreamError') {
    return { state: e.condition === 'conflict' ? 'offline' : 'error', reason: `the server closed the stream: ${(e.condition ?? 'error').replace(/-/g, ' ')}${e.text ? ` (${e.text})` : ''}` };
  }
  if (e.name === 'TimeoutError') return { state: 'offline', reason: 'the server did not answer in time' };
  if (/certificate|self.signed|altnames/i.test(e.message ?? '')) return { state: 'error', reason: `certificate not trusted: ${e.message}` };
  return { state: 'offline', reason: e.message || 'connection lost' };
}
