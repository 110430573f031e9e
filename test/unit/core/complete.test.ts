import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { complete, type CompletionSources, type CompletionState } from '../../../src/core/commands/complete.js';
import { commandNames } from '../../../src/core/commands/registry.js';

const sources: CompletionSources = {
  commands: commandNames(),
  // recency order: bob spoke last
  nicks: ['bob', 'Bea', 'alice', 'bert', 'bob'],
  conversations: ['#natter', '#Nix', '#debian', 'bob', '#natter-dev'],
};

/** Presses Tab `times` times on `input` with the cursor at `|` (end when absent); returns each step's text with `|`. */
function tab(marked: string, times: number, backward = false): string[] {
  const at = marked.includes('|') ? marked.indexOf('|') : marked.length;
  let text = marked.replace('|', '');
  let cursor = at;
  let state: CompletionState | undefined;
  const out: string[] = [];
  for (let i = 0; i < times; i++) {
    const r = complete(text, cursor, sources, state, backward);
    if (!r) {
      out.push('(none)');
      break;
    }
    ({ text, cursor, state } = r);
    out.push(text.slice(0, cursor) + '|' + text.slice(cursor));
  }
  return out;
}

const table: [input: string, tabs: number, expected: string[]][] = [
  // commands
  ['/j', 2, ['/join |', '/join |']],
  ['/JO', 1, ['/join |']],
  ['/q', 3, ['/query |', '/quit |', '/query |']],
  ['/', 3, ['/close |', '/connect |', '/decline |']],
  ['/d| #natter', 3, ['/decline |#natter', '/delete |#natter', '/disconnect |#natter']],
  ['/re', 2, ['/react |', '/reply |']],
  ['/up', 1, ['/upload |']],
  ['/zzz', 1, ['(none)']],
  // nicks at the start of the line get ": "
  ['b', 4, ['bob: |', 'Bea: |', 'bert: |', 'bob: |']],
  ['B', 1, ['bob: |']],
  ['al', 2, ['alice: |', 'alice: |']],
  ['b| how are you', 1, ['bob: |how are you']],
  // nicks elsewhere get " "
  ['thanks b', 3, ['thanks bob |', 'thanks Bea |', 'thanks bert |']],
  ['ask b| later', 2, ['ask bob |later', 'ask Bea |later']],
  ['ask be|x', 1, ['ask Bea |x']],
  ['x', 1, ['(none)']],
  ['', 1, ['(none)']],
  ['hello |', 1, ['(none)']],
  // conversations: "#…" anywhere, or any word after /join, /part, /query; alphabetical
  ['#n', 4, ['#natter |', '#natter-dev |', '#Nix |', '#natter |']],
  ['see #d', 1, ['see #debian |']],
  ['/join ', 2, ['/join #debian |', '/join #natter |']],
  ['/join nat', 2, ['/join #natter |', '/join #natter-dev |']],
  ['/j ni', 1, ['/j #Nix |']],
  ['/query b', 1, ['/query bob |']],
  ['/part #x', 1, ['(none)']],
];

describe('complete', () => {
  for (const [input, times, expected] of table) {
    it(`${JSON.stringify(input)} × ${times}`, () => assert.deepEqual(tab(input, times), expected));
  }

  it('Shift-Tab cycles backwards', () => {
    assert.deepEqual(tab('b', 3, true), ['bob: |', 'bert: |', 'Bea: |']);
  });

  it('starts over when the text changed since the last completion', () => {
    const first = complete('b', 1, sources);
    assert.ok(first);
    assert.equal(first.text, 'bob: ');
    // The user typed more instead of pressing Tab again: the old state must not be used.
    const typed = 'bob: thanks a';
    const next = complete(typed, typed.length, sources, first.state);
    assert.ok(next);
    assert.equal(next.text, 'bob: thanks alice ');
    assert.equal(next.cursor, next.text.length);
    assert.deepEqual(next.state.candidates, ['alice']);
  });

  it('starts over when only the cursor moved', () => {
    const first = complete('hi b and b', 4, sources);
    assert.ok(first);
    assert.equal(first.text, 'hi bob and b');
    const moved = complete(first.text, first.text.length, sources, first.state);
    assert.ok(moved);
    assert.equal(moved.text, 'hi bob and bob ');
  });

  it('keeps nick recency order and drops duplicates', () => {
    const r = complete('b', 1, sources);
    assert.deepEqual(r?.state.candidates, ['bob', 'Bea', 'bert']);
  });

  it('state is plain data (survives JSON)', () => {
    const first = complete('#n', 2, sources);
    assert.ok(first);
    const again = complete(first.text, first.cursor, sources, JSON.parse(JSON.stringify(first.state)) as CompletionState);
    assert.equal(again?.text, '#natter-dev ');
  });
});
