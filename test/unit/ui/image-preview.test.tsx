// /preview in the screen: the engine fetches the image (here a fake whose download answers with a fixture file), the
// overlay shows it as half-blocks, Esc closes it; a broken image and a missing one are said in plain words.
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { sampleEngine } from './fake-engine.js';
import { DOWNLOAD_ACTION } from '../../../src/core/download-action.js';

const dir = mkdtempSync(join(tmpdir(), 'natter-preview-ui-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixture = fileURLToPath(new URL('../../../../test/fixtures/images/tiny-2x4.png', import.meta.url));
let r: Rendered | undefined;
afterEach(() => r?.unmount());

test('/preview downloads the last image through the engine, shows it as half-blocks, Esc closes it', async () => {
  const downloaded = join(dir, 'cat.png');
  copyFileSync(fixture, downloaded);
  const engine = sampleEngine();
  const list = engine.timelines.get('c-natter')!;
  list[2] = { ...list[2]!, attachments: [{ url: 'mxc://example.org/old', name: 'old.png', mime: 'image/png' }] };
  list[4] = { ...list[4]!, attachments: [{ url: 'mxc://example.org/cat', name: 'cat.png', mime: 'image/png' }] };
  engine.respond = (a) => (a.type === 'protocol' && a.name === DOWNLOAD_ACTION ? { ok: true, info: downloaded } : { ok: true });
  r = renderApp(engine, { columns: 100, rows: 24 });
  await r.waitFor((f) => plain(f).includes('cat.png'));
  await r.type('/preview');
  await r.press(keys.enter);
  await r.waitFor((f) => plain(f).includes('image: cat.png (2×4)'), 'the preview overlay');
  const downloads = engine.dispatched.filter((a) => a.type === 'protocol');
  assert.deepEqual(downloads, [
    { type: 'protocol', accountId: list[4]!.accountId, conversationId: 'c-natter', name: DOWNLOAD_ACTION, args: [list[4]!.id, 'mxc://example.org/cat'] },
  ]);
  const frame = r.lastFrame();
  assert.ok(plain(frame).includes('▀'), 'half-blocks drawn');
  assert.ok(plain(frame).includes('Esc closes · blocks'));
  await r.press(keys.escape);
  await r.waitFor((f) => !plain(f).includes('image: cat.png'), 'closed');
  assert.ok(!plain(r.lastFrame()).includes('▀'));
});

test('a broken image and a conversation without images are refused in plain words', async () => {
  const broken = join(dir, 'broken.png');
  writeFileSync(broken, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40)]));
  const engine = sampleEngine();
  const list = engine.timelines.get('c-natter')!;
  list[4] = { ...list[4]!, attachments: [{ url: pathToFileURL(broken).href, name: 'broken.png', mime: 'image/png' }] };
  r = renderApp(engine, { columns: 100, rows: 24 });
  await r.waitFor((f) => plain(f).includes('broken.png'));
  await r.type('/preview');
  await r.press(keys.enter);
  await r.waitFor((f) => plain(f).includes('broken.png is not a PNG or JPEG image natter can preview'), 'error in the overlay');
  assert.deepEqual(engine.dispatched.filter((a) => a.type === 'protocol'), [], 'a file: attachment is read in place');
  await r.press(keys.escape);
  await r.waitFor((f) => !plain(f).includes('image: broken.png'), 'closed');
  await r.type('/preview 2');
  await r.press(keys.enter);
  await r.waitFor((f) => plain(f).includes('there is only 1 image here'), 'status line');
});
