/**
 * The built natter in a real terminal (tmux) against a real Prosody, as a user works a group chat: bob (a second
 * client, natter's XMPP adapter driven directly) has already talked in a room on muc.localhost; alice's natter joins
 * it and shows that history; alice selects bob's message in the timeline (Up in the empty composer), replies with `r`
 * and bob receives an XEP-0461 reply naming his message; alice reacts with `+` and the picker, and bob receives the
 * XEP-0444 reaction; bob answers alice's reply and natter shows it under its quote line; `/quit` exits with status 0.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterEvent } from '../../src/core/contract.js';
import { natterLauncher } from '../harness/launcher.js';
import { startProsody, type ProsodyServer } from '../harness/prosody.js';
import { TmuxSession } from '../harness/tmux.js';
import { waitFor } from '../harness/wait-for.js';
import { client, PASSWORD, skipReason, type Client, type MessageEvent } from '../integration/xmpp/support.js';

const skip = skipReason();
const ROOM = 'natter@muc.localhost';
const room = { remoteId: ROOM, kind: 'group' as const };
type Update = Extract<AdapterEvent, { type: 'message.update' }>;

let server: ProsodyServer;
let bob: Client;
let term: TmuxSession;
let home: string;
/** Bob's two history messages as the room knows them (send() resolves with the room's stanza-id). */
let first: string;
let lunch: string;

function logTail(): string {
  try {
    return readFileSync(join(home, 'state', 'natter.log'), 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The screen's lines, trimmed of the sidebar and borders, for order checks. */
const lines = (screen: string) => screen.split('\n');
const lineIndex = (screen: string, text: string) => lines(screen).findIndex((l) => l.includes(text));

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD } });
  bob = await client(server, 'bob');
  await bob.adapter.join(ROOM);
  // The adapter reports the join of a room it created once the room is unlocked (open to alice).
  await bob.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === ROOM && !!e.replace, 'bob in the room', 20_000);
  first = (await bob.adapter.send({ localId: 'b-1', conversation: room, kind: 'text', body: 'morning all, history from bob' })).remoteId!;
  lunch = (await bob.adapter.send({ localId: 'b-2', conversation: room, kind: 'text', body: 'lunch at noon today?' })).remoteId!;
  assert.ok(first && lunch && first !== lunch, 'the room gave both messages ids');

  home = mkdtempSync(join(tmpdir(), 'natter-e2e-xmpp-'));
  writeFileSync(
    join(home, 'config.toml'),
    `[[accounts]]\nname = "local"\nprotocol = "xmpp"\njid = "alice@localhost"\nhost = "127.0.0.1"\nport = ${server.port}\n` +
      `ca_file = "${server.caFile}"\npassword = "${PASSWORD}"\n`,
    { mode: 0o600 },
  );
  term = new TmuxSession();
  term.start([process.execPath, natterLauncher()], {
    width: 120,
    height: 32,
    env: { NATTER_HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8' },
  });
});

after(async () => {
  if (skip) return;
  await term?.kill();
  await bob?.adapter.stop();
  await server?.stop();
});

test('join a room with history, reply and react through the timeline selection, see the answer quoted, quit', { skip, timeout: 240_000 }, async () => {
  const fromBob = bob.ctx.events.length;
  // ● is the online glyph of the account's sidebar heading (the engine refuses a join before that).
  await term.waitForScreen('● local', 'the account online in the sidebar', 30_000);
  term.type(`/join ${ROOM}`);
  term.keys('Enter');
  await waitFor(
    () => bob.ctx.events.slice(fromBob).some((e) => e.type === 'members' && !!e.add?.some((p) => p.name === 'alice')),
    'bob sees alice join',
    30_000,
  ).catch((e) => {
    throw new Error(`${(e as Error).message}\n--- screen ---\n${term.screen()}\n--- log ---\n${logTail()}`, { cause: e });
  });
  // The room's history (join history and the room archive) is on screen, oldest first.
  const history = await term.waitForScreen(
    (s) => s.includes('morning all, history from bob') && s.includes('lunch at noon today?') && /│\s*natter/.test(s),
    "bob's history shown in the room",
    30_000,
  );
  assert.ok(lineIndex(history, 'morning all') < lineIndex(history, 'lunch at noon'), 'in order');

  // Reply: Up in the empty composer selects the newest message, Up again the one before (bob's first, which no
  // "last message from someone else" fallback would pick), `r` answers it. The keys go in one write, so they reach
  // natter in one read: each must still act on the state the one before it left.
  term.keys('Up', 'Up', 'r');
  await term.waitForScreen('↳ replying to bob: morning all, history from bob', 'the reply context row names the selected message');
  term.type('yes, noon works for me');
  term.keys('Enter');
  const reply = (await bob.ctx.waitFor(
    (e) => e.type === 'message' && e.message.body === 'yes, noon works for me',
    'bob receives the reply',
    20_000,
    fromBob,
  )) as MessageEvent;
  assert.equal(reply.message.replyTo, first, 'an XEP-0461 reply naming the room\'s id of the selected message');
  assert.equal(reply.message.senderId, `${ROOM}/alice`);
  assert.ok(!reply.message.body.includes('>'), 'the fallback quote was stripped, not shown as text');
  await term.waitForScreen(
    (s) => !s.includes('replying to') && lineIndex(s, 'yes, noon works for me') === lineIndex(s, '↳ bob: morning all') + 1,
    'the reply is in the timeline under its quote line, the context row gone',
  );

  // React with the picker: the newest message is now alice's own; Up twice more passes bob's lunch question and
  // reaches his first message, `+` opens the picker, 1 is 👍.
  let fromReact = bob.ctx.events.length;
  term.keys('Up', 'Up', 'Up', '+');
  await term.waitForScreen(/react: 1 👍/, 'the reaction picker is open');
  term.keys('1');
  const thumbs = (await bob.ctx.waitFor(
    (e) => e.type === 'message.update' && e.change.kind === 'reaction',
    'bob receives the reaction',
    20_000,
    fromReact,
  )) as Update;
  assert.equal(thumbs.targetRemoteId, first, "the XEP-0444 reaction names the room's id of the selected message");
  assert.deepEqual(thumbs.change, { kind: 'reaction', senderId: `${ROOM}/alice`, key: '👍', add: true });
  await term.waitForScreen(
    (s) => {
      const badge = lines(s).findIndex((l) => /👍 1/.test(l));
      return badge > lineIndex(s, 'morning all') && badge < lineIndex(s, 'lunch at noon today?');
    },
    "the reaction shows under bob's first message",
  );

  // React with a typed command: a /command in a selection aims at the selected message (bob's lunch question).
  fromReact = bob.ctx.events.length;
  term.keys('Up', 'Up');
  term.type('/react :tada:');
  term.keys('Enter');
  const tada = (await bob.ctx.waitFor(
    (e) => e.type === 'message.update' && e.change.kind === 'reaction',
    'bob receives the second reaction',
    20_000,
    fromReact,
  )) as Update;
  assert.equal(tada.targetRemoteId, lunch);
  assert.deepEqual(tada.change, { kind: 'reaction', senderId: `${ROOM}/alice`, key: '🎉', add: true });
  await term.waitForScreen(
    (s) => {
      const badge = lines(s).findIndex((l) => /🎉 1/.test(l));
      return badge > lineIndex(s, 'lunch at noon today?') && badge < lineIndex(s, 'yes, noon works for me');
    },
    "the second reaction shows under bob's lunch question",
  );
  term.keys('Escape');

  // Bob answers alice's reply; natter shows his message under a quote line of hers.
  await bob.adapter.send({ localId: 'b-3', conversation: room, kind: 'text', body: 'great, see you there', replyTo: reply.message.remoteId });
  const answered = await term.waitForScreen(
    (s) => {
      // The quote names alice as her own row is stored: the engine keeps the account's bare JID as the name of an own
      // message (the room's reflection with her nick only confirms the row), so either form is alice.
      const quote = lines(s).findIndex((l) => /↳ alice(@localhost)?: yes, noon works/.test(l));
      const answer = lineIndex(s, 'great, see you there');
      return quote >= 0 && answer === quote + 1;
    },
    "bob's answer under its quote line",
  );
  assert.ok(!answered.includes('> alice'), 'the fallback quote of bob\'s answer is not shown as text');

  const fromQuit = bob.ctx.events.length;
  term.type('/quit');
  term.keys('Enter');
  await waitFor(() => term.exited() && term.exitStatus() !== undefined, 'natter exited', 20_000).catch((e) => {
    const state = `dead=${term.exited()} status=${term.exitStatus()} signal=${term.exitSignal()} ${term.processReport()}`;
    throw new Error(`${(e as Error).message}; ${state}\n--- log tail ---\n${logTail()}`, { cause: e });
  });
  assert.equal(term.exitStatus(), 0);
  await bob.ctx.waitFor(
    (e) => e.type === 'members' && e.conversationRemoteId === ROOM && !!e.remove?.includes(`${ROOM}/alice`),
    'bob sees alice leave as she quits',
    20_000,
    fromQuit,
  );
});
