/**
 * `natter send` with an XMPP account, as a user runs it (the launcher in a child process) against a real Prosody:
 * to a contact's JID and to a room on muc.localhost. Bob (natter's XMPP adapter, online in the room) receives each
 * message exactly once, from alice; the command exits 0 and says where the message went, and the room it joined to
 * send is not bookmarked on alice's account (a one-shot session changes nothing lasting).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import xml from '@xmpp/xml';
import { createXmppClient } from '../../../adapters/xmpp/client.js';
import { readOptions } from '../../../adapters/xmpp/options.js';
import { natterLauncher } from '../../harness/launcher.js';
import { waitFor } from '../../harness/wait-for.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { client, messages, PASSWORD, skipReason, type Client } from '../xmpp/support.js';

const skip = skipReason();
const ROOM = 'cli@muc.localhost';
let server: ProsodyServer;
let bob: Client;
let home: string;

/**
 * The PEP nodes on alice's account (XEP-0163 §7.1: disco#items to the bare JID), read by a separate plain session; a
 * bookmark written by natter would have created `urn:xmpp:bookmarks:1` (XEP-0402).
 */
async function alicePepNodes(): Promise<string[]> {
  const c = createXmppClient(readOptions({ jid: 'alice@localhost', host: server.host, port: server.port, tls: 'starttls', ca_file: server.caFile }), PASSWORD);
  c.entity.on('error', () => {});
  await c.entity.start();
  try {
    // As the adapter does: first traffic after stream management is on (xmpp.js counts stanzas from there).
    await waitFor(() => c.sm.enabled, 'stream management enabled', 5000).catch(() => {});
    const res = await c.iq.request(xml('iq', { type: 'get', to: 'alice@localhost' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })), 20_000);
    return (res.getChild('query')?.getChildren('item') ?? []).map((i) => String(i.attrs.node));
  } finally {
    await c.entity.stop().catch(() => {});
  }
}

/** Device ids in alice's legacy OMEMO device list (XEP-0384 v0.3 PEP node), read by a separate plain session. */
async function aliceOmemoDevices(): Promise<string[]> {
  const c = createXmppClient(readOptions({ jid: 'alice@localhost', host: server.host, port: server.port, tls: 'starttls', ca_file: server.caFile }), PASSWORD);
  c.entity.on('error', () => {});
  await c.entity.start();
  try {
    await waitFor(() => c.sm.enabled, 'stream management enabled', 5000).catch(() => {});
    const res = await c.iq.request(
      xml('iq', { type: 'get', to: 'alice@localhost' }, xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('items', { node: 'eu.siacs.conversations.axolotl.devicelist' }))),
      20_000,
    );
    const list = res.getChild('pubsub')?.getChild('items')?.getChild('item')?.getChild('list');
    return (list?.getChildren('device') ?? []).map((d) => String(d.attrs.id));
  } finally {
    await c.entity.stop().catch(() => {});
  }
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [natterLauncher(), ...args], { env: { ...process.env, NATTER_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD } });
  bob = await client(server, 'bob');
  await bob.adapter.join(ROOM);
  // Bob creates the room; the adapter reports the join once the room is unlocked, so alice may enter it.
  await bob.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === ROOM && !!e.replace, 'bob in the room', 20_000);
  home = mkdtempSync(join(tmpdir(), 'natter-cli-xmpp-'));
  writeFileSync(
    join(home, 'config.toml'),
    `[[accounts]]\nname = "jabber"\nprotocol = "xmpp"\njid = "alice@localhost"\nhost = "127.0.0.1"\nport = ${server.port}\n` +
      `ca_file = "${server.caFile}"\npassword = "${PASSWORD}"\n`,
    { mode: 0o600 },
  );
});

after(async () => {
  if (skip) return;
  await bob?.adapter.stop();
  await server?.stop();
});

test('natter send to a JID: bob gets it once, from alice', { skip }, async () => {
  const r = await run(['send', '--account', 'jabber', '--to', 'bob@localhost', 'hello bob from the command line']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sent to bob@localhost on jabber/);
  const got = await bob.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'hello bob from the command line', 'bob got it', 15_000);
  assert.ok(got.type === 'message' && got.message.senderId === 'alice@localhost' && got.message.conversation.kind === 'direct');
  // A later message from alice marks the end of what could still arrive from the first send.
  const r2 = await run(['send', '--account', 'jabber', '--to', 'bob@localhost', 'second line']);
  assert.equal(r2.code, 0, r2.stderr);
  await bob.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'second line', 'bob got the second', 15_000);
  assert.equal(messages(bob).filter((m) => m.body === 'hello bob from the command line').length, 1, 'exactly once');
});

test('natter send to a room: it joins, sends to the room, and bob there gets it once', { skip }, async () => {
  const from = bob.ctx.events.length;
  const r = await run(['send', '--account', 'jabber', '--to', ROOM, 'hello room from the command line']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`sent to ${ROOM} on jabber`));
  const got = await bob.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'hello room from the command line', 'the room got it', 15_000, from);
  assert.ok(got.type === 'message');
  assert.equal(got.message.conversation.remoteId, ROOM);
  assert.equal(got.message.conversation.kind, 'group');
  assert.equal(got.message.senderId, `${ROOM}/alice`);
  // Alice's natter left the room when it exited; the room relays in order, so any copy she sent came before that.
  await bob.ctx.waitFor((e) => e.type === 'members' && !!e.remove?.includes(`${ROOM}/alice`), 'alice left the room', 15_000, from);
  assert.equal(messages(bob).filter((m) => m.body === 'hello room from the command line').length, 1, 'exactly once');
  // A one-shot send changes nothing lasting on the account: the room it joined to send is not bookmarked.
  const nodes = await alicePepNodes();
  assert.ok(!nodes.includes('urn:xmpp:bookmarks:1'), `no bookmark written: ${nodes.join(', ')}`);
});

test('every natter send uses the account\'s one stored OMEMO device: sends never announce new devices', { skip }, async () => {
  // The sends above ran with OMEMO on (the default) and the profile free, so they used the profile's stored identity.
  const devices = await aliceOmemoDevices();
  assert.equal(devices.length, 1, `one device after several sends: ${devices.join(', ')}`);
  const r = await run(['send', '--account', 'jabber', '--to', 'bob@localhost', 'one more']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await aliceOmemoDevices(), devices);
});

test('while another natter holds the profile, an XMPP send is refused in plain words instead of forking the device', { skip }, async () => {
  const data = join(home, 'data');
  mkdirSync(data, { recursive: true, mode: 0o700 });
  // A lock held by a live process (this test's own PID) looks exactly like a running natter interface.
  writeFileSync(join(data, 'natter.lock'), `${process.pid}\n\n`);
  try {
    const r = await run(['send', '--account', 'jabber', '--to', 'bob@localhost', 'must not go']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /another natter \(pid \d+\) is using this profile.*type the message there/s);
  } finally {
    rmSync(join(data, 'natter.lock'), { force: true });
  }
  assert.equal(messages(bob).filter((m) => m.body === 'must not go').length, 0);
});
