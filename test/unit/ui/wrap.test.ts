import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { graphemes, lineWidth, textWidth, truncate, wrapSpans, wrapText } from '../../../src/ui/wrap.js';
import type { Span } from '../../../src/core/model.js';

const family = '👨\u200d👩\u200d👧\u200d👦';
const flag = '🇩🇪';
const combining = 'e\u0301'; // e + COMBINING ACUTE ACCENT

const cases: { name: string; text: string; width: number; lines?: string[] }[] = [
  { name: 'ascii words', text: 'the quick brown fox jumps over the lazy dog', width: 10, lines: ['the quick', 'brown fox', 'jumps over', 'the lazy', 'dog'] },
  { name: 'CJK without spaces', text: '日本語のテキストを折り返す', width: 7, lines: ['日本語', 'のテキ', 'ストを', '折り返', 'す'] },
  { name: 'CJK odd width', text: '一二三四五', width: 5, lines: ['一二', '三四', '五'] },
  { name: 'emoji ZWJ sequences', text: `${family}${family}${family}`, width: 5, lines: [`${family}${family}`, family] },
  { name: 'flags', text: `${flag}${flag}${flag}`, width: 4, lines: [`${flag}${flag}`, flag] },
  { name: 'combining marks', text: `caf${combining} caf${combining} caf${combining}`, width: 9, lines: [`caf${combining} caf${combining}`, `caf${combining}`] },
  { name: 'long word hard-broken', text: 'supercalifragilisticexpialidocious', width: 10, lines: ['supercalif', 'ragilistic', 'expialidoc', 'ious'] },
  { name: 'long word after short', text: 'a supercalifragilistic', width: 10, lines: ['a supercal', 'ifragilist', 'ic'] },
  { name: 'mixed CJK and latin', text: 'hello 世界 and 日本', width: 8 },
  { name: 'spaces inside a line are kept', text: 'a  b   c', width: 20, lines: ['a  b   c'] },
  { name: 'newlines force breaks', text: 'one\ntwo three', width: 20, lines: ['one', 'two three'] },
  { name: 'url', text: 'see https://example.org/a/very/long/path/that/goes/on?and=on', width: 16 },
  { name: 'width 2 with wide chars', text: '漢字かな', width: 2, lines: ['漢', '字', 'か', 'な'] },
  { name: 'empty', text: '', width: 10, lines: [''] },
];

for (const c of cases) {
  test(`wrap: ${c.name}`, () => {
    const lines = wrapText(c.text, c.width);
    for (const l of lines) {
      assert.ok(textWidth(l) <= c.width, `"${l}" is ${textWidth(l)} wide, more than ${c.width}`);
      // The measurement agrees with string-width on the whole line.
      assert.equal(textWidth(l), stringWidth(l));
    }
    if (c.lines) assert.deepEqual(lines, c.lines);
    // Nothing but the whitespace at a break is lost; no grapheme is split.
    if (!/\s/.test(c.text)) assert.equal(lines.join(''), c.text);
    assert.deepEqual(lines.flatMap(graphemes).filter((g) => !/\s/.test(g)), graphemes(c.text).filter((g) => !/\s/.test(g)));
  });
}

test('wrap keeps span styles across breaks', () => {
  const spans: Span[] = [{ text: 'plain ' }, { text: 'boldtextthatislong', bold: true }, { text: ' end', fg: '4' }];
  const lines = wrapSpans(spans, 8);
  for (const l of lines) assert.ok(lineWidth(l) <= 8);
  const bold = lines.flat().filter((s) => s.bold).map((s) => s.text).join('');
  assert.equal(bold, 'boldtextthatislong');
  const red = lines.flat().filter((s) => s.fg === '4').map((s) => s.text).join('');
  assert.equal(red.trim(), 'end');
});

test('widths: CJK 2, ZWJ family 2, combining 1', () => {
  assert.equal(textWidth('日'), 2);
  assert.equal(textWidth(family), 2);
  assert.equal(textWidth(combining), 1);
  assert.equal(graphemes(family).length, 1);
});

test('truncate cuts on grapheme boundaries with an ellipsis and never exceeds the width', () => {
  assert.equal(truncate('#natter', 10), '#natter');
  assert.equal(truncate('#一二三四五', 6), '#一二…');
  assert.ok(textWidth(truncate(`${family}${family}${family}`, 5)) <= 5);
  assert.equal(truncate(`ab${family}cd`, 4), 'ab…');
  assert.equal(truncate('abc', 0), '');
});
