/**
 * Applies server discovery (autoconfig.ts) to an account whose config names no IMAP or SMTP host: a cached result
 * from kv when there is one, else a fresh discovery (its result cached). The ports and security the schema filled
 * in as defaults give way to what was discovered for the hosts that were not configured. Behind a proxy only a cached
 * result is used; without one the `imap.`/`smtp.` names stay, resolved by the proxy.
 */
import { discover, KV_AUTOCONFIG, type Discovered } from './autoconfig.js';
import type { EmailState } from './state.js';

export async function applyDiscovery(s: EmailState): Promise<void> {
  const opts = s.opts!;
  let found: Discovered | undefined;
  try {
    const cached = s.kv.get(KV_AUTOCONFIG);
    if (cached) found = JSON.parse(cached) as Discovered;
  } catch {
    found = undefined;
  }
  if (!found && opts.proxy) {
    // Behind a proxy natter makes no DNS or HTTPS request of its own: the conventional imap./smtp. names from
    // options.ts stay, and the proxy resolves them.
    s.log.info('server discovery skipped behind a proxy: using imap./smtp. names', { imap: opts.imapHost, smtp: opts.smtpHost });
    return;
  }
  if (!found) {
    found = await discover(opts.address, opts.domain, { log: s.log, timeoutMs: Math.min(opts.connectTimeoutMs, 10_000) });
    // Well-known names are a guess: not cached, so a later autoconfig document is found.
    if (found.source !== 'well-known names') s.kv.set(KV_AUTOCONFIG, JSON.stringify(found));
  }
  if (opts.discoverImap) Object.assign(opts, { imapHost: found.imap.host, imapPort: found.imap.port, imapSecurity: found.imap.security });
  if (opts.discoverSmtp) Object.assign(opts, { smtpHost: found.smtp.host, smtpPort: found.smtp.port, smtpSecurity: found.smtp.security });
}
