/** Plain words for why a connection ended, for the status line ("connection refused, retrying in 4 s"). */
import type { ConnectionState } from '../../src/core/model.js';

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'CERT_REVOKED', 'CERT_SIGNATURE_FAILURE',
]);

/**
 * `error` state for problems that retrying alone will not fix (certificates, pins, unreadable CA file);
 * `offline` for everything on the network side.
 */
export function describeClose(err: unknown, serverError: string | undefined): { state: ConnectionState; reason: string } {
  if (err && typeof err === 'object') {
    const code = String((err as { code?: unknown }).code ?? '');
    const message = String((err as { message?: unknown }).message ?? '');
    if (code === 'PIN_MISMATCH') return { state: 'error', reason: 'server certificate does not match tls_fingerprint' };
    if (code === 'CA_FILE') return { state: 'error', reason: message };
    // SOCKS5 proxy failures (src/core/net/socks5-errors.ts) already carry plain words; a refused login needs the user.
    if (code.startsWith('PROXY_')) return { state: code === 'PROXY_AUTH' ? 'error' : 'offline', reason: message };
    if (CERT_CODES.has(code)) {
      const why = code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN'
        ? 'self-signed certificate'
        : code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'certificate is for another host name'
        : code === 'CERT_HAS_EXPIRED' ? 'certificate expired'
        : message || code;
      return { state: 'error', reason: `server certificate not trusted (${why}); set ca_file or tls_fingerprint` };
    }
    const words: Record<string, string> = {
      ECONNREFUSED: 'connection refused',
      ETIMEDOUT: 'connection timed out',
      ECONNRESET: 'connection reset',
      EPIPE: 'connection reset',
      ENOTFOUND: 'server name not found',
      EAI_AGAIN: 'server name not found',
      EHOSTUNREACH: 'host unreachable',
      ENETUNREACH: 'network unreachable',
    };
    if (words[code]) return { state: 'offline', reason: words[code] };
    if (/handshake|ssl|tls|wrong version/i.test(message)) return { state: 'error', reason: `TLS handshake failed (${message})` };
    if (message) return { state: 'offline', reason: message };
  }
  if (serverError) return { state: 'offline', reason: `server closed the connection: ${serverError}` };
  return { state: 'offline', reason: 'connection lost' };
}
