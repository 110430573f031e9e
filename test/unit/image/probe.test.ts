// Terminal replies to the image queries: parsed, taken out of the input, and turned into a protocol choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  da1HasSixel,
  deviceAttributesQuery,
  kittyQuery,
  parseReport,
  probeImageProtocol,
  resolveImageSetting,
  takeReports,
  type TerminalReport,
} from '../../../src/ui/image/probe.js';

test('kitty and DA1 replies are parsed', () => {
  assert.deepEqual(parseReport('\x1b_Gi=31;OK\x1b\\'), { kind: 'kitty', id: 31, ok: true, message: 'OK' });
  assert.deepEqual(parseReport('\x1b_Gi=31;ENOTSUPPORTED:no\x1b\\'), { kind: 'kitty', id: 31, ok: false, message: 'ENOTSUPPORTED:no' });
  assert.deepEqual(parseReport('\x1b[?62;4;22c'), { kind: 'da1', params: ['62', '4', '22'] });
  assert.equal(parseReport('\x1b[A'), undefined);
  assert.equal(da1HasSixel(['62', '4', '22']), true);
  assert.equal(da1HasSixel(['64', '1', '2', '6', '9', '15', '18', '21', '22']), false);
  assert.equal(da1HasSixel(['4']), false, 'the device class alone is no attribute');
});

test('replies are taken out of the input, also when split across reads; typed keys and a lone Esc pass', () => {
  const a = takeReports('', 'ab\x1b_Gi=31;O');
  assert.deepEqual(a, { pass: 'ab', reports: [], carry: '\x1b_Gi=31;O' });
  const b = takeReports(a.carry, 'K\x1b\\\x1b[?62;4c' + 'x\x1b');
  assert.deepEqual(b.reports, [
    { kind: 'kitty', id: 31, ok: true, message: 'OK' },
    { kind: 'da1', params: ['62', '4'] },
  ]);
  assert.equal(b.pass, 'x\x1b');
  assert.equal(b.carry, '');
  assert.deepEqual(takeReports('', '\x1b[?6'), { pass: '', reports: [], carry: '\x1b[?6' });
  assert.deepEqual(takeReports('', 'hello\x1b[A'), { pass: 'hello\x1b[A', reports: [], carry: '' });
});

function fakeTerminal(answer: (written: string) => string[]) {
  const listeners = new Set<(r: TerminalReport) => void>();
  const written: string[] = [];
  return {
    written,
    reports: {
      subscribe: (l: (r: TerminalReport) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
    write: (bytes: string) => {
      written.push(bytes);
      queueMicrotask(() => {
        for (const reply of answer(bytes)) {
          const r = parseReport(reply);
          if (r) for (const l of [...listeners]) l(r);
        }
      });
    },
    listeners,
  };
}

test('the probe writes both queries and picks kitty, sixel or blocks from the answers', async () => {
  const kitty = fakeTerminal(() => ['\x1b_Gi=31;OK\x1b\\', '\x1b[?62;22c']);
  assert.equal(await probeImageProtocol(kitty.write, kitty.reports, 60_000), 'kitty');
  assert.deepEqual(kitty.written, [kittyQuery + deviceAttributesQuery]);
  assert.equal(kitty.written[0], '\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[c');
  assert.equal(kitty.listeners.size, 0, 'unsubscribed');
  const sixel = fakeTerminal(() => ['\x1b[?63;1;2;4;6;9;15;22c']);
  assert.equal(await probeImageProtocol(sixel.write, sixel.reports, 60_000), 'sixel');
  const plainTerm = fakeTerminal(() => ['\x1b[?1;2c']);
  assert.equal(await probeImageProtocol(plainTerm.write, plainTerm.reports, 60_000), 'blocks');
  const kittyRefuses = fakeTerminal(() => ['\x1b_Gi=31;EINVAL:bad\x1b\\', '\x1b[?62;4c']);
  assert.equal(await probeImageProtocol(kittyRefuses.write, kittyRefuses.reports, 60_000), 'sixel');
  const silent = fakeTerminal(() => []);
  assert.equal(await probeImageProtocol(silent.write, silent.reports, 10), 'blocks', 'no answer at all: half-blocks');
});

test('[ui] images resolves against NATTER_SLOW_LINK and SSH', () => {
  assert.equal(resolveImageSetting('auto', {}), 'auto');
  assert.equal(resolveImageSetting('auto', { NATTER_SLOW_LINK: '1' }), 'off');
  assert.equal(resolveImageSetting('auto', { SSH_CONNECTION: '1 2 3 4' }), 'auto');
  assert.equal(resolveImageSetting('auto', { SSH_CONNECTION: '1 2 3 4' }, false), 'off');
  assert.equal(resolveImageSetting('sixel', { NATTER_SLOW_LINK: '1' }), 'sixel', 'a named protocol is used as asked');
  assert.equal(resolveImageSetting('off', {}), 'off');
});
