// Decoding, refusal and the three renderings of a tiny known PNG (2×4: red green / blue white / clear yellow /
// black half-transparent-blue), checked against recorded output.
/* eslint-disable no-control-regex -- the recorded output is escape sequences */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import jpeg from 'jpeg-js';
import { decodeImage, imageHeader, ImageError } from '../../../src/ui/image/decode.js';
import { toBlocks } from '../../../src/ui/image/blocks.js';
import { kittyDelete, kittyImage } from '../../../src/ui/image/kitty.js';
import { sixelImage } from '../../../src/ui/image/sixel.js';

const fixture = new URL('../../../../test/fixtures/images/tiny-2x4.png', import.meta.url);
const tiny = () => decodeImage(readFileSync(fixture));

test('half-blocks: ▀ with the top pixel as foreground and the bottom one as background (alpha over black)', () => {
  assert.deepEqual(toBlocks(tiny(), 2, 2), {
    width: 2,
    rows: [
      [
        { fg: '#ff0000', bg: '#0000ff', text: '▀' },
        { fg: '#00ff00', bg: '#ffffff', text: '▀' },
      ],
      [
        { fg: '#000000', bg: '#000000', text: '▀' },
        { fg: '#ffff00', bg: '#000080', text: '▀' },
      ],
    ],
  });
  // A box one cell high halves the image (box filter) and keeps its 1:2 aspect: 1 column, 1 row.
  const small = toBlocks(tiny(), 10, 1);
  assert.equal(small.width, 1);
  assert.equal(small.rows.length, 1);
});

test('kitty: transmit-and-display with zlib RGBA in the box, and deletion by id', () => {
  const out = kittyImage(tiny(), 2, 2);
  assert.equal(out, '\x1b_Ga=T,f=32,o=z,s=2,v=4,c=2,r=2,i=7301,C=1,q=2,m=0;eJz7z8DwHwwZ/oMBAwOIBeKDxRoADKIPcg==\x1b\\');
  const payload = /;([^\x1b]*)\x1b\\$/.exec(out)![1]!;
  assert.deepEqual(new Uint8Array(inflateSync(Buffer.from(payload, 'base64'))), tiny().data);
  assert.equal(kittyDelete(), '\x1b_Ga=d,d=I,i=7301,q=2\x1b\\');
});

test('kitty: a big payload goes in 4096-byte chunks, m=1 on all but the last', () => {
  const data = new Uint8Array(randomBytes(300 * 300 * 4)); // incompressible: many chunks
  const out = kittyImage({ width: 300, height: 300, data }, 30, 15);
  const parts = out.split('\x1b\\').filter((p) => p !== '');
  assert.ok(parts.length > 1);
  assert.match(parts[0]!, /^\x1b_Ga=T,f=32,o=z,s=300,v=300,c=30,r=15,i=7301,C=1,q=2,m=1;/);
  for (const p of parts.slice(1, -1)) assert.match(p, /^\x1b_Gm=1;[A-Za-z0-9+/]{4096}$/);
  assert.match(parts.at(-1)!, /^\x1b_Gm=0;/);
});

test('sixel: raster attributes, the colours used, one band', () => {
  assert.equal(
    sixelImage(tiny(), 1, 1),
    '\x1bP0;1;0q"1;1;10;20#0;2;0;0;0#3;2;0;0;60#5;2;0;0;100#30;2;0;100;0#180;2;100;0;0#210;2;100;100;0#215;2;100;100;100' +
      // band 1: blue under red (bit 5), green and white on the right; 5×5 screen pixels per image pixel
      '#5!5_!5?$#30!5?!5^$#180!5^!5?$#215!5?!5_-#0!5o!5?$#5!5N!5?$#210!5?!5o$#215!5?!5N-' +
      '#0!5~!5?$#3!5?!5w$#210!5?!5F-#0!5B!5?$#3!5?!5B' +
      '\x1b\\',
  );
});

test('headers give the size before decoding; huge, broken and unknown images are refused in plain words', () => {
  assert.deepEqual(imageHeader(readFileSync(fixture)), { format: 'png', width: 2, height: 4 });
  const jpg = jpeg.encode({ width: 3, height: 2, data: Buffer.alloc(3 * 2 * 4, 200) }, 90).data;
  assert.deepEqual(imageHeader(jpg), { format: 'jpeg', width: 3, height: 2 });
  const decoded = decodeImage(jpg);
  assert.equal(decoded.width, 3);
  assert.equal(decoded.data.length, 24);

  const huge = Buffer.from(readFileSync(fixture));
  huge.writeUInt32BE(40_000, 16);
  huge.writeUInt32BE(30_000, 20);
  assert.throws(() => decodeImage(huge, 'cat.png'), (e: unknown) => e instanceof ImageError && /cat\.png is too large to preview \(40000×30000 pixels\)/.test(e.userMessage));
  const broken = readFileSync(fixture).subarray(0, 40);
  assert.throws(() => decodeImage(broken, 'b.png'), (e: unknown) => e instanceof ImageError && e.userMessage === 'b.png is broken: it could not be decoded as PNG');
  assert.throws(() => decodeImage(Buffer.from('GIF89a....'), 'x.gif'), (e: unknown) => e instanceof ImageError && /not a PNG or JPEG/.test(e.userMessage));
  const badJpeg = Buffer.concat([jpg.subarray(0, 30), Buffer.alloc(5)]);
  assert.throws(() => decodeImage(badJpeg, 'j.jpg'), ImageError);
});
