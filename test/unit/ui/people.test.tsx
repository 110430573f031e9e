import './force-color.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { makeConversation, sampleEngine } from './fake-engine.js';
import { splitInput } from '../../../src/ui/terminal-input.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

const sidebarOf = (frame: string): string[] => plain(frame).split('\n').map((l) => l.slice(0, 24).trimEnd());
const header = (frame: string): string => plain(frame).split('\n')[0]!.slice(25);

test('[[people]]: one person\'s conversations on IRC and XMPP are listed under their name with the network; a click on the name opens the one used last', async () => {
  const engine = sampleEngine();
  engine.conversationList.push(
    makeConversation('c-bob-x', 'jabber', { remoteId: 'bob@x.example', title: 'Robert', kind: 'direct', lastActivityAt: 9_000 }),
  );
  engine.conversationList.find((c) => c.id === 'c-bob')!.lastActivityAt = 1_000;
  const people = [{ name: 'Bob', xmpp: ['bob@x.example'], irc: ['libera/bob'] }];
  r = renderApp(engine, { columns: 100, rows: 30 }, { display: { people } });
  const frame = await r.waitFor((f) => plain(f).includes('Bob · xmpp'));
  const side = sidebarOf(frame);
  assert.deepEqual(side.slice(0, 3), [' » Bob', '    Bob · irc', '    Bob · xmpp'], side.join('\n'));
  assert.ok(!side.some((l) => /^\s+bob$|Robert/.test(l)), `listed once:\n${side.join('\n')}`);
  // Alt-1 is the first row under the person; the header shows the conversation's own title.
  await r.press(keys.alt('2'));
  await r.waitFor((f) => header(f).includes('Robert'), 'Alt-2 opens the xmpp one');
  await r.press(keys.alt('1'));
  await r.waitFor((f) => /^bob\b/.test(header(f).trim()), 'Alt-1 opens the irc one');
  for (const p of splitInput('', '\x1b[<0;3;1M').presses) r.side.emit(p);
  await r.waitFor((f) => header(f).includes('Robert'), 'a click on the name opens the one used last');
  // The switcher lists them with their network too.
  await r.press(keys.ctrlK);
  await r.type('Bob');
  const switcher = plain(await r.waitFor((f) => plain(f).includes('Switch to conversation') && plain(f).includes('Bob · irc')));
  assert.match(switcher, /Bob · xmpp/);
  await r.press(keys.escape);
});
