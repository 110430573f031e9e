/**
 * Turns a `/connect` URL into a config section. IRC URLs follow the irc:/ircs: URI scheme drafts
 * (draft-butcher-irc-url): `ircs://nick@host:6697/#chan,#other` — `ircs` means implicit TLS.
 */
import { CommandError } from '../core/errors.js';

export type AccountSection = { name: string; protocol: string } & Record<string, string | number | boolean | string[]>;

function uniqueName(base: string, taken: Set<string>): string {
  const clean = base.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^-+|-+$/g, '') || 'account';
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) if (!taken.has(`${clean}-${i}`)) return `${clean}-${i}`;
}

/** A short account name from a host: `irc.libera.chat` → `libera`, `127.0.0.1` → `127.0.0.1`. */
function nameFromHost(host: string): string {
  if (/^[\d.]+$/.test(host) || host.includes(':')) return host;
  const labels = host.split('.').filter(Boolean);
  const skip = new Set(['irc', 'chat', 'www']);
  return labels.length > 2 ? (labels.find((l) => !skip.has(l)) ?? labels[0] ?? host) : (labels[0] ?? host);
}

export function accountFromUrl(input: string, taken: Set<string>): AccountSection {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new CommandError(`"${input}" is not a URL; try /connect ircs://nick@irc.example.org/#channel`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'irc' && scheme !== 'ircs') {
    throw new CommandError(`/connect understands irc:// and ircs:// URLs; other protocols are set up in the config file`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new CommandError('the URL names no server: /connect ircs://nick@irc.example.org/#channel');
  const nick = decodeURIComponent(url.username);
  if (!nick) throw new CommandError('the URL names no nick: put it before the host, as in ircs://nick@irc.example.org');
  const tls = scheme === 'ircs';
  const port = url.port ? Number(url.port) : tls ? 6697 : 6667;
  // Channels follow the path; '#' starts the URL fragment, so both `/#a,#b` and `/a,b` are accepted.
  const raw = decodeURIComponent(`${url.pathname.replace(/^\//, '')}${url.hash}`);
  const channels = raw
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => (/^[#&+!]/.test(c) ? c : `#${c}`));
  const section: AccountSection = { name: uniqueName(nameFromHost(host), taken), protocol: 'irc', host, port, tls, nick };
  if (channels.length) section.channels = channels;
  return section;
}
