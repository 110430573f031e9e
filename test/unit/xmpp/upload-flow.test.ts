/**
 * uploadAttachment's decisions before any byte goes out, over a scripted IQ answerer: where the service is found
 * (the server itself, else a disco item), no service, a file above max-file-size, slot errors and a silent server,
 * each as a SendRejected with plain words and the right retryability.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parse from '@xmpp/xml/lib/parse.js';
import type { Element } from '@xmpp/xml';
import { SendRejected } from '../../../src/core/contract.js';
import { IqError, IqTimeout } from '../../../adapters/xmpp/iq.js';
import type { Connection, XmppState } from '../../../adapters/xmpp/state.js';
import { findUploadService, uploadAttachment } from '../../../adapters/xmpp/upload.js';

const dir = mkdtempSync(join(tmpdir(), 'natter-upload-flow-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'a.txt');
writeFileSync(path, 'x'.repeat(2000));

type Answer = Element | Error;
/** A state whose IQs are answered by `answer(to, child)`; records what was asked. */
function state(answer: (to: string | undefined, child: Element) => Answer): { s: XmppState; asked: string[] } {
  const asked: string[] = [];
  const conn = { online: true, closed: false } as Connection;
  const s = {
    conn,
    opts: { jid: { local: 'alice', domain: 'example.org', resource: '' }, bare: 'alice@example.org', acceptInvalidCerts: false },
    log: { info: () => undefined, debug: () => undefined, warn: () => undefined, error: () => undefined },
    emit: () => undefined,
    iq: async (_c: Connection, _type: string, child: Element, to?: string) => {
      asked.push(`${child.name}:${child.attrs.xmlns?.split('#')[1] ?? child.attrs.xmlns} ${to}`);
      const a = answer(to, child);
      if (a instanceof Error) throw a;
      return a;
    },
  } as unknown as XmppState;
  return { s, asked };
}

const info = (features: string[], max?: number) =>
  parse(`<iq type="result"><query xmlns="http://jabber.org/protocol/disco#info">${features.map((f) => `<feature var="${f}"/>`).join('')}${
    max ? `<x xmlns="jabber:x:data" type="result"><field var="FORM_TYPE"><value>urn:xmpp:http:upload:0</value></field><field var="max-file-size"><value>${max}</value></field></x>` : ''
  }</query></iq>`);
const items = (jids: string[]) => parse(`<iq type="result"><query xmlns="http://jabber.org/protocol/disco#items">${jids.map((j) => `<item jid="${j}"/>`).join('')}</query></iq>`);
const UPLOAD = 'urn:xmpp:http:upload:0';

function server(o: { uploadOn?: 'server' | 'item' | 'none'; max?: number; slot?: Answer }) {
  return (to: string | undefined, child: Element): Answer => {
    const ns = child.attrs.xmlns as string;
    if (ns.endsWith('#info')) {
      if (to === 'example.org') return info(o.uploadOn === 'server' ? [UPLOAD] : ['urn:xmpp:ping'], o.uploadOn === 'server' ? o.max : undefined);
      if (to === 'upload.example.org') return info(o.uploadOn === 'item' ? [UPLOAD] : [], o.max);
      return info(['http://jabber.org/protocol/muc']);
    }
    if (ns.endsWith('#items')) return items(['muc.example.org', 'upload.example.org']);
    if (child.name === 'request') return o.slot ?? new IqTimeout('no answer');
    return new Error(`unexpected ${child.name}`);
  };
}

const send = (s: XmppState) => uploadAttachment(s, 'L1', { path, name: 'a.txt', size: 2000, mime: 'text/plain' });

async function rejected(p: Promise<unknown>, message: RegExp, retryable: boolean): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SendRejected, String(e));
    assert.match(e.message, message);
    assert.equal(e.retryable, retryable, e.message);
    return true;
  });
}

test('the service is the server itself when it says so; else the disco item that has the feature', async () => {
  const a = state(server({ uploadOn: 'server', max: 5000 }));
  assert.deepEqual(await findUploadService(a.s, a.s.conn!), { jid: 'example.org', maxFileSize: 5000 });
  const b = state(server({ uploadOn: 'item' }));
  assert.deepEqual(await findUploadService(b.s, b.s.conn!), { jid: 'upload.example.org' });
  assert.ok(b.asked.includes('query:items example.org'));
  // Found once per connection.
  await findUploadService(b.s, b.s.conn!);
  assert.equal(b.asked.filter((x) => x.startsWith('query:items')).length, 1);
});

test('no upload service: refused for good, in plain words', async () => {
  await rejected(send(state(server({ uploadOn: 'none' })).s), /this server offers no file upload/, false);
});

test('a file above max-file-size is refused before any slot is asked for', async () => {
  const a = state(server({ uploadOn: 'item', max: 1000 }));
  await rejected(send(a.s), /a\.txt is too large to upload: 2\.0 kB, the server takes at most 1\.0 kB/, false);
  assert.equal(a.asked.some((x) => x.startsWith('request')), false);
});

test('slot errors: not-acceptable and quota are final; a silent service or server is retryable', async () => {
  await rejected(send(state(server({ uploadOn: 'item', slot: new IqError('not-acceptable', 'File too large', 'modify') })).s), /refused the file: File too large/, false);
  await rejected(send(state(server({ uploadOn: 'item', slot: new IqError('resource-constraint', undefined, 'wait') })).s), /out of space for you for now \(quota reached\)/, false);
  await rejected(send(state(server({ uploadOn: 'item' })).s), /the upload service did not answer/, true);
  const silent = state(() => new IqTimeout('no answer'));
  await rejected(send(silent.s), /could not find the upload service/, true);
});

test('an insecure slot is refused; a lost connection is retryable', async () => {
  const slot = parse(`<iq type="result"><slot xmlns="${UPLOAD}"><put url="http://upload.example.org/p"/><get url="http://upload.example.org/g"/></slot></iq>`);
  await rejected(send(state(server({ uploadOn: 'item', slot })).s), /insecure or invalid upload address/, false);
  const off = state(server({ uploadOn: 'item' }));
  (off.s.conn as { online: boolean }).online = false;
  await rejected(send(off.s), /not connected/, true);
});
