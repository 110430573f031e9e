import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTime, normalizeFingerprint } from '../../../src/config/schema.js';
import { closest, editDistance } from '../../../src/config/suggest.js';

describe('normalizeFingerprint', () => {
  const upper = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
  const cases: Array<[string, string | undefined]> = [
    [upper, upper],
    [upper.toLowerCase(), upper],
    [upper.replace(/:/g, ''), upper],
    [` ${upper.replace(/:/g, '').toLowerCase()} `, upper],
    [upper.slice(3), undefined],
    [upper.replace('AB', 'AG'), undefined],
    ['AB:CDEF' + upper.slice(7), undefined],
  ];
  for (const [input, out] of cases) it(JSON.stringify(input), () => assert.equal(normalizeFingerprint(input), out));
});

describe('suggestions', () => {
  const cases: Array<[string, string[], string | undefined]> = [
    ['prot', ['port', 'protocol', 'nick'], 'port'],
    ['protocl', ['port', 'protocol'], 'protocol'],
    ['pasword', ['password', 'password_command'], 'password'],
    ['Nick', ['nick'], 'nick'],
    ['xyz', ['port', 'nick'], undefined],
    ['a', ['b'], undefined],
  ];
  for (const [input, candidates, out] of cases) it(`${input} → ${out}`, () => assert.equal(closest(input, candidates), out));
  it('edit distance counts a transposition as one edit', () => {
    assert.equal(editDistance('prot', 'port'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });
});

describe('formatTime', () => {
  const d = new Date(2026, 10, 20, 9, 5, 7);
  const pm = new Date(2026, 10, 20, 0, 30, 0);
  const cases: Array<[Date, string, string]> = [
    [d, 'HH:mm', '09:05'],
    [d, 'H:mm:ss', '9:05:07'],
    [d, 'hh:mm a', '09:05 am'],
    [pm, 'h:mm a', '12:30 am'],
    [new Date(2026, 0, 1, 13, 0), 'h.mm a', '1.00 pm'],
  ];
  for (const [date, pattern, out] of cases) it(`${pattern} → ${out}`, () => assert.equal(formatTime(date, pattern), out));
});
