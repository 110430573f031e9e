// /open typed in the screen runs [ui] open_command (here a node script recording its argv) on the last link.
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { sampleEngine } from './fake-engine.js';
import { waitFor } from '../../harness/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'natter-open-ui-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let r: Rendered | undefined;
afterEach(() => r?.unmount());

test('/open and /open 2 open the newest links of the conversation with [ui] open_command; the status says so', async () => {
  const out = join(dir, 'argv.json');
  const script = join(dir, 'record.mjs');
  writeFileSync(script, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n`);
  const engine = sampleEngine();
  const list = engine.timelines.get('c-natter')!;
  list[3] = { ...list[3]!, body: 'older https://one.example/a' };
  list[4] = { ...list[4]!, body: 'see https://two.example/b?x=1, thanks' };
  r = renderApp(engine, { columns: 100, rows: 20 }, { display: { openCommand: [process.execPath, script] } });
  await r.waitFor((f) => plain(f).includes('two.example'));
  await r.type('/open');
  await r.press(keys.enter);
  await r.waitFor((f) => plain(f).includes('opened https://two.example/b?x=1'), 'status line');
  // The opener runs detached: wait for it before the next, so the two records come in the order they were asked for.
  await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').trim().split('\n').length === 1, 'the first opened', 30_000);
  await r.type('/open 2');
  await r.press(keys.enter);
  await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').trim().split('\n').length === 2, 'both opened', 30_000);
  assert.deepEqual(
    readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]),
    [['https://two.example/b?x=1'], ['https://one.example/a']],
  );
  assert.deepEqual(engine.dispatched.filter((a) => a.type === 'protocol' || a.type === 'open'), [], 'no command went to the engine');
  await r.type('/open 9');
  await r.press(keys.enter);
  await r.waitFor((f) => plain(f).includes('only 2 links and attachments'), 'says why not');
});

test('with [ui] hyperlinks on, the timeline writes the link as OSC 8; off, it does not', async () => {
  for (const hyperlinks of [true, false]) {
    const engine = sampleEngine();
    const list = engine.timelines.get('c-natter')!;
    list[4] = { ...list[4]!, body: 'see https://two.example/b' };
    r = renderApp(engine, { columns: 100, rows: 20 }, { display: { hyperlinks } });
    const frame = await r.waitFor((f) => plain(f).includes('two.example'));
    assert.equal(frame.includes('\x1b]8;;https://two.example/b\x1b\\'), hyperlinks, JSON.stringify(frame.slice(-400)));
    r.unmount();
    r = undefined;
  }
});
