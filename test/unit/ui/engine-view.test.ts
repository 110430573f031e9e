import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineView } from '../../../src/ui/engine-view.js';
import { FakeEngine, makeConversation } from './fake-engine.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rig(delay = 60) {
  const engine = new FakeEngine();
  engine.conversationList = [makeConversation('c-a', 'libera'), makeConversation('c-b', 'libera')];
  const view = new EngineView(engine, delay);
  view.start();
  let notified = 0;
  view.subscribe(() => notified++);
  view.conversations(); // the list as the sidebar first reads it
  return { engine, view, notified: () => notified };
}

test('changes to a conversation that is not on screen are held back and delivered together after the delay', async () => {
  const r = rig();
  r.view.setVisible('c-a');
  const before = r.view.version('timeline:c-b');
  r.engine.conversationList[1]!.unread = 3;
  r.engine.emit({ conversations: ['c-b'], timelines: ['c-b'] });
  r.engine.conversationList[1]!.unread = 4;
  r.engine.emit({ conversations: ['c-b'], timelines: ['c-b'] });
  assert.equal(r.notified(), 0, 'nothing rendered yet');
  assert.equal(r.view.version('timeline:c-b'), before);
  assert.equal(r.view.conversations().find((c) => c.id === 'c-b')!.unread, 0, 'the row is not re-read yet');
  await sleep(120);
  assert.equal(r.notified(), 1, 'one notification for both batches');
  assert.notEqual(r.view.version('timeline:c-b'), before);
  assert.equal(r.view.conversations().find((c) => c.id === 'c-b')!.unread, 4);
  r.view.stop();
});

test('changes to the visible conversation, accounts and status are delivered at once, taking held changes along', async () => {
  const r = rig(10_000);
  r.view.setVisible('c-a');
  r.engine.conversationList[1]!.unread = 2;
  r.engine.emit({ conversations: ['c-b'] });
  assert.equal(r.notified(), 0);
  r.engine.emit({ timelines: ['c-a'] });
  assert.equal(r.notified(), 1, 'the visible timeline is not delayed');
  assert.equal(r.view.conversations().find((c) => c.id === 'c-b')!.unread, 2, 'the held row came along');
  r.engine.emit({ status: true });
  r.engine.emit({ accounts: true });
  r.engine.emit({ typing: ['c-a'] });
  assert.equal(r.notified(), 4);
  r.view.stop();
});

test('showing another conversation delivers what was held for it at once', () => {
  const r = rig(10_000);
  r.view.setVisible('c-a');
  const before = r.view.version('timeline:c-b');
  r.engine.emit({ timelines: ['c-b'] });
  assert.equal(r.notified(), 0);
  r.view.setVisible('c-b');
  assert.equal(r.notified(), 1);
  assert.notEqual(r.view.version('timeline:c-b'), before);
  r.view.stop();
});
