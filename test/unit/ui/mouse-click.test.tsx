// Left clicks: SGR press/release parsing, and in the Ink harness a click on a sidebar row switches the conversation,
// on a group heading collapses it, on a timeline link runs [ui] open_command (a node script recording its argv).
import './force-color.js';
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitInput } from '../../../src/ui/terminal-input.js';
import { linkAt } from '../../../src/ui/mouse-click.js';
import { plain, renderApp, type Rendered } from './harness.js';
import { makeConversation, sampleEngine } from './fake-engine.js';
import { waitFor } from '../../harness/wait-for.js';
import { textWidth } from '../../../src/ui/wrap.js';

const dir = mkdtempSync(join(tmpdir(), 'natter-click-ui-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let r: Rendered | undefined;
afterEach(() => r?.unmount());

test('a left-button press report becomes a click press with its cell; the release and other buttons are dropped', () => {
  const s = splitInput('', 'a\x1b[<0;12;5Mb\x1b[<0;12;5m\x1b[<2;3;3M\x1b[<1;3;3M\x1b[<32;4;4M');
  assert.equal(s.pass, 'ab');
  assert.deepEqual(
    s.presses.map((p) => [p.name, p.mouse]),
    [['click', { x: 12, y: 5 }]],
  );
  // Modifiers ride along (16 = Control); a report split across reads is completed by the next chunk.
  const first = splitInput('', '\x1b[<16;7');
  assert.deepEqual(first.presses, []);
  const second = splitInput(first.carry, ';9M');
  assert.equal(second.presses[0]?.name, 'click');
  assert.equal(second.presses[0]?.ctrl, true);
  assert.deepEqual(second.presses[0]?.mouse, { x: 7, y: 9 });
  // The wheel still scrolls.
  assert.equal(splitInput('', '\x1b[<64;1;1M').presses[0]?.name, 'wheelup');
});

test('linkAt picks the link under the column, else the row\'s first link', () => {
  const line = [{ text: 'see ' }, { text: 'https://a.example', href: 'https://a.example' }, { text: ' or ' }, { text: 'https://b.example', href: 'https://b.example' }];
  assert.equal(linkAt(line, 30), 'https://b.example');
  assert.equal(linkAt(line, 5), 'https://a.example');
  assert.equal(linkAt(line, 0), 'https://a.example');
  assert.equal(linkAt([{ text: 'no links here' }], 3), undefined);
});

/** Sends a left click at a 0-based cell through the same parser the terminal input uses. */
function click(rendered: Rendered, col: number, row: number): void {
  for (const p of splitInput('', `\x1b[<0;${col + 1};${row + 1}M\x1b[<0;${col + 1};${row + 1}m`).presses) rendered.side.emit(p);
}
const header = (frame: string): string => plain(frame).split('\n')[0]!.slice(25);

test('a click on a sidebar row opens that conversation; on a group heading it collapses the group', async () => {
  const engine = sampleEngine();
  engine.conversationList.push(
    makeConversation('c-alice', 'jabber', { remoteId: 'alice@x', title: 'alice', kind: 'direct', parentId: 'Friends' }),
    makeConversation('c-carl', 'jabber', { remoteId: 'carl@x', title: 'carl', kind: 'direct', parentId: 'Friends' }),
  );
  r = renderApp(engine);
  let frame = plain(await r.waitFor((f) => plain(f).includes('carl')));
  const rowOf = (f: string, s: string) => f.split('\n').findIndex((l) => l.slice(0, 24).includes(s));
  click(r, 3, rowOf(frame, 'bob'));
  await r.waitFor((f) => header(f).includes('bob'), 'bob opened');
  click(r, 5, rowOf(frame, 'alice'));
  await r.waitFor((f) => header(f).includes('alice'), 'alice opened');
  click(r, 5, rowOf(frame, 'Friends'));
  frame = plain(await r.waitFor((f) => plain(f).includes('▸ Friends'), 'collapsed'));
  assert.equal(rowOf(frame, 'carl'), -1, 'carl hidden in the collapsed group');
  assert.ok(rowOf(frame, 'alice') > 0, 'the open conversation stays listed');
  // A click right of the sidebar on the header row does nothing.
  click(r, 40, 0);
  assert.ok(header(r.lastFrame()).includes('alice'));
});

test('a click on a timeline link opens it with [ui] open_command', async () => {
  const out = join(dir, 'argv.json');
  const script = join(dir, 'record.mjs');
  writeFileSync(script, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n`);
  const engine = sampleEngine();
  const list = engine.timelines.get('c-natter')!;
  list[3] = { ...list[3]!, body: 'older https://one.example/a' };
  list[4] = { ...list[4]!, body: 'see https://two.example/b?x=1, thanks' };
  r = renderApp(engine, { columns: 100, rows: 20 }, { display: { openCommand: [process.execPath, script] } });
  const frame = plain(await r.waitFor((f) => plain(f).includes('two.example')));
  const rows = frame.split('\n');
  const row = rows.findIndex((l) => l.includes('one.example'));
  const col = textWidth(rows[row]!.slice(0, rows[row]!.indexOf('one.example')));
  click(r, col + 2, row);
  await r.waitFor((f) => plain(f).includes('opened https://one.example/a'), 'status line');
  await waitFor(() => existsSync(out), 'opener ran', 30_000);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8').trim()), ['https://one.example/a']);
  // A row without a link opens nothing.
  const plainRow = rows.findIndex((l, i) => i > 0 && l.slice(25).trim() !== '' && !l.includes('example') && !l.includes('#natter'));
  assert.ok(plainRow > 0);
  click(r, 40, plainRow);
  click(r, col + 2, rows.findIndex((l) => l.includes('two.example')));
  await waitFor(() => readFileSync(out, 'utf8').trim().split('\n').length === 2, 'second link opened', 30_000);
  assert.deepEqual(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]), [
    ['https://one.example/a'],
    ['https://two.example/b?x=1'],
  ]);
});
