/**
 * Server discovery for accounts without imap_host/smtp_host: Mozilla autoconfig documents (parsed, placeholders
 * filled, servers without TLS ignored), fetched over HTTPS from a loopback server, and the well-known fallback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoconfigUrls, discover, parseAutoconfig } from '../../../adapters/email/autoconfig.js';
import { silentLogger } from '../../../src/core/logger.js';
import { freePort, selfSignedCert } from '../../harness/server-kit.js';

const DOC = `<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="example.org">
    <incomingServer type="pop3"><hostname>pop.example.org</hostname><port>995</port><socketType>SSL</socketType></incomingServer>
    <incomingServer type="imap"><hostname>plain.%EMAILDOMAIN%</hostname><port>143</port><socketType>plain</socketType></incomingServer>
    <incomingServer type="imap">
      <hostname>imap.%EMAILDOMAIN%</hostname><port>143</port><socketType>STARTTLS</socketType>
    </incomingServer>
    <outgoingServer type="smtp"><hostname>Mail.Example.org</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
  </emailProvider>
</clientConfig>`;

test('autoconfig documents: first IMAP and SMTP server with TLS, %EMAILDOMAIN% filled in, plain ones skipped', () => {
  assert.deepEqual(parseAutoconfig(DOC, 'example.org'), {
    imap: { host: 'imap.example.org', port: 143, security: 'starttls' },
    smtp: { host: 'mail.example.org', port: 465, security: 'tls' },
  });
  assert.equal(parseAutoconfig(DOC.replace(/<outgoingServer[\s\S]*<\/outgoingServer>/, ''), 'example.org'), undefined);
  assert.equal(parseAutoconfig('<html>not found</html>', 'example.org'), undefined);
  assert.deepEqual(autoconfigUrls('a+b@example.org', 'example.org'), [
    'https://autoconfig.example.org/mail/config-v1.1.xml?emailaddress=a%2Bb%40example.org',
    'https://example.org/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=a%2Bb%40example.org',
  ]);
});

test('discover: a failing source is skipped, the document over HTTPS is used; nothing found means imap./smtp. names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'natter-autoconfig-'));
  const cert = selfSignedCert(dir);
  const paths: string[] = [];
  const server = createServer({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) }, (req, res) => {
    paths.push(req.url ?? '');
    if (req.url?.startsWith('/mail/config-v1.1.xml')) {
      res.writeHead(200, { 'content-type': 'text/xml' }).end(DOC);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const closed = await freePort();
  try {
    const tls = { ca: readFileSync(cert.certFile) };
    const found = await discover('alice@example.org', 'example.org', {
      log: silentLogger,
      timeoutMs: 5000,
      tls,
      urls: [`https://127.0.0.1:${closed}/mail/config-v1.1.xml`, `https://127.0.0.1:${port}/.well-known/autoconfig/mail/config-v1.1.xml`, `https://127.0.0.1:${port}/mail/config-v1.1.xml?emailaddress=x`],
    });
    assert.deepEqual(found, {
      imap: { host: 'imap.example.org', port: 143, security: 'starttls' },
      smtp: { host: 'mail.example.org', port: 465, security: 'tls' },
      source: `https://127.0.0.1:${port}/mail/config-v1.1.xml`,
    });
    assert.deepEqual(paths, ['/.well-known/autoconfig/mail/config-v1.1.xml', '/mail/config-v1.1.xml?emailaddress=x']);
    // Without trusting the certificate the document is not taken: the well-known names remain.
    const untrusted = await discover('alice@example.org', 'example.org', { log: silentLogger, timeoutMs: 5000, urls: [`https://127.0.0.1:${port}/mail/config-v1.1.xml`] });
    assert.deepEqual(untrusted, { imap: { host: 'imap.example.org', port: 993, security: 'tls' }, smtp: { host: 'smtp.example.org', port: 465, security: 'tls' }, source: 'well-known names' });
  } finally {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});
