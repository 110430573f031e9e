/**
 * Where to connect when the account names no host: DNS SRV records (RFC 6120 §3.2.1 `_xmpp-client._tcp.<domain>`
 * for STARTTLS, XEP-0368 `_xmpps-client._tcp.<domain>` for direct TLS), ordered by priority and, within one priority,
 * by the weighted random choice of RFC 2782. Without records the domain itself is the host (its A/AAAA records, port
 * 5222 or 5223 for direct TLS, RFC 6120 §3.2.2). A single record with target `.` means the domain offers no XMPP
 * service (RFC 2782), which is an error rather than a reason to guess.
 *
 * The certificate is still checked against the XMPP domain, never the SRV target (RFC 6125 §6.1, RFC 7590 §3.2).
 */
import { Resolver } from 'node:dns/promises';
import type { XmppOptions } from './options.js';

export interface Endpoint {
  host: string;
  port: number;
  /** Direct TLS (XEP-0368) rather than STARTTLS. */
  direct: boolean;
}

interface Srv {
  priority: number;
  weight: number;
  port: number;
  name: string;
  direct: boolean;
}

/** The domain publishes `.` as its only target: it provides no client service. */
export class NoServiceError extends Error {
  readonly code = 'NO_SERVICE';
}

/** How long one SRV question may take before falling back to the domain's address records. */
const SRV_TIMEOUT_MS = 5000;

/**
 * RFC 2782 ordering: ascending priority; within a priority, repeatedly pick a record at random with probability
 * proportional to its weight (zero-weight records first in line, so they are chosen only when nothing else is left
 * or the draw lands on 0).
 */
export function orderSrv<T extends { priority: number; weight: number }>(records: T[], random: () => number = Math.random): T[] {
  const byPriority = new Map<number, T[]>();
  for (const r of records) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  const out: T[] = [];
  for (const p of [...byPriority.keys()].sort((a, b) => a - b)) {
    const left = [...byPriority.get(p)!].sort((a, b) => (a.weight === 0 ? -1 : 0) - (b.weight === 0 ? -1 : 0));
    while (left.length > 0) {
      const total = left.reduce((n, r) => n + r.weight, 0);
      const draw = random() * total;
      let running = 0;
      let index = left.length - 1;
      for (let i = 0; i < left.length; i++) {
        running += left[i]!.weight;
        if (running >= draw) {
          index = i;
          break;
        }
      }
      out.push(left.splice(index, 1)[0]!);
    }
  }
  return out;
}

/**
 * The endpoints to try in order for `opts`: the configured host (or the domain with a configured port) when given or
 * when a proxy is set, else the SRV targets, else the domain on the default port. `dnsServers` (the `_dns_servers` test seam) replaces the
 * system's resolvers for the SRV questions.
 */
export async function resolveEndpoints(opts: XmppOptions, random: () => number = Math.random): Promise<Endpoint[]> {
  const direct = opts.tls === 'direct';
  // Behind a proxy no name may be looked up here (that would leak it to the local resolver): the configured host, or
  // the domain on its default port, goes to the proxy as a name.
  if (opts.hostConfigured || opts.portConfigured || opts.proxy) return [{ host: opts.host, port: opts.port, direct }];
  const domain = opts.jid.domain;
  const fallback: Endpoint[] = [{ host: domain, port: direct ? 5223 : 5222, direct }];
  const resolver = new Resolver({ timeout: SRV_TIMEOUT_MS, tries: 2 });
  if (opts.dnsServers && opts.dnsServers.length > 0) resolver.setServers(opts.dnsServers);
  const lookup = async (service: string, isDirect: boolean): Promise<Srv[]> => {
    try {
      const recs = await resolver.resolveSrv(`${service}.${domain}`);
      return recs.map((r) => ({ ...r, direct: isDirect }));
    } catch {
      // NXDOMAIN, no data, timeout: treated as "no records" (RFC 6120 §3.2.1 then falls back to A/AAAA).
      return [];
    }
  };
  // XEP-0368 §3: look up both and merge them by priority and weight; a direct-TLS account uses only xmpps records.
  const [tlsRecs, startTlsRecs] = await Promise.all([lookup('_xmpps-client._tcp', true), direct ? Promise.resolve([]) : lookup('_xmpp-client._tcp', false)]);
  const all = [...tlsRecs, ...startTlsRecs];
  if (all.length === 0) return fallback;
  const usable = all.filter((r) => r.name !== '' && r.name !== '.');
  if (usable.length === 0) throw new NoServiceError(`${domain} says it offers no XMPP client service (SRV target ".")`);
  return orderSrv(usable, random).map((r) => ({ host: r.name.replace(/\.$/, ''), port: r.port, direct: r.direct }));
}

/** The xmpp.js service URI for an endpoint (`xmpp://host:port` for STARTTLS, `xmpps://` for direct TLS). */
export function serviceUri(e: Endpoint): string {
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `${e.direct ? 'xmpps' : 'xmpp'}://${host}:${e.port}`;
}
