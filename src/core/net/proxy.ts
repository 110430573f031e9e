/**
 * Proxy settings: the `proxy` URL of the config file (`[network] proxy`, or per account) parsed into plain data, and
 * how an adapter gets the resolved proxy of its account.
 *
 * Only SOCKS5 (RFC 1928) is supported. `socks5://` and `socks5h://` mean the same here: natter always hands the host
 * name to the proxy (address type DOMAIN) and never resolves it locally, so a proxy never leaks DNS (Tor's SOCKS port
 * works as it is). Credentials in the URL (`socks5://user:pass@host:port`) use RFC 1929 username/password login; the
 * password travels to adapters as the secret `proxy_password`, never inside `AdapterContext.config`, and is never logged.
 */
import { isIP } from 'node:net';
import type { AdapterContext } from '../contract.js';
import { registerSecret } from '../logger.js';

/** A SOCKS5 proxy: where it listens and, for RFC 1929 login, the user name and password. */
export interface ProxyConfig {
  protocol: 'socks5';
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/** What `AdapterContext.config.proxy` holds: the proxy without its password (which is the secret `proxy_password`). */
export interface ProxyEndpoint {
  protocol: 'socks5';
  host: string;
  port: number;
  username?: string;
}

/** The IANA port of SOCKS (RFC 1928 §3), used when the URL names none. */
export const SOCKS_DEFAULT_PORT = 1080;

/** The words config messages use for a valid proxy value. */
export const PROXY_URL_HINT =
  'a SOCKS5 proxy URL such as "socks5://127.0.0.1:9050" (Tor), optionally with user:password@ before the host, or "none"';

/**
 * Parses a proxy URL. Returns the proxy, `'none'` for the word none (no proxy for this account even when a global one
 * is set), or a plain-words reason why the text is not a usable proxy URL. Never throws.
 */
export function parseProxyUrl(text: string): ProxyConfig | 'none' | { problem: string } {
  const value = text.trim();
  if (value.toLowerCase() === 'none') return 'none';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (!scheme) return { problem: 'has no scheme: write it as socks5://host:port' };
  if (scheme !== 'socks5' && scheme !== 'socks5h') {
    return { problem: `uses the scheme ${scheme}://, but only SOCKS5 proxies are supported (socks5://host:port)` };
  }
  let url: URL;
  try {
    // WHATWG URL only parses host and port of "special" schemes reliably; http:// has the same authority syntax.
    url = new URL(`http://${value.slice(scheme.length + 3)}`);
  } catch {
    return { problem: 'is not a valid URL' };
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return { problem: 'must not have a path, query or fragment after host:port' };
  }
  // The WHATWG parser drops an explicit default port of http (80); read the port from the text instead.
  const authority = value.slice(scheme.length + 3).split(/[/?#]/)[0]!;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const portText = /:(\d*)$/.exec(hostPort.startsWith('[') ? hostPort.slice(hostPort.indexOf(']') + 1) : hostPort)?.[1];
  if (portText === '') return { problem: 'has an empty port: write host:port, such as 127.0.0.1:9050' };
  const port = portText === undefined ? SOCKS_DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { problem: 'has a port outside 1–65535' };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) return { problem: 'has no host' };
  const proxy: ProxyConfig = { protocol: 'socks5', host, port };
  let username: string;
  let password: string;
  try {
    username = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    return { problem: 'has a user name or password with a broken %-escape' };
  }
  if (username || password) {
    // RFC 1929 §2: both are 1–255 bytes.
    if (!username) return { problem: 'has a password but no user name (user:password@host)' };
    if (Buffer.byteLength(username) > 255 || Buffer.byteLength(password) > 255) {
      return { problem: 'has a user name or password longer than 255 bytes (RFC 1929)' };
    }
    proxy.username = username;
    proxy.password = password;
  }
  return proxy;
}

/** `socks5://host:port` without credentials: safe for logs and status lines. */
export function proxyLabel(proxy: Pick<ProxyConfig, 'host' | 'port'>): string {
  return `socks5://${isIP(proxy.host) === 6 ? `[${proxy.host}]` : proxy.host}:${proxy.port}`;
}

/** The part of a proxy that may go into `AdapterContext.config.proxy` (everything but the password). */
export function proxyEndpoint(proxy: ProxyConfig): ProxyEndpoint {
  return { protocol: 'socks5', host: proxy.host, port: proxy.port, ...(proxy.username !== undefined ? { username: proxy.username } : {}) };
}

/**
 * The account's proxy for an adapter: `ctx.config.proxy` (a {@link ProxyEndpoint}, set by the app from the config
 * file) plus the secret `proxy_password`. Undefined when the account connects directly. The password is registered
 * with the logger so that it can never appear in a log line.
 */
export async function proxyFromContext(ctx: Pick<AdapterContext, 'config' | 'secret'>): Promise<ProxyConfig | undefined> {
  const raw = ctx.config.proxy as Partial<ProxyEndpoint> | undefined | null;
  if (!raw || typeof raw !== 'object' || typeof raw.host !== 'string' || typeof raw.port !== 'number') return undefined;
  const proxy: ProxyConfig = { protocol: 'socks5', host: raw.host, port: raw.port };
  if (typeof raw.username === 'string') {
    proxy.username = raw.username;
    proxy.password = (await ctx.secret('proxy_password')) ?? '';
    registerSecret(proxy.password);
  }
  return proxy;
}
