/**
 * The typed error of a proxied connection attempt, with plain words for every way a SOCKS5 proxy can fail: the proxy
 * itself unreachable, the login refused, and each reply code of RFC 1928 §6 (plus Tor's extended onion-service codes,
 * Tor proposal 304), naming the target the proxy was asked for.
 */
import { NetworkError } from '../errors.js';

/** Why a connection through the proxy failed; `code` is what adapters map to a connection state. */
export type ProxyErrorCode =
  /** The proxy itself could not be reached (TCP to the proxy failed). */
  | 'PROXY_UNREACHABLE'
  /** No answer within the time limit. */
  | 'PROXY_TIMEOUT'
  /** The proxy closed the connection or spoke something that is not SOCKS5. */
  | 'PROXY_PROTOCOL'
  /** The proxy wants a login natter cannot give, or refused the user name and password (RFC 1929). */
  | 'PROXY_AUTH'
  /** The proxy answered the CONNECT request with a failure reply (see `reply`). */
  | 'PROXY_REPLY'
  /** The caller gave up (the connection attempt was cancelled). */
  | 'PROXY_ABORTED';

export class ProxyError extends NetworkError {
  override name = 'ProxyError';
  /** The RFC 1928 REP field for `PROXY_REPLY`. */
  readonly reply: number | undefined;
  constructor(
    readonly code: ProxyErrorCode,
    userMessage: string,
    options?: { cause?: unknown; reply?: number },
  ) {
    super(userMessage, options);
    this.reply = options?.reply;
  }
}

/**
 * Plain words for a failure reply (RFC 1928 §6 REP ≠ 0) to CONNECT `target`, e.g.
 * "the proxy could not reach irc.example.org: host unreachable".
 */
export function replyMessage(reply: number, target: string): string {
  const reach = (why: string) => `the proxy could not reach ${target}: ${why}`;
  switch (reply) {
    case 0x01: return `the proxy failed while connecting to ${target} (general SOCKS server failure)`;
    case 0x02: return `the proxy does not allow connections to ${target} (refused by its rules)`;
    case 0x03: return reach('network unreachable');
    case 0x04: return reach('host unreachable');
    case 0x05: return reach('connection refused');
    case 0x06: return reach('TTL expired');
    case 0x07: return 'the proxy does not support connecting to a server (command not supported)';
    case 0x08: return `the proxy does not accept host names such as ${target} (address type not supported); natter never looks names up itself while a proxy is set`;
    // Tor's extended errors for onion services (proposal 304, SocksPort ExtendedErrors).
    case 0xf0: return reach('onion service descriptor not found');
    case 0xf1: return reach('onion service descriptor is invalid');
    case 0xf2: return reach('onion service introduction failed');
    case 0xf3: return reach('onion service rendezvous failed');
    case 0xf4: return reach('onion service needs client authorization');
    case 0xf5: return reach('onion service client authorization was refused');
    case 0xf6: return reach('invalid onion address');
    case 0xf7: return reach('onion service introduction timed out');
    default: return `the proxy refused the connection to ${target} (reply code 0x${reply.toString(16).padStart(2, '0')})`;
  }
}

/** Plain words for a socket error code when connecting to the proxy itself. */
export function socketErrorWords(code: string | undefined, message: string): string {
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ETIMEDOUT': return 'connection timed out';
    case 'ECONNRESET': return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return 'its host name was not found';
    case 'EHOSTUNREACH': return 'host unreachable';
    case 'ENETUNREACH': return 'network unreachable';
    default: return message || code || 'unknown error';
  }
}
