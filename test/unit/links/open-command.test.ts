// /open [n] with a fake opener: a tiny node script that records its argv into a file. No browser, no shell.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  defaultOpenCommand,
  openInConversation,
  openTargets,
  parseOpenCommand,
  pickTarget,
} from '../../../src/ui/open-target.js';
import { FakeEngine, makeMessage } from '../ui/fake-engine.js';
import { waitFor } from '../../harness/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'natter-open-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An opener that writes its arguments (JSON) to `out`. */
function fakeOpener(out: string): string[] {
  const script = join(dir, 'record-argv.mjs');
  writeFileSync(script, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));\n`);
  return [process.execPath, script];
}

async function recorded(out: string): Promise<string[]> {
  await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').endsWith(']'), 'the opener ran', 30_000);
  return JSON.parse(readFileSync(out, 'utf8')) as string[];
}

function engineWith(): FakeEngine {
  const e = new FakeEngine();
  e.timelines.set('c', [
    makeMessage('c', 1, { body: 'docs at https://natter.example/docs; and www.example.org/x.' }),
    makeMessage('c', 2, {
      body: 'file https://up.example/f.png',
      attachments: [{ url: 'https://up.example/f.png', name: 'f.png' }],
    }),
    makeMessage('c', 3, { body: 'spans', spans: [{ text: 'this', href: 'https://span.example/$(touch pwned)' }] }),
    makeMessage('c', 4, { body: 'secret', attachments: [{ url: 'mxc://hs/abc', name: 'secret.pdf', encrypted: true }] }),
  ]);
  return e;
}

test('targets in reading order; an attachment URL repeated in the body counts once', () => {
  const targets = openTargets(engineWith().messages('c', { limit: 50 }));
  assert.deepEqual(
    targets.map((t) => (t.kind === 'link' ? t.url : `file:${t.attachment.name}`)),
    ['https://natter.example/docs', 'https://www.example.org/x', 'file:f.png', 'https://span.example/$(touch%20pwned)', 'file:secret.pdf'],
  );
  assert.equal(pickTarget(targets, 0), undefined);
  assert.equal(pickTarget(targets, 99), undefined);
});

test('/open parsing', () => {
  assert.deepEqual(parseOpenCommand('/open'), { n: 1 });
  assert.deepEqual(parseOpenCommand('/OPEN 3 '), { n: 3 });
  assert.ok('error' in (parseOpenCommand('/open x') ?? {}));
  assert.ok('error' in (parseOpenCommand('/open 0') ?? {}));
  assert.equal(parseOpenCommand('/opener'), undefined);
  assert.equal(parseOpenCommand('hello'), undefined);
  assert.deepEqual(defaultOpenCommand('linux'), ['xdg-open']);
  assert.deepEqual(defaultOpenCommand('darwin'), ['open']);
});

test('/open 2 passes the link as one argument, no shell: $(…) is not run', async () => {
  const out = join(dir, 'argv-2.json');
  const argv = [...fakeOpener(out), '--new-window'];
  const info = await openInConversation(engineWith(), 'c', 2, argv);
  assert.deepEqual(await recorded(out), ['--new-window', 'https://span.example/$(touch%20pwned)']);
  assert.equal(info, 'opened https://span.example/$(touch%20pwned)');
  assert.equal(existsSync('pwned'), false);
});

test('/open 3 opens the attachment link; a local file: attachment opens as a path', async () => {
  let out = join(dir, 'argv-3.json');
  await openInConversation(engineWith(), 'c', 3, fakeOpener(out));
  assert.deepEqual(await recorded(out), ['https://up.example/f.png']);

  const e = new FakeEngine();
  const local = join(dir, 'my photo.jpg');
  e.timelines.set('d', [makeMessage('d', 1, { body: '', attachments: [{ url: pathToFileURL(local).href, name: 'my photo.jpg' }] })]);
  out = join(dir, 'argv-file.json');
  await openInConversation(e, 'd', 1, fakeOpener(out));
  assert.deepEqual(await recorded(out), [local]);
});

test('/open on encrypted media asks the engine to download it first, then opens the local file', async () => {
  const e = engineWith();
  const local = join(dir, 'abc-secret.pdf');
  e.respond = () => ({ ok: true, info: local });
  const out = join(dir, 'argv-download.json');
  await openInConversation(e, 'c', 1, fakeOpener(out));
  assert.deepEqual(await recorded(out), [local]);
  assert.deepEqual(e.dispatched, [
    { type: 'protocol', accountId: 'libera', conversationId: 'c', name: 'natter-download', args: ['c:4', 'mxc://hs/abc'] },
  ]);
  e.respond = () => ({ ok: false, error: 'libera cannot download files' });
  await assert.rejects(openInConversation(e, 'c', 1, fakeOpener(join(dir, 'never.json'))), /libera cannot download files/);
  assert.equal(existsSync(join(dir, 'never.json')), false);
});

test('what cannot be opened says why: nothing there, too few, a missing program', async () => {
  await assert.rejects(openInConversation(new FakeEngine(), 'none', 1, ['/bin/true']), /no link or attachment/);
  await assert.rejects(openInConversation(engineWith(), 'c', 9, ['/bin/true']), /only 5 links and attachments/);
  await assert.rejects(
    openInConversation(engineWith(), 'c', 2, [join(dir, 'no-such-opener')]),
    /could not start .*no-such-opener: no such program/,
  );
});
