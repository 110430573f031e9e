import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NatterError } from '../../../src/core/errors.js';
import { redact } from '../../../src/core/logger.js';
import { resolveSecret } from '../../../src/config/secrets.js';
import { tempDir } from './helpers.js';

describe('resolveSecret', () => {
  it('plain value, registered for redaction', async () => {
    assert.equal(await resolveSecret({ kind: 'plain', value: 'plain-secret-1' }, { account: 'a' }), 'plain-secret-1');
    assert.equal(redact('x plain-secret-1 y'), 'x «redacted» y');
  });

  it('password_command: first line of stdout, without its newline', async () => {
    const v = await resolveSecret({ kind: 'command', command: "printf 'cmd-secret-2\\nsecond line\\n'" }, { account: 'a' });
    assert.equal(v, 'cmd-secret-2');
    assert.equal(redact('pw=cmd-secret-2'), 'pw=«redacted»');
  });

  it('password_command keeps spaces inside the line and handles CRLF', async () => {
    assert.equal(await resolveSecret({ kind: 'command', command: "printf ' a b \\r\\n'" }, { account: 'a' }), ' a b ');
  });

  const failures: Array<{ name: string; command: string; timeoutMs?: number; message: RegExp }> = [
    { name: 'non-zero exit with stderr', command: 'echo "gpg: decryption failed" >&2; exit 2', message: /^account 'acct': password_command failed \(exit status 2\): gpg: decryption failed$/ },
    { name: 'non-zero exit without stderr', command: 'exit 1', message: /^account 'acct': password_command failed \(exit status 1\)$/ },
    { name: 'empty output', command: 'true', message: /^account 'acct': password_command printed no password on its first line$/ },
    { name: 'empty first line', command: "printf '\\nlater\\n'", message: /printed no password/ },
    { name: 'timeout', command: 'sleep 20', timeoutMs: 300, message: /^account 'acct': password_command did not finish within 0\.3 s$/ },
  ];
  for (const f of failures) {
    it(`password_command failure: ${f.name}`, async () => {
      await assert.rejects(
        resolveSecret({ kind: 'command', command: f.command }, { account: 'acct', timeoutMs: f.timeoutMs }),
        (e: unknown) => e instanceof NatterError && f.message.test(e.userMessage),
      );
    });
  }

  it('a failing command never puts its stdout (the would-be secret) in the error', async () => {
    await assert.rejects(
      resolveSecret({ kind: 'command', command: 'echo leaked-pw; echo "bad leaked-pw" >&2; exit 3' }, { account: 'a' }),
      (e: unknown) => e instanceof NatterError && !e.userMessage.includes('leaked-pw') && /exit status 3/.test(e.userMessage),
    );
  });

  it('timeout kills the whole process group', async () => {
    const marker = join(tempDir(), 'marker');
    const started = Date.now();
    await assert.rejects(
      resolveSecret({ kind: 'command', command: `sleep 1; touch ${marker}` }, { account: 'a', timeoutMs: 200 }),
      /did not finish/,
    );
    assert.ok(Date.now() - started < 1000);
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal(existsSync(marker), false, 'the command kept running after the timeout');
  });

  it('none: prompts when a prompt is given, else undefined', async () => {
    assert.equal(await resolveSecret({ kind: 'none' }, { account: 'a' }), undefined);
    const questions: string[] = [];
    const v = await resolveSecret({ kind: 'none' }, { account: 'lib', prompt: async (q) => (questions.push(q), 'typed-secret-3\n') });
    assert.equal(v, 'typed-secret-3');
    assert.deepEqual(questions, ["Password for account 'lib': "]);
    assert.equal(redact('typed-secret-3'), '«redacted»');
    assert.equal(await resolveSecret({ kind: 'none' }, { account: 'a', prompt: async () => '' }), undefined);
  });

  it('runs through /bin/sh -c (pipes and variables work)', async () => {
    const dir = tempDir();
    const v = await resolveSecret({ kind: 'command', command: `cd ${dir} && echo piped | tr a-z A-Z` }, { account: 'a' });
    assert.equal(v, 'PIPED');
  });
});
