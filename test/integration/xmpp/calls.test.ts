/**
 * Incoming calls (Jingle Message Initiation, XEP-0353) through a real Prosody: bob's raw client (the adapter's own
 * stream code, no adapter) proposes a call to alice's bare JID; both of alice's natter sessions show it ringing;
 * `/reject-call` in one sends `<reject>` to bob's full JID and tells the other session (carbon and own-JID copy);
 * a retracted call is a missed call.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import xml, { type Element } from '@xmpp/xml';
import { createXmppClient, type XmppClient } from '../../../adapters/xmpp/client.js';
import { readOptions } from '../../../adapters/xmpp/options.js';
import { CommandError } from '../../../src/core/errors.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { waitFor } from '../../harness/wait-for.js';
import { client, PASSWORD, skipReason, type Client } from './support.js';

const skip = skipReason();
const JMI = 'urn:xmpp:jingle-message:0';
let server: ProsodyServer;
let alice: Client;
let alice2: Client;
let bob: XmppClient;
const toBob: Element[] = [];

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD } });
  alice = await client(server, 'alice');
  alice2 = await client(server, 'alice');
  bob = createXmppClient(readOptions({ jid: `bob@${server.domain}`, host: server.host, port: server.port, tls: 'starttls', ca_file: server.caFile }), PASSWORD);
  bob.entity.on('error', () => {});
  bob.entity.on('stanza', (el: Element) => {
    if (el.is('message')) toBob.push(el);
  });
  await bob.entity.start();
  await bob.entity.send(xml('presence'));
});

after(async () => {
  if (skip) return;
  await alice?.adapter.stop();
  await alice2?.adapter.stop();
  await bob?.entity.stop().catch(() => undefined);
  await server?.stop();
});

const propose = (sid: string, media: string) =>
  xml('message', { type: 'chat', to: `alice@${server.domain}`, id: `m-${sid}` }, xml('propose', { xmlns: JMI, id: sid }, xml('description', { xmlns: 'urn:xmpp:jingle:apps:rtp:1', media })), xml('store', { xmlns: 'urn:xmpp:hints' }));

test('bob calls: alice sees "bob is calling", declines with /reject-call, bob gets <reject>, her other session hears of it', { skip, timeout: 60_000 }, async () => {
  const bobJid = `bob@${server.domain}`;
  await bob.entity.send(propose('call-1', 'audio'));
  for (const a of [alice, alice2]) {
    await a.ctx.waitFor((e) => e.type === 'message' && e.message.body === `${bobJid} is calling (audio)` && e.message.conversation.remoteId === bobJid, 'the call line', 20_000);
    await a.ctx.waitFor((e) => e.type === 'notice' && e.text.startsWith(`${bobJid} is calling (audio)`), 'the call notice', 20_000);
  }
  await alice.adapter.command('reject-call', [], bobJid);
  await waitFor(() => toBob.some((m) => m.getChild('reject', JMI)?.attrs.id === 'call-1'), 'bob receives the reject', 20_000);
  const reject = toBob.find((m) => m.getChild('reject', JMI))!;
  assert.equal(reject.attrs.to, bob.entity.jid?.toString(), 'sent to the full JID that called');
  assert.ok(reject.getChild('reject', JMI)?.getChild('reason', 'urn:xmpp:jingle:1')?.getChild('decline'), 'with the Jingle decline reason');
  await alice.ctx.waitFor((e) => e.type === 'message' && e.message.body === `you declined the call from ${bobJid}`, 'alice sees her decline');
  await alice2.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'call declined on another device' && e.message.remoteId === 'jmi:call-1:end', 'the other session ends the call', 20_000);
  await assert.rejects(alice.adapter.command('reject-call', [], bobJid), (e: unknown) => e instanceof CommandError && /no call from bob@localhost is ringing/.test(e.message));
});

test('bob calls and hangs up before anyone answers: a missed call', { skip, timeout: 60_000 }, async () => {
  const bobJid = `bob@${server.domain}`;
  await bob.entity.send(propose('call-2', 'video'));
  await alice.ctx.waitFor((e) => e.type === 'message' && e.message.body === `${bobJid} is calling (video)`, 'ringing', 20_000);
  await bob.entity.send(xml('message', { type: 'chat', to: `alice@${server.domain}` }, xml('retract', { xmlns: JMI, id: 'call-2' })));
  const missed = await alice.ctx.waitFor((e) => e.type === 'message' && e.message.body === `missed call from ${bobJid}`, 'missed call', 20_000);
  assert.ok(missed.type === 'message' && missed.message.remoteId === 'jmi:call-2:end');
  await assert.rejects(alice.adapter.command('reject-call', [], bobJid), CommandError);
});
