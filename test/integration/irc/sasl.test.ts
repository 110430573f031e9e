/**
 * SASL PLAIN against real services: InspIRCd 3 linked to Atheme (test/harness/atheme.ts), the account registered
 * through NickServ by a raw client. Proves the adapter logs in (903 RPL_SASLSUCCESS), that the network then knows
 * the account (WHOIS 330, IRCv3 account-tag seen by a peer), and that a wrong password gives one plain-words error
 * and no retry loop (https://ircv3.net/specs/extensions/sasl-3.1).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createIrcAdapter } from '../../../adapters/irc/index.js';
import { athemeUnavailable } from '../../harness/atheme.js';
import { startInspircd, type InspircdServer } from '../../harness/inspircd.js';
import { RawIrcClient } from '../../harness/raw-irc-client.js';
import { waitFor } from '../../harness/wait-for.js';
import { recordingContext } from '../../harness/irc-context.js';
import { skipReason, type Client } from './support.js';

const skip = skipReason() || (process.env.CI === 'true' ? false : (athemeUnavailable() ?? false));
let server: InspircdServer;
let peer: RawIrcClient;

before(async () => {
  if (skip) return;
  server = await startInspircd({ services: true });
  await server.services!.register('sally', 'sally-pw-8c1');
  peer = await RawIrcClient.connect(server.host, server.port, 'witness');
  // account-tag (https://ircv3.net/specs/extensions/account-tag): the peer learns the sender's account per message.
  peer.raw('CAP REQ :account-tag');
  await waitFor(() => peer.lines.some((l) => /CAP \S+ ACK :account-tag/.test(l)), 'witness gets account-tag', 15_000);
});

after(async () => {
  if (skip) return;
  peer?.close();
  await server?.stop();
});

/** An IRC adapter started with `password` as its secret (not yet online). */
async function natter(nick: string, password: string): Promise<Client> {
  const ctx = recordingContext({ host: server.host, port: server.port, tls: false, nick, sasl_username: 'sally' }, { password });
  const adapter = createIrcAdapter();
  await adapter.start(ctx);
  return { adapter, ctx };
}

/** Asks the server who `nick` is and returns the account from 330 RPL_WHOISACCOUNT, or undefined (not logged in). */
async function whoisAccount(nick: string): Promise<string | undefined> {
  const from = peer.lines.length;
  peer.raw(`WHOIS ${nick}`);
  await waitFor(() => peer.lines.slice(from).some((l) => new RegExp(` 318 witness ${nick} `, 'i').test(l)), `WHOIS ${nick} end`, 15_000);
  const line = peer.lines.slice(from).find((l) => new RegExp(` 330 witness ${nick} `, 'i').test(l));
  return line?.split(' ')[4];
}

test('SASL PLAIN: natter logs in to the Atheme account; WHOIS and account-tag show it', { skip }, async () => {
  const c = await natter('salnick', 'sally-pw-8c1');
  await c.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'salnick online', 30_000);
  try {
    assert.ok(c.ctx.logs.some((l) => l.includes('SASL authentication succeeded')), 'no 903 RPL_SASLSUCCESS');
    assert.ok(!c.ctx.ofType('notice').some((n) => n.level === 'error'), 'no error notice');
    assert.equal(await whoisAccount('salnick'), 'sally');
    const sent = await c.adapter.send({ localId: 's1', conversation: { remoteId: 'witness', kind: 'direct' }, kind: 'text', body: 'hi from a logged-in natter' });
    assert.equal(sent.state, 'sent');
    await waitFor(() => peer.count('witness', 'hi from a logged-in natter') === 1, 'witness receives', 15_000);
    const line = peer.lines.find((l) => l.includes('hi from a logged-in natter'))!;
    assert.match(line, /^@(?:\S*;)?account=sally[; ]/, `no account tag: ${line}`);
    assert.ok(!c.ctx.logs.some((l) => l.includes('sally-pw-8c1')), 'password in the log');
  } finally {
    await c.adapter.stop();
  }
});

test('SASL PLAIN with a wrong password: one plain-words error, connected without an account, no retry loop', { skip }, async () => {
  const c = await natter('wrongpw', 'not-the-password');
  try {
    const n = await c.ctx.waitFor((e) => e.type === 'notice' && e.level === 'error', 'SASL error notice', 30_000);
    assert.match((n as { text: string }).text, /SASL login as "sally" failed: the server rejected the account name or password/);
    await c.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'wrongpw online', 30_000);
    assert.equal(await whoisAccount('wrongpw'), undefined, 'not logged in');
    // A full WHOIS round trip after registration: a retry loop would have produced more attempts by now.
    assert.equal(c.ctx.ofType('notice').filter((e) => e.level === 'error').length, 1, 'exactly one error');
    assert.equal(c.ctx.ofType('connection').filter((e) => e.state === 'connecting').length, 1, 'one connection attempt');
    assert.ok(!c.ctx.logs.some((l) => l.includes('not-the-password')), 'password in the log');
  } finally {
    await c.adapter.stop();
  }
});
