import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ed from '../../../src/ui/composer-state.js';

const family = '👨\u200d👩\u200d👧';

test('backspace and arrows step over whole graphemes', () => {
  let s = ed.insert(ed.emptyEditor, `a${family}e\u0301`);
  s = ed.deleteBack(s);
  assert.equal(s.text, `a${family}`);
  s = ed.left(s);
  assert.equal(s.cursor, 1);
  s = ed.deleteForward(s);
  assert.deepEqual(s, { text: 'a', cursor: 1 });
});

test('line movement keeps the column; first/last line detection', () => {
  const s = { text: 'hello\nhi\nworld', cursor: 4 };
  assert.ok(ed.isOnFirstLine(s));
  const down = ed.verticalMove(s, 1);
  assert.equal(down.cursor, 8); // end of "hi"
  const down2 = ed.verticalMove(down, 1);
  assert.equal(down2.cursor, 11); // column 2 of "world"
  assert.ok(ed.isOnLastLine(down2));
  assert.equal(ed.verticalMove(down2, 1), down2);
});

test('Ctrl-W deletes a word, Ctrl-U to the start of the line, Ctrl-A/E move', () => {
  let s = { text: 'say hello there', cursor: 15 };
  s = ed.deleteWord(s);
  assert.deepEqual(s, { text: 'say hello ', cursor: 10 });
  s = ed.lineStart(s);
  assert.equal(s.cursor, 0);
  s = ed.lineEnd(s);
  assert.equal(s.cursor, 10);
  s = ed.killLine(s);
  assert.deepEqual(s, { text: '', cursor: 0 });
});
