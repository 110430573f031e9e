// /preview in the screen: the engine fetches the image (here a fake whose download answers with a fixture file), the
// overlay shows it as half-blocks, Esc closes it; a broken image and a missing one are said in plain words.
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { sampleEngine } from './fake-engine.js';
import { DOWNLOAD_ACTION } from '../../../src/core/download-action.js';
import type { ImageOutput } from '../../../src/ui/image/probe.js';
import { waitFor } from '../../harness/wait-for.js';

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

test('with kitty detected, the image goes to the terminal at the overlay body after the frame, and is deleted on Esc', async () => {
  const engine = sampleEngine();
  const list = engine.timelines.get('c-natter')!;
  list[3] = { ...list[3]!, attachments: [{ url: pathToFileURL(fixture).href, name: 'tiny.png', mime: 'image/png' }] };
  list[4] = { ...list[4]!, attachments: [{ url: 'mxc://example.org/other', name: 'other.png', mime: 'image/png' }] };
  const written: string[] = [];
  let frames = 0;
  const images: ImageOutput = {
    protocol: () => Promise.resolve('kitty'),
    write: (bytes) => void written.push(bytes),
    afterFrame: () => {
      frames++;
      return Promise.resolve();
    },
  };
  r = renderApp(engine, { columns: 100, rows: 24 }, { images });
  await r.waitFor((f) => plain(f).includes('other.png'));
  // Select the message with the image (Up selects the newest, Up again the one before), then /preview aims at it.
  await r.press(keys.up);
  await r.press(keys.up);
  await r.type('/preview');
  await r.press(keys.enter);
  await r.waitFor((f) => plain(f).includes('image: tiny.png (2×4)') && plain(f).includes('Esc closes · kitty'), 'kitty overlay');
  await waitFor(() => written.length === 1, 'the image written', 30_000);
  assert.ok(frames >= 1, 'written after the frame flush');
  // 100 columns: sidebar 24 + separator 1, then the frame's border: body at column 27, row 4 (header, border, title).
  // The body is 98 × 17 cells (24 rows − status − header − composer − border 2 − title − footer); a 2×4 image with
  // 10×20-pixel cells fills 17 × 17 cells.
  const ui = await import('../../../src/ui/image/kitty.js');
  const { decodeImage } = await import('../../../src/ui/image/decode.js');
  const img = decodeImage(readFileSync(fixture));
  assert.equal(written[0], `\x1b7\x1b[4;27H${ui.kittyImage(img, 98, 17)}\x1b8`);
  assert.match(written[0]!, /c=17,r=17,/);
  assert.ok(!plain(r.lastFrame()).includes('▀'), 'no half-blocks with kitty');
  await r.press(keys.escape);
  await r.waitFor((f) => !plain(f).includes('image: tiny.png'), 'closed');
  await waitFor(() => written.length === 2, 'deleted', 30_000);
  assert.equal(written[1], '\x1b_Ga=d,d=I,i=7301,q=2\x1b\\');
});
