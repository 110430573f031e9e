import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldCase, parseCaseMapping } from '../../../adapters/irc/casemapping.js';
import { FloodBucket, type FloodClock } from '../../../adapters/irc/flood.js';
import { fallbackNick, normalizeFingerprint, parseChannelSpec } from '../../../adapters/irc/options.js';
import { splitUtf8 } from '../../../adapters/irc/split.js';
import { backoffDelay, ReconnectBackoff } from '../../../src/core/backoff.js';

test('casemapping: rfc1459, strict-rfc1459, ascii', () => {
  assert.equal(foldCase('Nick[]\\^~', 'rfc1459'), 'nick{}|~~');
  assert.equal(foldCase('Nick[]\\^', 'strict-rfc1459'), 'nick{}|^');
  assert.equal(foldCase('Nick[]\\^', 'ascii'), 'nick[]\\^');
  assert.equal(foldCase('ÄB', 'ascii'), 'Äb', 'non-ASCII untouched');
  assert.equal(parseCaseMapping(undefined), 'rfc1459');
  assert.equal(parseCaseMapping('STRICT-RFC1459'), 'strict-rfc1459');
  assert.equal(parseCaseMapping('rfc7613'), 'ascii');
});

test('backoff: 1 s doubling to 60 s, ±20 % jitter', () => {
  const mid = () => 0.5;
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 20].map((a) => backoffDelay(a, mid)), [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  assert.equal(backoffDelay(0, () => 0), 800);
  assert.equal(backoffDelay(0, () => 0.999999), 1200);
  assert.equal(backoffDelay(10, () => 0), 48000);
  for (let a = 0; a < 12; a++) {
    const d = backoffDelay(a);
    const base = Math.min(1000 * 2 ** a, 60000);
    assert.ok(d >= base * 0.8 && d <= base * 1.2, `${a}: ${d}`);
  }
  assert.equal(backoffDelay(-3, mid), 1000);
});

function fakeClock(): FloodClock & { advance(ms: number): void } {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void }> = [];
  return {
    now: () => now,
    setTimer: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => void timers.splice(timers.indexOf(h as never), 1),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > end) break;
        timers.shift();
        now = next.at;
        next.fn();
      }
      now = end;
    },
  };
}

test('flood bucket: burst, then one line per interval; priority jumps the queue; clear drops', () => {
  const clock = fakeClock();
  const bucket = new FloodBucket(3, 500, clock);
  const sent: string[] = [];
  for (const n of ['a', 'b', 'c', 'd', 'e']) bucket.submit(() => sent.push(n));
  assert.deepEqual(sent, ['a', 'b', 'c']);
  assert.equal(bucket.pending, 2);
  clock.advance(499);
  assert.deepEqual(sent, ['a', 'b', 'c']);
  clock.advance(1);
  assert.deepEqual(sent, ['a', 'b', 'c', 'd']);
  bucket.submit(() => sent.push('PONG'), { priority: true });
  clock.advance(500);
  assert.deepEqual(sent.slice(4), ['PONG']);
  clock.advance(500);
  assert.deepEqual(sent.slice(5), ['e']);
  // Idle time refills up to the burst, not beyond.
  clock.advance(10_000);
  for (const n of ['1', '2', '3', '4']) bucket.submit(() => sent.push(n));
  assert.deepEqual(sent.slice(6), ['1', '2', '3']);
  let dropped = 0;
  bucket.submit(() => sent.push('never'), { dropped: () => dropped++ });
  bucket.clear();
  assert.equal(dropped, 1);
  clock.advance(5000);
  assert.ok(!sent.includes('never') && !sent.includes('4'));
  // After clear the bucket is full again.
  bucket.submit(() => sent.push('x'));
  assert.equal(sent.at(-1), 'x');
});

test('nick fallback order', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => fallbackNick('nat', ['natty', 'nats'], i)), ['natty', 'nats', 'nat_', 'nat__', 'nat1', 'nat2']);
});

test('channel specs and fingerprints', () => {
  assert.deepEqual(parseChannelSpec('#chan key'), { name: '#chan', key: 'key' });
  assert.deepEqual(parseChannelSpec(' #chan '), { name: '#chan' });
  assert.equal(normalizeFingerprint('ab:cd:ef'), 'AB:CD:EF');
  assert.equal(normalizeFingerprint('abcdef'), 'AB:CD:EF');
});

test('splitUtf8: never splits a code point, prefers spaces', () => {
  assert.deepEqual(splitUtf8('aaaa bbbb', 6), ['aaaa', 'bbbb']);
  const emoji = '😀'.repeat(10);
  const parts = splitUtf8(emoji, 9);
  assert.deepEqual(parts, ['😀😀', '😀😀', '😀😀', '😀😀', '😀😀']);
  assert.deepEqual(splitUtf8('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
});

test('ReconnectBackoff: grows per failed attempt, resets after a connection stayed up 30 s', () => {
  const b = new ReconnectBackoff(() => 0.5); // no jitter
  assert.deepEqual([b.nextDelay(0), b.nextDelay(0), b.nextDelay(0)], [1000, 2000, 4000]);
  b.online(10_000);
  assert.equal(b.nextDelay(20_000), 8000, 'up for 10 s: not stable, keeps growing');
  b.online(30_000);
  assert.equal(b.nextDelay(60_000), 1000, 'up for 30 s: back to the first delay');
});
