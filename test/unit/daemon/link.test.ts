/**
 * The daemon socket end to end within one process: a DaemonServer over a fake engine and DaemonLinks as UIs, on a
 * real Unix socket. Handshake and refusal, socket mode, pushed changes with the in-memory state, and what happens to
 * an action when the link drops or the daemon restarts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Action, ActionResult } from '../../../src/core/actions.js';
import type { ChangeSet, StatusMessage } from '../../../src/core/engine-api.js';
import { silentLogger } from '../../../src/core/logger.js';
import { DaemonServer, type DaemonEngine } from '../../../src/daemon/daemon-server.js';
import { AttachError, DaemonLink, type Changes, type LinkState } from '../../../src/daemon/daemon-link.js';
import { encodeFrame } from '../../../src/daemon/protocol.js';
import { waitFor } from '../../harness/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'natter-daemon-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const socketPath = () => join(dir, `d${++n}.sock`);

class FakeEngine implements DaemonEngine {
  readonly dispatched: Action[] = [];
  gate: Promise<void> = Promise.resolve();
  statusValue: StatusMessage | undefined = { level: 'info', text: 'hello', at: 1 };
  typingNames = new Map<string, string[]>();
  listener: ((c: ChangeSet) => void) | undefined;
  accounts = () => [];
  conversations = () => [{ id: 'c1' } as never];
  conversation = () => undefined;
  messages = () => [];
  members = () => [];
  typing = (id: string) => this.typingNames.get(id) ?? [];
  status = () => this.statusValue;
  selfName = () => undefined;
  search = () => [];
  inbox = () => [];
  accountIds = () => ['irc'];
  selfOf = () => 'alice';
  transfersIn = (id: string): Record<string, { sent: number; total: number }> => (id === 'c1' ? { m1: { sent: 5, total: 10 } } : {});
  async dispatch(action: Action): Promise<ActionResult> {
    this.dispatched.push(action);
    await this.gate;
    return { ok: true, info: `did ${action.type}` };
  }
  subscribe(l: (c: ChangeSet) => void) {
    this.listener = l;
    return () => (this.listener = undefined);
  }
  sends(): string[] {
    return this.dispatched.flatMap((a) => (a.type === 'send' ? [a.body] : []));
  }
}

async function daemon(engine: FakeEngine, path: string, version = '1.0.0'): Promise<DaemonServer> {
  const server = new DaemonServer({ engine, socketPath: path, version, log: silentLogger });
  await server.listen();
  return server;
}

function link(path: string, version = '1.0.0') {
  const changes: Changes[] = [];
  const states: LinkState[] = [];
  const opened = DaemonLink.open({
    socketPath: path, version, onChanges: (c) => changes.push(c), onState: (s) => states.push(s), retryDelay: () => 20,
  });
  return { opened, changes, states };
}

const send = (body: string): Action => ({ type: 'send', conversationId: 'c1', body });

test('the socket is 0600; a stale socket file is replaced; a UI of another version is refused in plain words', async () => {
  const path = socketPath();
  writeFileSync(path, ''); // left behind by a dead daemon
  const server = await daemon(new FakeEngine(), path);
  try {
    assert.ok(statSync(path).isSocket());
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const { opened } = link(path, '0.2.0');
    await assert.rejects(opened, (e: unknown) => e instanceof AttachError && e.message.startsWith('natter 0.2.0 UI cannot attach to a natter 1.0.0 daemon: restart the daemon'));
    // A client that does not start with hello is dropped without an answer.
    const raw = connect(path);
    let got = '';
    raw.on('data', (d) => (got += d));
    raw.write(encodeFrame({ t: 'dispatch', id: '1', action: send('sneaky') }));
    await new Promise((r) => raw.once('close', r));
    assert.equal(got, '');
  } finally {
    await server.close('test');
  }
});

test('no daemon: attaching says so', async () => {
  await assert.rejects(link(socketPath()).opened, /no natter daemon runs for this profile/);
});

test('results come back; changes reach every UI with the in-memory state they touched; quit stays in the UI', async () => {
  const engine = new FakeEngine();
  const path = socketPath();
  const server = await daemon(engine, path);
  const a = link(path);
  const b = link(path);
  const [{ link: la, welcome }, { link: lb }] = await Promise.all([a.opened, b.opened]);
  try {
    assert.deepEqual(welcome.live, { status: engine.statusValue, selves: { irc: 'alice' }, typing: {}, transfers: { c1: { m1: { sent: 5, total: 10 } } } });
    assert.deepEqual(await la.dispatch(send('one')), { ok: true, info: 'did send' });
    assert.deepEqual(await la.dispatch({ type: 'quit' }), { ok: true });
    assert.deepEqual(engine.sends(), ['one']);
    assert.ok(!engine.dispatched.some((x) => x.type === 'quit'), 'quit detaches the UI only');
    engine.typingNames.set('c1', ['bob']);
    engine.statusValue = { level: 'warn', text: 'lag', at: 2 };
    engine.listener?.({ accounts: true, conversations: ['c1'], timelines: ['c1'], members: [], typing: ['c1'], status: true });
    await waitFor(() => a.changes.length === 1 && b.changes.length === 1, 'both UIs got the change');
    for (const c of [a.changes[0], b.changes[0]]) {
      assert.deepEqual(c?.changes.typing, ['c1']);
      assert.deepEqual(c?.live, {
        status: { level: 'warn', text: 'lag', at: 2 }, selves: { irc: 'alice' }, typing: { c1: ['bob'] }, transfers: { c1: { m1: { sent: 5, total: 10 } } },
      });
    }
    assert.equal(server.attached, 2);
  } finally {
    la.close();
    lb.close();
    await server.close('test');
  }
});

test('activity: active while any UI is; idle when all are idle or none is attached', async () => {
  const engine = new FakeEngine();
  const path = socketPath();
  const server = await daemon(engine, path);
  const activity = () => engine.dispatched.filter((x) => x.type === 'activity').map((x) => (x as { active: boolean }).active);
  try {
    assert.deepEqual(activity(), [false], 'no UI yet');
    const { link: la } = await link(path).opened;
    await waitFor(() => activity().length === 2, 'active once a UI attached');
    const { link: lb } = await link(path).opened;
    await la.dispatch({ type: 'activity', active: false });
    assert.deepEqual(activity(), [false, true], 'the other UI is still active');
    await lb.dispatch({ type: 'activity', active: false });
    assert.deepEqual(activity(), [false, true, false]);
    await la.dispatch({ type: 'activity', active: true });
    assert.deepEqual(activity(), [false, true, false, true]);
    la.close();
    lb.close();
    await waitFor(() => activity().length === 5, 'idle once the UIs are gone');
    assert.equal(activity()[4], false);
  } finally {
    await server.close('test');
  }
});

test('a dropped link: the action in flight runs once and is answered; one typed meanwhile goes out after', async () => {
  const engine = new FakeEngine();
  let open!: () => void;
  engine.gate = new Promise((r) => (open = r));
  const path = socketPath();
  const server = await daemon(engine, path);
  const a = link(path);
  const { link: la } = await a.opened;
  try {
    const first = la.dispatch(send('in flight'));
    await waitFor(() => engine.sends().length === 1, 'the daemon started it');
    (la as unknown as { socket: { destroy(): void } }).socket.destroy();
    await waitFor(() => a.states.some((s) => s.state === 'lost'), 'the UI noticed');
    const second = la.dispatch(send('typed while down'));
    await waitFor(() => a.states.some((s) => s.state === 'attached' && s.again), 'reattached');
    open();
    assert.deepEqual(await first, { ok: true, info: 'did send' });
    assert.deepEqual(await second, { ok: true, info: 'did send' });
    assert.deepEqual(engine.sends(), ['in flight', 'typed while down'], 'each ran exactly once');
    assert.deepEqual(la.unanswered(), []);
  } finally {
    la.close();
    await server.close('test');
  }
});

test('a daemon restart: an action the old one may have run is reported, not repeated; one typed while down is sent', async () => {
  const old = new FakeEngine();
  old.gate = new Promise(() => {}); // never answers: the daemon dies first
  const path = socketPath();
  const first = await daemon(old, path);
  const a = link(path);
  const { link: la } = await a.opened;
  const fresh = new FakeEngine();
  let second: DaemonServer | undefined;
  try {
    const inFlight = la.dispatch(send('maybe sent'));
    await waitFor(() => old.sends().length === 1, 'the old daemon got it');
    await first.close('restart');
    await waitFor(() => a.states.some((s) => s.state === 'lost' && s.reason === 'the natter daemon stopped'), 'the UI heard it stop');
    const typed = la.dispatch(send('typed while it was down'));
    second = await daemon(fresh, path);
    const r = await inFlight;
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /daemon restarted before it confirmed sending "maybe sent"; check whether it took effect/);
    assert.deepEqual(await typed, { ok: true, info: 'did send' });
    assert.deepEqual(fresh.sends(), ['typed while it was down'], 'nothing ran twice');
  } finally {
    la.close();
    await second?.close('test');
  }
});

test('closing the UI with an action unanswered names it', async () => {
  const engine = new FakeEngine();
  engine.gate = new Promise(() => {});
  const path = socketPath();
  const server = await daemon(engine, path);
  const { link: la } = await link(path).opened;
  try {
    const pending = la.dispatch(send('not yet'));
    assert.deepEqual(la.unanswered(), [send('not yet')]);
    la.close();
    assert.deepEqual(await pending, { ok: false, error: 'the UI detached before the daemon answered' });
  } finally {
    await server.close('test');
  }
});
