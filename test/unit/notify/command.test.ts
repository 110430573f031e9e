import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNotifyCommand } from '../../../src/core/notify/run-command.js';

describe('notify_command hook', () => {
  it('runs the program without a shell and passes the notification in environment variables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natter-notify-'));
    try {
      const script = join(dir, 'hook.mjs');
      const out = join(dir, 'out.json');
      writeFileSync(
        script,
        `import { writeFileSync } from 'node:fs';
const e = process.env;
writeFileSync(process.argv[2], JSON.stringify({ argv: process.argv.slice(3), title: e.NATTER_NOTIFY_TITLE, body: e.NATTER_NOTIFY_BODY,
  account: e.NATTER_NOTIFY_ACCOUNT, conversation: e.NATTER_NOTIFY_CONVERSATION, mention: e.NATTER_NOTIFY_MENTION }));
`,
      );
      const pwned = join(dir, 'pwned');
      const body = `$(touch ${pwned}); \`touch ${pwned}\` \x1b]0;x\x07 done`;
      const code = await runNotifyCommand([process.execPath, script, out, '$HOME', '*'], {
        title: 'bob in #natter', body, account: 'net', conversation: '#natter', mention: true,
      }, { timeoutMs: 60_000 });
      assert.equal(code, 0);
      const got = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      assert.deepEqual(got, {
        argv: ['$HOME', '*'], // no shell: nothing expanded
        title: 'bob in #natter',
        body: `$(touch ${pwned}); \`touch ${pwned}\`  ]0;x  done`,
        account: 'net',
        conversation: '#natter',
        mention: '1',
      });
      assert.equal(existsSync(pwned), false, 'the body was never run by a shell');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kills a hook that overruns its timeout and survives a missing program', async () => {
    const vars = { title: 't', body: 'b', account: 'a', conversation: 'c', mention: false };
    const started = Date.now();
    const code = await runNotifyCommand([process.execPath, '-e', 'setInterval(() => {}, 1000)'], vars, { timeoutMs: 300 });
    assert.equal(code, null);
    assert.ok(Date.now() - started < 30_000);
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {}, child() { return log; } };
    assert.equal(await runNotifyCommand(['/nonexistent/natter-hook'], vars, { log: log as never }), null);
    assert.ok(warnings.some((w) => w.includes('/nonexistent/natter-hook')));
  });
});
