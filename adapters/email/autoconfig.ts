/**
 * Finding the mail servers when the config names none (imap_host/smtp_host omitted): Mozilla-style autoconfig
 * (https://wiki.mozilla.org/Thunderbird:Autoconfiguration), asked from the address's own domain only, over HTTPS
 * (`autoconfig.<domain>` first, then `<domain>/.well-known/autoconfig/`), then the well-known names `imap.<domain>`
 * and `smtp.<domain>` with implicit TLS. Servers offered only without TLS are ignored. The result is cached in kv.
 */
import { request, type RequestOptions } from 'node:https';
import type { Logger } from '../../src/core/logger.js';
import type { MailSecurity } from './options.js';

export const KV_AUTOCONFIG = 'autoconfig';

export interface ServerSetting {
  host: string;
  port: number;
  security: MailSecurity;
}

export interface Discovered {
  imap: ServerSetting;
  smtp: ServerSetting;
  /** Where it came from: an autoconfig URL, or `well-known names`. */
  source: string;
}

/** The autoconfig documents to try for an address, in order. */
export function autoconfigUrls(address: string, domain: string): string[] {
  return [
    `https://autoconfig.${domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`,
    `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`,
  ];
}

function servers(xml: string, tag: 'incomingServer' | 'outgoingServer', type: 'imap' | 'smtp', domain: string): ServerSetting[] {
  const out: ServerSetting[] = [];
  const re = new RegExp(`<${tag}\\b[^>]*\\btype\\s*=\\s*["']${type}["'][^>]*>([\\s\\S]*?)</${tag}>`, 'gi');
  for (const m of xml.matchAll(re)) {
    const body = m[1] ?? '';
    const field = (name: string) => new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`, 'i').exec(body)?.[1];
    const host = field('hostname')?.replace(/%EMAILDOMAIN%/g, domain);
    const port = Number(field('port'));
    const socket = field('socketType')?.toUpperCase();
    const security: MailSecurity | undefined = socket === 'SSL' ? 'tls' : socket === 'STARTTLS' ? 'starttls' : undefined;
    if (!host || !/^[A-Za-z0-9.-]{1,253}$/.test(host) || !Number.isInteger(port) || port < 1 || port > 65535 || !security) continue;
    out.push({ host: host.toLowerCase(), port, security });
  }
  return out;
}

/** Reads an autoconfig document: the first IMAP and SMTP server with TLS, or undefined when either is missing. */
export function parseAutoconfig(xml: string, domain: string): { imap: ServerSetting; smtp: ServerSetting } | undefined {
  const imap = servers(xml, 'incomingServer', 'imap', domain)[0];
  const smtp = servers(xml, 'outgoingServer', 'smtp', domain)[0];
  return imap && smtp ? { imap, smtp } : undefined;
}

/** GET over HTTPS with a time and size limit; undefined on any failure (the next source is tried). */
export function fetchText(url: string, options: { timeoutMs: number; maxBytes?: number; tls?: RequestOptions }): Promise<string | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: string | undefined) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    try {
      const req = request(url, { method: 'GET', timeout: options.timeoutMs, ...options.tls }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return done(undefined);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > (options.maxBytes ?? 256 * 1024)) {
            req.destroy();
            return done(undefined);
          }
          chunks.push(c);
        });
        res.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
        res.on('error', () => done(undefined));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => done(undefined));
      req.end();
    } catch {
      done(undefined);
    }
  });
}

/** Discovers the servers for `address`: autoconfig documents in order, else the well-known names. */
export async function discover(
  address: string,
  domain: string,
  o: { log: Logger; timeoutMs: number; urls?: string[]; tls?: RequestOptions },
): Promise<Discovered> {
  for (const url of o.urls ?? autoconfigUrls(address, domain)) {
    const xml = await fetchText(url, { timeoutMs: o.timeoutMs, ...(o.tls ? { tls: o.tls } : {}) });
    const found = xml ? parseAutoconfig(xml, domain) : undefined;
    if (found) {
      o.log.info('mail servers from autoconfig', { url: url.replace(/\?.*$/, ''), imap: found.imap, smtp: found.smtp });
      return { ...found, source: url.replace(/\?.*$/, '') };
    }
  }
  return { imap: { host: `imap.${domain}`, port: 993, security: 'tls' }, smtp: { host: `smtp.${domain}`, port: 465, security: 'tls' }, source: 'well-known names' };
}
