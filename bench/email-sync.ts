/**
 * Email first sync: natter's email adapter logs in to a private Dovecot (the test harness) whose INBOX holds 10,000
 * messages, 2,000 of them chat (Chat-Version; half of those PGP/MIME encrypted and signed, from 20 contacts) and
 * 8,000 ordinary mail, and reads it for the first time. Measured: time from start() until every chat message was
 * reported, natter's CPU time, and RSS and V8 heap after it (after a GC: the steady state the adapter keeps).
 *
 * The mailbox is filled by writing Maildir files directly (SMTP would dominate the set-up time). The adapter runs in
 * this process with a context that keeps only a count of the events, so the figure is the protocol side (header
 * scan, downloads, MIME, decryption, Autocrypt); the store is measured by the ingest section.
 */
import { loadavg } from 'node:os';
import * as openpgp from 'openpgp';
import type { AdapterContext, KeyValue } from '../src/core/contract.js';
import { silentLogger } from '../src/core/logger.js';
import { createEmailAdapter } from '../adapters/email/index.js';
import { KV_OWN_KEY } from '../adapters/email/autocrypt.js';
import { buildEncrypted, buildInner, buildPlain, formatDate } from '../adapters/email/mime-out.js';
import { formatAutocrypt } from '../adapters/email/autocrypt.js';
import { mailServerUnavailable, startMailServer } from '../test/harness/mail-server.js';
import { waitFor } from '../test/harness/wait-for.js';

const PASSWORD = 'bench password';
export const EMAIL_TOTAL = 10_000;
export const EMAIL_CHAT = 2_000;

export interface EmailSyncResult {
  total: number;
  chat: number;
  seconds: number;
  cpuSeconds: number;
  rssMb: number;
  heapMb: number;
  baseRssMb: number;
  baseHeapMb: number;
  load: number;
}

export function emailSyncUnavailable(): string | undefined {
  return mailServerUnavailable();
}

function memoryKv(): KeyValue {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k),
    set: (k, v) => void map.set(k, v),
    delete: (k) => void map.delete(k),
    batch: (ws) => ws.forEach((w) => (w.value === undefined ? map.delete(w.key) : map.set(w.key, w.value))),
  };
}

function classic(i: number, domain: string): string {
  return [
    `From: "Shop ${i % 50}" <news${i % 50}@shop.example>`,
    `To: alice@${domain}`,
    `Subject: Offer number ${i}`,
    `Date: ${formatDate(new Date(Date.UTC(2026, 0, 1) + i * 60_000))}`,
    `Message-ID: <news-${i}@shop.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Newsletter ${i}. `.repeat(40),
    '',
  ].join('\r\n');
}

export async function emailFirstSync(): Promise<EmailSyncResult> {
  const server = await startMailServer({ users: { alice: PASSWORD } });
  try {
    const domain = server.domain;
    const { privateKey: own } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: `alice@${domain}` }], format: 'object' });
    const peers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => ({
        addr: `peer${i}@${domain}`,
        key: (await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: `peer${i}@${domain}` }], format: 'object' })).privateKey,
      })),
    );
    const raws: Array<Buffer | string> = [];
    const chatEvery = EMAIL_TOTAL / EMAIL_CHAT;
    for (let i = 0; i < EMAIL_TOTAL; i++) {
      if (i % chatEvery !== 0) {
        raws.push(classic(i, domain));
        continue;
      }
      const c = i / chatEvery;
      const peer = peers[c % peers.length]!;
      const mail = {
        from: peer.addr,
        to: [`alice@${domain}`],
        subject: `Message from ${peer.addr}`,
        date: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
        messageId: `chat-${i}@${domain}`,
        extra: [['Autocrypt', formatAutocrypt(peer.addr, peer.key.toPublic().write(), 'mutual')]] as Array<[string, string]>,
        body: `chat message ${c}: ${'lorem ipsum '.repeat(8)}`,
      };
      if (c % 2 === 0) {
        raws.push(buildPlain(mail));
      } else {
        const armored = await openpgp.encrypt({ message: await openpgp.createMessage({ binary: buildInner(mail) }), encryptionKeys: [own.toPublic()], signingKeys: peer.key, format: 'armored' });
        raws.push(buildEncrypted(mail, armored));
      }
    }
    server.deliverRaw('alice', raws);
    raws.length = 0;

    const kv = memoryKv();
    kv.set(KV_OWN_KEY, own.armor());
    let chat = 0;
    const ctx: AdapterContext = {
      accountId: 'alice',
      config: { address: `alice@${domain}`, imap_host: server.host, imap_port: server.imapsPort, imap_security: 'tls', smtp_host: server.host, smtp_port: server.submissionPort, smtp_security: 'starttls', ca_file: server.caFile },
      emit: (e) => {
        if (e.type === 'message') chat++;
      },
      kv,
      log: silentLogger,
      now: () => Date.now(),
      secret: async (name) => (name === 'password' ? PASSWORD : undefined),
    };
    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const adapter = createEmailAdapter();
    await adapter.start(ctx);
    await waitFor(() => chat >= EMAIL_CHAT, `${EMAIL_CHAT} chat messages`, 15 * 60_000, 50);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    await adapter.stop();
    return {
      total: EMAIL_TOTAL,
      chat,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      rssMb: mem.rss / 1048576,
      heapMb: mem.heapUsed / 1048576,
      baseRssMb: base.rss / 1048576,
      baseHeapMb: base.heapUsed / 1048576,
      load: loadavg()[0] ?? 0,
    };
  } finally {
    await server.stop();
  }
}
