import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzyFilter, fuzzyScore } from '../../../src/core/commands/fuzzy.js';

describe('fuzzyScore', () => {
  const matches: [query: string, candidate: string, matched: boolean][] = [
    ['', 'anything', true],
    ['nat', '#natter', true],
    ['NAT', '#natter', true],
    ['ntr', '#natter', true],
    ['n d', '#natter-dev', true],
    ['über', 'Überall', true],
    ['😀', 'party 😀 room', true],
    ['xyz', '#natter', false],
    ['ba', 'ab', false],
    ['natters', '#natter', false],
    ['a', '', false],
  ];
  for (const [query, candidate, matched] of matches) {
    it(`${JSON.stringify(query)} in ${JSON.stringify(candidate)}: ${matched ? 'match' : 'no match'}`, () => {
      const score = fuzzyScore(query, candidate);
      if (matched) assert.equal(typeof score, 'number');
      else assert.equal(score, undefined);
    });
  }

  it('an empty query scores 0', () => assert.equal(fuzzyScore('', 'x'), 0));
});

describe('fuzzyFilter ordering', () => {
  const table: [query: string, items: string[], expected: string[]][] = [
    // word starts beat a tight match in the middle of a word
    ['nd', ['#random', '#natter-dev'], ['#natter-dev', '#random']],
    ['gh', ['github', 'go-home'], ['go-home', 'github']],
    // camelCase humps count as word starts
    ['nd', ['nodes', 'natterDev'], ['natterDev', 'nodes']],
    // a prefix beats the same letters after a sigil, which beats a match inside a word; shorter wins ties
    ['nat', ['ignatius', '#natter-dev', '#natter', 'natter'], ['natter', '#natter', '#natter-dev', 'ignatius']],
    // consecutive letters beat scattered ones
    ['dev', ['#d-e-v', '#dev'], ['#dev', '#d-e-v']],
    // non-matches are dropped
    ['bob', ['alice', 'bob@example.org', 'carol', 'b-o-b'], ['bob@example.org', 'b-o-b']],
    // an empty query keeps the input order
    ['', ['c', 'a', 'b'], ['c', 'a', 'b']],
  ];
  for (const [query, items, expected] of table) {
    it(`${JSON.stringify(query)}: ${expected.join(' > ')}`, () => {
      assert.deepEqual(fuzzyFilter(query, items, (s) => s), expected);
    });
  }

  it('is stable: equal scores keep the input order', () => {
    assert.deepEqual(fuzzyFilter('a', ['#a-b', '#a-c'], (s) => s), ['#a-b', '#a-c']);
    assert.deepEqual(fuzzyFilter('a', ['#a-c', '#a-b'], (s) => s), ['#a-c', '#a-b']);
  });

  it('applies the limit after ranking', () => {
    const items = ['x-natter', 'natter', 'n-a-t', 'nope'];
    assert.deepEqual(fuzzyFilter('nat', items, (s) => s, 2), ['natter', 'x-natter']);
    assert.deepEqual(fuzzyFilter('nat', items, (s) => s, 0), []);
  });

  it('ranks objects through the text function', () => {
    const conversations = [
      { id: 'c1', title: '#random' },
      { id: 'c2', title: '#natter-dev' },
    ];
    assert.deepEqual(
      fuzzyFilter('nd', conversations, (c) => c.title).map((c) => c.id),
      ['c2', 'c1'],
    );
  });
});
