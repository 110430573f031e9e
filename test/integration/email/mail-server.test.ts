/**
 * The mail harness itself (test/harness/mail-server.ts): real Dovecot and Postfix on loopback accept logins only over
 * TLS, deliver locally through LMTP, and refuse relaying and unauthenticated submission.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { mailSkipReason, startMailServer, type MailServer } from '../../harness/mail-server.js';
import { waitFor } from '../../harness/wait-for.js';

const skip = mailSkipReason();
const PASSWORD = 'correct horse battery';
let server: MailServer;

before(async () => {
  if (skip) return;
  server = await startMailServer({ users: { alice: PASSWORD, bob: PASSWORD } });
});

after(async () => {
  if (skip) return;
  await server?.stop();
});

function smtp(port: number, secure: boolean, auth = true) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure,
    requireTLS: !secure,
    tls: { ca: readFileSync(server.caFile), servername: server.domain },
    ...(auth ? { auth: { user: `alice@${server.domain}`, pass: PASSWORD } } : {}),
  });
}

async function imap(port: number, secure: boolean, user = 'bob', pass = PASSWORD): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure,
    doSTARTTLS: secure ? undefined : true,
    tls: { ca: [readFileSync(server.caFile)], servername: server.domain },
    auth: { user: `${user}@${server.domain}`, pass },
    logger: false,
  });
  await client.connect();
  return client;
}

test('submission (STARTTLS) and submissions (TLS) accept authenticated mail; Dovecot IMAP (STARTTLS and TLS) shows it', { skip }, async () => {
  const a = await smtp(server.submissionPort, false).sendMail({ from: `alice@${server.domain}`, to: `bob@${server.domain}`, subject: 'one', text: 'first' });
  assert.deepEqual(a.rejected, []);
  const b = await smtp(server.submissionsPort, true).sendMail({ from: `alice@${server.domain}`, to: `bob@${server.domain}`, subject: 'two', text: 'second' });
  assert.deepEqual(b.rejected, []);
  await waitFor(() => server.inboxFiles('bob').length === 2, 'both messages delivered to bob', 30_000);
  for (const [port, secure] of [[server.imapPort, false], [server.imapsPort, true]] as const) {
    const client = await imap(port, secure);
    const lock = await client.getMailboxLock('INBOX');
    try {
      const subjects: string[] = [];
      for await (const m of client.fetch('1:*', { envelope: true })) subjects.push(m.envelope?.subject ?? '');
      assert.deepEqual(subjects.sort(), ['one', 'two']);
    } finally {
      lock.release();
      await client.logout();
    }
  }
});

test('relaying to another domain and unauthenticated submission are refused', { skip }, async () => {
  await assert.rejects(
    smtp(server.submissionPort, false).sendMail({ from: `alice@${server.domain}`, to: 'someone@example.org', subject: 'x', text: 'x' }),
    /Relay access denied|rejected|only locally/i,
  );
  await assert.rejects(
    smtp(server.submissionPort, false, false).sendMail({ from: `alice@${server.domain}`, to: `bob@${server.domain}`, subject: 'x', text: 'x' }),
    /Relay access denied|Recipient address rejected|rejected/i,
  );
  await assert.rejects(
    smtp(server.submissionPort, false).sendMail({ from: `alice@${server.domain}`, to: `nobody@${server.domain}`, subject: 'x', text: 'x' }),
    /User unknown|rejected/i,
  );
});

test('IMAP refuses a wrong password; users added later can log in; Dovecot restarts on the same port', { skip }, async () => {
  await assert.rejects(imap(server.imapsPort, true, 'bob', 'wrong'));
  server.addUser('carol', PASSWORD);
  await server.restartImap();
  const client = await imap(server.imapsPort, true, 'carol');
  const status = await client.status('INBOX', { messages: true });
  assert.equal(status && status.messages, 0);
  await client.logout();
});
