// The engine's download for /open: Adapter.download into <profile>/downloads/<account>, 0700, reused the second time;
// refusals in plain words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Action } from '../../../src/core/actions.js';
import type { Attachment } from '../../../src/core/model.js';
import { Engine } from '../../../src/core/engine/engine.js';
import { safeName } from '../../../src/core/engine/download-attachment.js';
import { DOWNLOAD_ACTION } from '../../../src/core/download-action.js';
import { silentLogger } from '../../../src/core/logger.js';
import { openStore } from '../../../src/store/open-store.js';
import { FakeAdapter } from '../engine/fake-adapter.js';

class DownloadingAdapter extends FakeAdapter {
  downloads: Array<{ url: string; destination: string }> = [];
  async download(attachment: Attachment, destination: string): Promise<void> {
    this.downloads.push({ url: attachment.url, destination });
    writeFileSync(destination, `decrypted ${attachment.url}`, { mode: 0o600 });
  }
}

async function rig(withDownload: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'natter-dl-'));
  const store = openStore(dir);
  const adapters: FakeAdapter[] = [];
  const engine = new Engine({
    store,
    log: silentLogger,
    batchMs: 1,
    accounts: [
      {
        id: 'mx',
        protocol: 'irc',
        enabled: true,
        config: {},
        secret: async () => undefined,
        factory: () => {
          const a = withDownload ? new DownloadingAdapter() : new FakeAdapter();
          adapters.push(a);
          return a;
        },
      },
    ],
  });
  await engine.start();
  const adapter = adapters[0]!;
  adapter.online();
  adapter.emit({
    type: 'message',
    message: {
      conversation: { remoteId: '!room', kind: 'group' },
      senderId: 'bob',
      direction: 'in',
      kind: 'text',
      body: 'report.pdf',
      remoteId: 'ev1',
      attachments: [{ url: 'mxc://hs/abc', name: '../../.report.pdf', encrypted: true }],
    },
  });
  engine.drain();
  const conv = store.findConversation('mx', '!room')!;
  const message = store.findByRemoteId(conv.id, 'ev1')!;
  const action = (url = 'mxc://hs/abc'): Action => ({
    type: 'protocol',
    accountId: 'mx',
    conversationId: conv.id,
    name: DOWNLOAD_ACTION,
    args: [message.id, url],
  });
  return { engine, store, adapter, action };
}

test('a download lands in the profile downloads dir under a safe name, 0700, and is reused', async () => {
  const { engine, store, adapter, action } = await rig(true);
  const r = await engine.dispatch(action());
  assert.ok(r.ok, JSON.stringify(r));
  const path = r.info!;
  assert.equal(dirname(path), join(dirname(store.path), 'downloads', 'mx'));
  assert.match(path, /\/[0-9a-f]{10}-report\.pdf$/);
  assert.equal(readFileSync(path, 'utf8'), 'decrypted mxc://hs/abc');
  assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
  const again = await engine.dispatch(action());
  assert.deepEqual(again, { ok: true, info: path });
  assert.equal((adapter as DownloadingAdapter).downloads.length, 1);
  await engine.stop();
});

test('refusals: no such attachment, an adapter without download', async () => {
  let { engine, action } = await rig(true);
  assert.deepEqual(await engine.dispatch(action('mxc://hs/other')), { ok: false, error: 'that message has no such attachment' });
  await engine.stop();
  ({ engine, action } = await rig(false));
  assert.deepEqual(await engine.dispatch(action()), { ok: false, error: 'mx cannot download files' });
  await engine.stop();
});

test('safe names stay one harmless path component', () => {
  assert.equal(safeName('../../etc/passwd'), 'passwd');
  assert.equal(safeName('C:\\x\\..\\evil.exe'), 'evil.exe');
  assert.equal(safeName('..'), 'attachment');
  assert.equal(safeName('a\u202eb\x1b.txt'), 'a_b_.txt');
  assert.equal(Array.from(safeName('x'.repeat(300))).length, 100);
});
