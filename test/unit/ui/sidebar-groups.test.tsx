import './force-color.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { FakeEngine, makeConversation } from './fake-engine.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

/** A Matrix account with a space "Work" holding #dev and #infra, and an XMPP account with a roster group. */
function groupedEngine(): FakeEngine {
  const e = new FakeEngine();
  e.accountList = [
    { id: 'hs', protocol: 'matrix', state: 'online' },
    { id: 'xmpp', protocol: 'xmpp', state: 'online' },
  ];
  e.conversationList = [
    makeConversation('space', 'hs', { remoteId: '!space:hs', title: 'Work', kind: 'group', ext: { space: true } }),
    makeConversation('dev', 'hs', { remoteId: '!dev:hs', title: '#dev', kind: 'group', parentId: '!space:hs', unread: 2 }),
    makeConversation('infra', 'hs', { remoteId: '!infra:hs', title: '#infra', kind: 'group', parentId: '!space:hs', unread: 3 }),
    makeConversation('lobby', 'hs', { remoteId: '!lobby:hs', title: 'lobby', kind: 'group' }),
    makeConversation('alice', 'xmpp', { remoteId: 'alice@x', title: 'alice', kind: 'direct', parentId: 'Friends' }),
  ];
  return e;
}

const sidebarOf = (frame: string): string[] => plain(frame).split('\n').map((l) => l.slice(0, 24).trimEnd());
const header = (frame: string): string => plain(frame).split('\n')[0]!.slice(25);

test('rooms of a space and contacts of a roster group are listed under their heading, in Alt-number order', async () => {
  r = renderApp(groupedEngine());
  const frame = await r.waitFor((f) => plain(f).includes('Friends'));
  const side = sidebarOf(frame);
  const at = (s: string) => side.findIndex((l) => l.includes(s));
  assert.ok(at('lobby') < at('▾ Work') && at('▾ Work') < at('#dev') && at('#dev') < at('#infra'), side.join('\n'));
  assert.ok(at('▾ Friends') < at('alice') && at('xmpp') < at('▾ Friends'), side.join('\n'));
  assert.match(side[at('#dev')]!, /^ {4}#dev/, 'members are indented under the heading');
  assert.equal(side.filter((l) => /\bWork\b/.test(l)).length, 1, 'the space itself is a heading, not a row');
  // Visible order: lobby, #dev, #infra, alice.
  await r.press(keys.alt('3'));
  assert.match(header(await r.waitFor((f) => header(f).includes('#infra'))), /#infra/);
  await r.press(keys.alt('4'));
  assert.match(header(await r.waitFor((f) => header(f).includes('alice'))), /alice/);
});

test('Alt-G collapses the selected conversation\'s group (it stays shown, the others hide) and expands it again', async () => {
  r = renderApp(groupedEngine());
  await r.waitFor((f) => plain(f).includes('Friends'));
  await r.press(keys.alt('2'));
  await r.waitFor((f) => header(f).includes('#dev'));
  await r.press(keys.alt('g'));
  let frame = await r.waitFor((f) => plain(f).includes('▸ Work'), 'collapsed heading');
  let side = sidebarOf(frame);
  assert.ok(!side.some((l) => l.includes('#infra')), `#infra hidden:\n${side.join('\n')}`);
  assert.ok(side.some((l) => l.includes('#dev')), 'the selected room stays listed');
  assert.match(side.find((l) => l.includes('▸ Work'))!, /▸ Work\s+5$/, 'the heading sums the unread counts');
  // Numbering follows what is shown: Alt-3 is now alice, not #infra.
  await r.press(keys.alt('3'));
  frame = await r.waitFor((f) => header(f).includes('alice'));
  side = sidebarOf(frame);
  assert.ok(!side.some((l) => l.includes('#dev')), `leaving the collapsed group hides its last row:\n${side.join('\n')}`);
  // Alt-Down from lobby skips the hidden rooms.
  await r.press(keys.alt('1'));
  await r.waitFor((f) => header(f).includes('lobby'));
  await r.press('\x1b[1;3B');
  await r.waitFor((f) => header(f).includes('alice'), 'Alt-Down to alice');
  // Ctrl-K still finds a hidden room; Alt-G there opens the group again.
  await r.press(keys.ctrlK);
  await r.type('infra');
  await r.press(keys.enter);
  frame = await r.waitFor((f) => header(f).includes('#infra'), 'switcher to #infra');
  assert.ok(!sidebarOf(frame).some((l) => l.includes('#dev')), 'still collapsed');
  await r.press(keys.alt('g'));
  side = sidebarOf(await r.waitFor((f) => plain(f).includes('▾ Work') && plain(f).includes('#dev'), 'expanded again'));
  assert.ok(side.some((l) => l.includes('#infra')));
});
