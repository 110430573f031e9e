/** The daemon protocol's framing (JSON lines over a byte stream) and its version rule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameError, LineDecoder, PROTOCOL_VERSION, versionMismatch, type ClientFrame } from '../../../src/daemon/protocol.js';

const frame = (body: string): ClientFrame => ({ t: 'dispatch', id: '1', action: { type: 'send', conversationId: 'c', body } });

test('a frame is one line, also when its text holds newlines', () => {
  const line = encodeFrame(frame('two\nlines\r\n'));
  assert.equal(line.indexOf('\n'), line.length - 1);
  assert.deepEqual(new LineDecoder<ClientFrame>().push(Buffer.from(line)), [frame('two\nlines\r\n')]);
});

test('frames split anywhere, and several per read, come out whole and in order', () => {
  const frames = [frame('héllo 文字 👩‍👩‍👧'), { t: 'stop' } as ClientFrame, frame('')];
  const bytes = Buffer.from(frames.map(encodeFrame).join(''));
  // Every split point, including inside multi-byte UTF-8 sequences.
  for (let cut = 1; cut < bytes.length; cut++) {
    const d = new LineDecoder<ClientFrame>();
    const out = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
    assert.deepEqual(out, frames, `split at ${cut}`);
  }
  // Byte by byte.
  const d = new LineDecoder<ClientFrame>();
  const out: ClientFrame[] = [];
  for (const b of bytes) out.push(...d.push(Buffer.from([b])));
  assert.deepEqual(out, frames);
});

test('empty lines are skipped; a partial frame waits for its end', () => {
  const d = new LineDecoder<ClientFrame>();
  assert.deepEqual(d.push(Buffer.from('\n\n{"t":"st')), []);
  assert.deepEqual(d.push(Buffer.from('op"}\n')), [{ t: 'stop' }]);
});

test('garbage, frames without a type and oversized lines are refused', () => {
  assert.throws(() => new LineDecoder().push(Buffer.from('not json\n')), FrameError);
  assert.throws(() => new LineDecoder().push(Buffer.from('[1,2]\n')), FrameError);
  assert.throws(() => new LineDecoder().push(Buffer.from('{"type":"x"}\n')), FrameError);
  assert.throws(() => new LineDecoder().push(Buffer.from('"t"\n')), FrameError);
  const small = new LineDecoder(32);
  assert.deepEqual(small.push(Buffer.from('{"t":"stop"}\n')), [{ t: 'stop' }]);
  // Over the limit without a newline (split over reads), and within one read.
  const d = new LineDecoder(32);
  d.push(Buffer.from('{"t":"dispatch","id":"'));
  assert.throws(() => d.push(Buffer.from('x'.repeat(20))), /longer than 32 bytes/);
  assert.throws(() => new LineDecoder(32).push(Buffer.from(`{"t":"${'x'.repeat(40)}"}\n`)), /longer than 32 bytes/);
});

test('versions: the same natter and protocol attach; anything else gets the plain-words refusal', () => {
  assert.equal(versionMismatch('0.2.0', '0.2.0'), undefined);
  assert.equal(versionMismatch('0.2.0', '0.2.0', PROTOCOL_VERSION), undefined);
  const m = versionMismatch('0.2', '0.1');
  assert.ok(m?.startsWith('natter 0.2 UI cannot attach to a natter 0.1 daemon: restart the daemon'), m);
  assert.match(versionMismatch('0.2.0', '0.2.0', PROTOCOL_VERSION + 1) ?? '', /cannot attach/);
});
