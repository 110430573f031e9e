/**
 * OMEMO in a group chat with three parties, one on the other implementation: two natter adapters (alice, bob; config
 * `omemo = true`) and python-omemo (carol, test/harness/omemo-peer.py) in a non-anonymous members-only room on a
 * private Prosody. Each party's message reaches the other two decrypted, for both versions (python sends either;
 * natter picks per device).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { XmppClient } from '../../../adapters/xmpp/client.js';
import { OmemoPeer, omemoPeerUnavailable } from '../../harness/omemo-peer.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { waitFor } from '../../harness/wait-for.js';
import { createOmemoRoom } from './omemo-support.js';
import { client, PASSWORD, skipReason, type Client, type MessageEvent } from './support.js';

function skip(): string | false {
  const s = skipReason();
  if (s) return s;
  if (process.env.CI === 'true') return false;
  return omemoPeerUnavailable() ?? false;
}

const ROOM = 'secret@muc.localhost';

describe('OMEMO group chat: two natter accounts and python-omemo', { skip: skip(), timeout: 300_000 }, () => {
  let server: ProsodyServer;
  let owner: XmppClient;
  let alice: Client;
  let bob: Client;
  let carol: OmemoPeer;
  const A = 'alice@localhost';
  const B = 'bob@localhost';
  const C = 'carol@localhost';

  before(async () => {
    server = await startProsody({ users: { owner: PASSWORD, alice: PASSWORD, bob: PASSWORD, carol: PASSWORD } });
    owner = await createOmemoRoom(server, 'owner', PASSWORD, ROOM, [A, B, C]);
    alice = await client(server, 'alice', { omemo: true });
    bob = await client(server, 'bob', { omemo: true });
    for (const c of [alice, bob]) await waitFor(() => c.ctx.logs.some((l) => l.includes('omemo device announced')), `${c.jid} announced`, 30_000);
    carol = new OmemoPeer({ jid: C, password: PASSWORD, host: server.host, port: server.port, cafile: server.caFile });
    await carol.waitEvent((e) => e.event === 'ready', 'carol ready');
    for (const c of [alice, bob]) {
      const from = c.ctx.events.length;
      await c.adapter.join(ROOM);
      await c.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === ROOM && !!e.replace, `${c.jid} joined`, 20_000, from);
    }
    const mark = carol.events.length;
    carol.send({ cmd: 'join', room: ROOM, nick: 'carol' });
    await carol.waitEvent((e) => e.event === 'joined', 'carol joined', mark);
    // Everyone sees everyone's real JID (the room is non-anonymous).
    for (const c of [alice, bob]) {
      await waitFor(
        () => {
          const seen = new Set<string>();
          for (const e of c.ctx.events) if (e.type === 'members' && e.conversationRemoteId === ROOM) for (const p of [...(e.replace ?? []), ...(e.add ?? [])]) if (p.account) seen.add(p.account);
          return [A, B, C].filter((j) => j !== c.jid).every((j) => seen.has(j));
        },
        `${c.jid} sees the others' real JIDs`,
        20_000,
      );
    }
  });

  after(async () => {
    await carol?.stop();
    await alice?.adapter.stop();
    await bob?.adapter.stop();
    await owner?.entity.stop().catch(() => {});
    await server?.stop();
  });

  const receives = async (c: Client, body: string, from: number) =>
    ((await c.ctx.waitFor((e) => e.type === 'message' && e.message.conversation.remoteId === ROOM && e.message.body === body, `${c.jid} reads "${body}"`, 60_000, from)) as MessageEvent).message;

  for (const version of ['omemo2', 'legacy'] as const) {
    it(`python-omemo's ${version} message reaches both natter accounts decrypted`, async () => {
      const marks = [alice.ctx.events.length, bob.ctx.events.length];
      const mark = carol.events.length;
      carol.send({ cmd: 'send-group', room: ROOM, members: [A, B], body: `carol to the room (${version})`, version });
      const sent = await carol.waitEvent((e) => e.event === 'sent', 'carol sent', mark);
      assert.deepEqual(sent.errors, []);
      for (const [i, c] of [alice, bob].entries()) {
        const m = await receives(c, `carol to the room (${version})`, marks[i]!);
        assert.equal(m.encryption?.scheme, version === 'omemo2' ? 'omemo:2' : 'omemo:legacy');
        assert.equal(m.encryption?.error, undefined);
        assert.equal(m.senderName, 'carol');
      }
    });
  }

  it("a natter account's message reaches the other natter account and python-omemo decrypted", async () => {
    const markB = bob.ctx.events.length;
    const mark = carol.events.length;
    const r = await alice.adapter.send({ localId: 'room-omemo-1', conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: 'alice to the room' });
    assert.equal(r.state, 'sent');
    const m = await receives(bob, 'alice to the room', markB);
    assert.equal(m.encryption?.scheme, 'omemo:2');
    const got = await carol.waitEvent((e) => (e.event === 'message' && e.body === 'alice to the room') || e.event === 'decrypt-error', 'carol decrypts', mark);
    assert.equal(got.event, 'message', JSON.stringify(got));
    assert.equal(got.from, A);
    assert.equal(got.room, ROOM);
    assert.equal(got.stanzaBody, 'I sent you an OMEMO encrypted message but your client doesn’t seem to support that.');
  });

  it('no message in the room failed to decrypt', () => {
    for (const c of [alice, bob]) {
      const bad = c.ctx.events.filter((e): e is MessageEvent => e.type === 'message' && e.message.conversation.remoteId === ROOM && !!e.message.encryption?.error);
      assert.deepEqual(bad.map((e) => e.message.body), []);
    }
  });
});
