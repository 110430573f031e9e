import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mircColour, parseFormatting } from '../../../adapters/irc/formatting.js';

const joined = (r: { plain: string; spans?: Array<{ text: string }> }) => (r.spans ?? []).map((s) => s.text).join('');

const cases: Array<[string, string, unknown]> = [
  ['plain text has no spans', 'hello', undefined],
  ['bold toggles', 'a\x02b\x02c', [{ text: 'a' }, { text: 'b', bold: true }, { text: 'c' }]],
  ['italic, underline, strike, monospace', '\x1di\x1d\x1fu\x1f\x1es\x1e\x11m', [{ text: 'i', italic: true }, { text: 'u', underline: true }, { text: 's', strike: true }, { text: 'm', code: true }]],
  ['fg only', '\x034red', [{ text: 'red', fg: '4' }]],
  ['fg,bg two digits', '\x0304,12x', [{ text: 'x', fg: '4', bg: '12' }]],
  ['comma without digit stays text', '\x034,x', [{ text: ',x', fg: '4' }]],
  ['third digit is text', '\x03123', [{ text: '3', fg: '12' }]],
  ['bare ^C resets colours', '\x034r\x03n', [{ text: 'r', fg: '4' }, { text: 'n' }]],
  ['bg persists when fg changes', '\x033,5a\x038b', [{ text: 'a', fg: '3', bg: '5' }, { text: 'b', fg: '8', bg: '5' }]],
  ['extended palette 16–98 as hex', '\x0316a\x0352b\x0398c', [{ text: 'a', fg: '#470000' }, { text: 'b', fg: '#ff0000' }, { text: 'c', fg: '#ffffff' }]],
  ['99 is the default colour', '\x0399,99x', [{ text: 'x' }]],
  ['hex colour ^D', '\x04FF8800,000000x\x04y', [{ text: 'x', fg: '#ff8800', bg: '#000000' }, { text: 'y' }]],
  ['reset ^O clears everything', '\x02\x1d\x034a\x0fb', [{ text: 'a', bold: true, italic: true, fg: '4' }, { text: 'b' }]],
  ['reverse swaps colours', '\x034,2\x16r', [{ text: 'r', fg: '2', bg: '4' }]],
  ['reverse with default colours', '\x16r', [{ text: 'r', fg: '1', bg: '0' }]],
  ['codes only → empty spans', '\x02\x02', []],
  ['adjacent equal styles merge', '\x02a\x02\x02b\x02', [{ text: 'ab', bold: true }]],
];

for (const [name, input, spans] of cases) {
  test(`formatting: ${name}`, () => {
    const r = parseFormatting(input);
    assert.deepEqual(r.spans, spans);
    if (r.spans) assert.equal(joined(r), r.plain, 'spans joined equal the plain text');
    else assert.equal(r.plain, input);
  });
}

test('formatting: palette mapping 0–15 as indices, 16–98 hex, 99+ none', () => {
  assert.equal(mircColour(0), '0');
  assert.equal(mircColour(15), '15');
  assert.equal(mircColour(28), '#740000');
  assert.equal(mircColour(88), '#000000');
  assert.equal(mircColour(99), undefined);
});

test('formatting: plain text equals the body with every code removed (random input)', () => {
  const alphabet = ['a', ' ', '1', ',', '\x02', '\x03', '\x04', '\x0f', '\x11', '\x16', '\x1d', '\x1e', '\x1f', 'F', '0'];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let n = 0; n < 500; n++) {
    const s = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    const r = parseFormatting(s);
    assert.equal(joined(r) || r.plain, r.plain);
    // eslint-disable-next-line no-control-regex -- IRC formatting codes are control characters
    assert.ok(!/[\x02\x03\x04\x0f\x11\x16\x1d\x1e\x1f]/.test(r.plain), JSON.stringify(s));
  }
});
