import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Action } from '../../../src/core/actions.js';
import { CommandError } from '../../../src/core/errors.js';
import type { CommandContext } from '../../../src/core/commands/command-def.js';
import { parseInput } from '../../../src/core/commands/parse-input.js';
import { commandNames, commands, findCommand, helpEntries } from '../../../src/core/commands/registry.js';

const accounts = ['libera', 'oftc'];
const chan: CommandContext = {
  accountId: 'libera',
  conversationId: 'c1',
  conversationRemoteId: '#natter',
  conversationKind: 'channel',
  accounts,
};
const group: CommandContext = { ...chan, conversationId: 'g1', conversationRemoteId: 'room@muc.example', conversationKind: 'group' };
const dm: CommandContext = { accountId: 'libera', conversationId: 'd1', conversationRemoteId: 'bob', conversationKind: 'direct', accounts };
const server: CommandContext = {
  accountId: 'libera',
  conversationId: 's1',
  conversationRemoteId: 'irc.libera.chat',
  conversationKind: 'server',
  accounts,
};
/** Focused on an account with no conversation open (e.g. an empty account view). */
const accountOnly: CommandContext = { accountId: 'libera', accounts };
const nothing: CommandContext = { accounts };
/** A message is selected in the timeline. */
const selected: CommandContext = { ...chan, selectedMessageId: 'm7' };
/** The focused channel is an unanswered invitation. */
const invited: CommandContext = { ...chan, conversationInvited: true };
const single: CommandContext = { accounts: ['libera'] };
const empty: CommandContext = { accounts: [] };

type Row = [input: string, ctx: CommandContext, expected: Action | { error: string }];

const rows: Row[] = [
  // plain text and escapes
  ['hello there', chan, { type: 'send', conversationId: 'c1', body: 'hello there' }],
  ['  indented  ', chan, { type: 'send', conversationId: 'c1', body: '  indented  ' }],
  ['line one\nline two\n', dm, { type: 'send', conversationId: 'd1', body: 'line one\nline two\n' }],
  [' /join #x', chan, { type: 'send', conversationId: 'c1', body: ' /join #x' }],
  ['//etc/passwd is a path', chan, { type: 'send', conversationId: 'c1', body: '/etc/passwd is a path' }],
  ['//', chan, { type: 'send', conversationId: 'c1', body: '/' }],
  ['hello', nothing, { error: 'no conversation is open: use /join or /query' }],
  ['hello', accountOnly, { error: 'no conversation is open: use /join or /query' }],
  ['//x', nothing, { error: 'no conversation is open: use /join or /query' }],
  ['hello', server, { error: 'the server buffer takes commands, not messages: use /join or /query' }],
  ['   ', chan, { error: 'nothing to send' }],
  ['', chan, { error: 'nothing to send' }],
  ['/', chan, { error: 'type a command after "/": /help lists commands; "//" starts a message with "/"' }],
  ['/ hi', chan, { error: 'type a command after "/": /help lists commands; "//" starts a message with "/"' }],

  // /me
  ['/me waves', chan, { type: 'send', conversationId: 'c1', body: 'waves', kind: 'action' }],
  ['/ME  waves  twice ', dm, { type: 'send', conversationId: 'd1', body: 'waves  twice ', kind: 'action' }],
  ['/me waves\nand smiles', chan, { type: 'send', conversationId: 'c1', body: 'waves\nand smiles', kind: 'action' }],
  ['/me', chan, { error: '/me needs text: /me <action>' }],
  ['/me   ', chan, { error: '/me needs text: /me <action>' }],
  ['/me waves', nothing, { error: 'no conversation is open: use /join or /query' }],
  ['/me waves', server, { error: '/me works in a channel or a direct conversation' }],

  // /join
  ['/join #natter', chan, { type: 'join', accountId: 'libera', address: '#natter' }],
  ['/JOIN #natter', chan, { type: 'join', accountId: 'libera', address: '#natter' }],
  ['/j #natter', chan, { type: 'join', accountId: 'libera', address: '#natter' }],
  ['/join #secret hunter2', chan, { type: 'join', accountId: 'libera', address: '#secret', password: 'hunter2' }],
  ['/join   #natter   ', accountOnly, { type: 'join', accountId: 'libera', address: '#natter' }],
  ['/join -account oftc #debian', chan, { type: 'join', accountId: 'oftc', address: '#debian' }],
  ['/join --account oftc #debian key', nothing, { type: 'join', accountId: 'oftc', address: '#debian', password: 'key' }],
  ['/join #natter:matrix.org', chan, { type: 'join', accountId: 'libera', address: '#natter:matrix.org' }],
  ['/join room@muc.example.org', chan, { type: 'join', accountId: 'libera', address: 'room@muc.example.org' }],
  ['/join #natter', single, { type: 'join', accountId: 'libera', address: '#natter' }],
  ['/join', chan, { error: '/join needs a channel: /join [-account <name>] <#channel> [key]' }],
  ['/join -account oftc', chan, { error: '/join needs a channel: /join [-account <name>] <#channel> [key]' }],
  ['/join #a key extra', chan, { error: '/join takes one channel and an optional key: /join [-account <name>] <#channel> [key]' }],
  ['/join -account', chan, { error: '-account needs an account name: /join [-account <name>] <#channel> [key]' }],
  ['/join -account nope #a', chan, { error: 'no account named "nope"; accounts: libera, oftc' }],
  ['/join #natter', nothing, { error: '/join: no account is focused; pick one with -account <name>: /join [-account <name>] <#channel> [key]' }],
  ['/join #natter', empty, { error: '/join: no accounts are configured; add one to the config file or use /connect <url>' }],

  // /part
  ['/part', chan, { type: 'part', conversationId: 'c1' }],
  ['/part see you later', chan, { type: 'part', conversationId: 'c1', reason: 'see you later' }],
  ['/leave bye', group, { type: 'part', conversationId: 'g1', reason: 'bye' }],
  ['/part #natter bye', chan, { type: 'part', conversationId: 'c1', reason: 'bye' }],
  ['/part #NATTER', chan, { type: 'part', conversationId: 'c1' }],
  ['/part #other bye', chan, { error: '/part leaves the current conversation; switch to #other first: /part [reason]' }],
  ['/part', dm, { type: 'close', conversationId: 'd1' }],
  ['/part', nothing, { error: '/part works in a channel or room' }],
  ['/part', server, { error: '/part works in a channel or room' }],

  // /msg and /query
  ['/msg bob hi there', chan, { type: 'open', accountId: 'libera', address: 'bob', body: 'hi there' }],
  ['/msg bob  two  spaces\nand a line', chan, { type: 'open', accountId: 'libera', address: 'bob', body: 'two  spaces\nand a line' }],
  ['/msg -account oftc carol hey', nothing, { type: 'open', accountId: 'oftc', address: 'carol', body: 'hey' }],
  ['/msg bob', chan, { error: '/msg needs a nick and text: /msg [-account <name>] <nick> <text>' }],
  ['/msg bob   ', chan, { error: '/msg needs a nick and text: /msg [-account <name>] <nick> <text>' }],
  ['/msg', chan, { error: '/msg needs a nick and text: /msg [-account <name>] <nick> <text>' }],
  ['/query bob', chan, { type: 'open', accountId: 'libera', address: 'bob' }],
  ['/q bob', accountOnly, { type: 'open', accountId: 'libera', address: 'bob' }],
  ['/query bob hello', chan, { type: 'open', accountId: 'libera', address: 'bob', body: 'hello' }],
  ['/query -account oftc dave', chan, { type: 'open', accountId: 'oftc', address: 'dave' }],
  ['/query', chan, { error: '/query needs a nick: /query [-account <name>] <nick> [text]' }],
  ['/query bob', nothing, { error: '/query: no account is focused; pick one with -account <name>: /query [-account <name>] <nick> [text]' }],

  // /nick
  ['/nick alice_', chan, { type: 'nick', accountId: 'libera', nick: 'alice_' }],
  ['/nick -account oftc alice', chan, { type: 'nick', accountId: 'oftc', nick: 'alice' }],
  ['/nick', chan, { error: '/nick needs a new nick: /nick [-account <name>] <nick>' }],
  ['/nick two words', chan, { error: '/nick takes one word: /nick [-account <name>] <nick>' }],
  // /inbox and /open run in the screen (Screen.tsx) before parsing; parsed elsewhere they say so.
  ['/inbox', chan, { error: '/inbox works in the natter screen' }],
  ['/open 2', chan, { error: '/open works in the natter screen' }],
  ['/preview 1', chan, { error: '/preview works in the natter screen' }],
  // /notify
  ['/notify Mentions', chan, { type: 'protocol', accountId: 'libera', name: 'notify', args: ['mentions'], conversationId: 'c1' }],
  ['/notify default', dm, { type: 'protocol', accountId: 'libera', name: 'notify', args: ['default'], conversationId: 'd1' }],
  ['/notify loud', chan, { error: 'usage: /notify all|mentions|none|default' }],
  ['/notify all', server, { error: '/notify works in a conversation: /notify all|mentions|none|default' }],

  // /topic
  ['/topic', chan, { type: 'topic', conversationId: 'c1' }],
  ['/topic  Natter dev | v0.1  ', chan, { type: 'topic', conversationId: 'c1', topic: 'Natter dev | v0.1' }],
  ['/topic rooms too', group, { type: 'topic', conversationId: 'g1', topic: 'rooms too' }],
  ['/topic', dm, { error: '/topic works in a channel: /topic [text]' }],
  ['/topic x', server, { error: '/topic works in a channel: /topic [text]' }],
  ['/topic', nothing, { error: '/topic works in a channel: /topic [text]' }],

  // /close
  ['/close', chan, { type: 'close', conversationId: 'c1' }],
  ['/wc', dm, { type: 'close', conversationId: 'd1' }],
  ['/close now', chan, { error: '/close takes no arguments: /close' }],
  ['/close', nothing, { error: '/close needs an open conversation' }],

  // /search
  ['/search deploy failed', chan, { type: 'search', query: 'deploy failed' }],
  ['/search deploy --from bob', chan, { type: 'search', query: 'deploy', sender: 'bob' }],
  ['/search --from=bob deploy', chan, { type: 'search', query: 'deploy', sender: 'bob' }],
  ['/search deploy --here', chan, { type: 'search', query: 'deploy', conversationId: 'c1' }],
  [
    '/search --here release  notes --from carol --account oftc',
    dm,
    { type: 'search', query: 'release notes', conversationId: 'd1', sender: 'carol', accountId: 'oftc' },
  ],
  ['/search -- --here', chan, { type: 'search', query: '--here' }],
  ['/search', chan, { error: '/search needs words: /search <words> [--from <nick>] [--here] [--account <name>]' }],
  ['/search --from bob', chan, { error: '/search needs words: /search <words> [--from <nick>] [--here] [--account <name>]' }],
  ['/search x --from', chan, { error: '--from needs a value: /search <words> [--from <nick>] [--here] [--account <name>]' }],
  ['/search x --since 3d', chan, { error: '/search has no option --since: /search <words> [--from <nick>] [--here] [--account <name>]' }],
  ['/search x --here', nothing, { error: '/search --here needs an open conversation: /search <words> [--from <nick>] [--here] [--account <name>]' }],
  ['/search x --account nope', chan, { error: 'no account named "nope"; accounts: libera, oftc' }],

  // /connect
  ['/connect', chan, { type: 'connect', accountId: 'libera' }],
  ['/connect', nothing, { type: 'connect' }],
  ['/connect oftc', chan, { type: 'connect', accountId: 'oftc' }],
  ['/connect irc://alice@127.0.0.1:6667/#natter', nothing, { type: 'connect', url: 'irc://alice@127.0.0.1:6667/#natter', protocol: 'irc' }],
  ['/connect ircs://alice@irc.example.org:6697/', chan, { type: 'connect', url: 'ircs://alice@irc.example.org:6697/', protocol: 'irc' }],
  ['/connect xmpp:alice@example.org', chan, { type: 'connect', url: 'xmpp:alice@example.org', protocol: 'xmpp' }],
  ['/connect imaps://alice@mail.example.org', chan, { type: 'connect', url: 'imaps://alice@mail.example.org', protocol: 'email' }],
  ['/connect matrix:u/alice:example.org', chan, { type: 'connect', url: 'matrix:u/alice:example.org', protocol: 'matrix' }],
  ['/connect nope', chan, { error: 'no account named "nope"; accounts: libera, oftc; or give a URL: /connect [account|url]' }],
  ['/connect https://example.org', chan, { error: '/connect cannot use https: URLs; use irc:, ircs:, xmpp:, matrix:, imap:, imaps:, mailto: or an account name' }],
  ['/connect ircs://', chan, { error: '/connect: "ircs://" names no server' }],
  ['/connect irc://[bad', chan, { error: '/connect: "irc://[bad" is not a valid URL' }],
  ['/connect a b', chan, { error: '/connect takes one account or URL: /connect [account|url]' }],

  // /disconnect
  ['/disconnect', chan, { type: 'disconnect', accountId: 'libera' }],
  ['/disconnect oftc', chan, { type: 'disconnect', accountId: 'oftc' }],
  ['/disconnect oftc going home', nothing, { type: 'disconnect', accountId: 'oftc', reason: 'going home' }],
  ['/disconnect', nothing, { error: '/disconnect needs an account: /disconnect [account [reason]]' }],
  ['/disconnect olftc', chan, { error: 'no account named "olftc"; accounts: libera, oftc' }],

  // /quit
  ['/quit', chan, { type: 'quit' }],
  ['/quit', empty, { type: 'quit' }],
  ['/exit  gone fishing ', nothing, { type: 'quit', reason: 'gone fishing' }],

  // /help
  ['/help', nothing, { type: 'help' }],
  ['/help join', nothing, { type: 'help', command: 'join' }],
  ['/help /J', nothing, { type: 'help', command: 'join' }],
  ['/? wc', nothing, { type: 'help', command: 'close' }],
  ['/help whois', nothing, { error: 'no command /whois; /help lists commands' }],
  ['/help join part', nothing, { error: '/help takes one command name: /help [command]' }],

  // message actions: the selected message is the target; without one the engine picks the default
  ['/reply sure thing', chan, { type: 'reply', conversationId: 'c1', body: 'sure thing' }],
  ['/reply  yes ', selected, { type: 'reply', conversationId: 'c1', body: 'yes ', messageId: 'm7' }],
  ['/reply', chan, { error: '/reply needs text: /reply <text>' }],
  ['/reply hi', server, { error: '/reply works in a channel or a direct conversation' }],
  ['/reply hi', nothing, { error: 'no conversation is open: use /join or /query' }],
  ['/edit fixed typo', chan, { type: 'edit', conversationId: 'c1', body: 'fixed typo' }],
  ['/edit better', selected, { type: 'edit', conversationId: 'c1', body: 'better', messageId: 'm7' }],
  ['/edit   ', chan, { error: '/edit needs the new text: /edit <text>' }],
  ['/react 👍', chan, { type: 'react', conversationId: 'c1', key: '👍' }],
  ['/react :thumbsup:', selected, { type: 'react', conversationId: 'c1', key: '👍', messageId: 'm7' }],
  ['/react :TADA:', dm, { type: 'react', conversationId: 'd1', key: '🎉' }],
  ['/react lol', chan, { type: 'react', conversationId: 'c1', key: 'lol' }],
  ['/react :nosuchthing:', chan, { error: 'no emoji called :nosuchthing: — type the emoji itself, or e.g. :thumbsup: :heart: :joy: :tada:' }],
  ['/react', chan, { error: '/react needs an emoji: /react <emoji or :shortcode:>' }],
  ['/react 👍 ❤️', chan, { error: '/react takes one emoji: /react <emoji or :shortcode:>' }],
  ['/delete', chan, { type: 'retract', conversationId: 'c1' }],
  ['/retract', selected, { type: 'retract', conversationId: 'c1', messageId: 'm7' }],
  ['/delete now', chan, { error: '/delete takes no arguments (select a message with Up first): /delete' }],
  ['/delete', server, { error: '/delete works in a channel or a direct conversation' }],
  ['/upload ~/My Photos/cat.png', chan, { type: 'upload', conversationId: 'c1', path: '~/My Photos/cat.png' }],
  ['/upload', chan, { error: '/upload needs the path of a file: /upload <path>' }],
  ['/upload x', server, { error: '/upload works in a channel or a direct conversation' }],
  ['/decline', invited, { type: 'decline', conversationId: 'c1' }],
  ['/decline', chan, { error: 'there is no invitation to decline here' }],
  ['/decline', nothing, { error: '/decline works in a conversation you were invited to' }],
  ['/join', invited, { type: 'join', accountId: 'libera', address: '#natter' }],

  // protocol pass-through
  ['/whois bob', chan, { type: 'protocol', accountId: 'libera', name: 'whois', args: ['bob'], conversationId: 'c1' }],
  ['/MODE #natter +o  bob', chan, { type: 'protocol', accountId: 'libera', name: 'mode', args: ['#natter', '+o', 'bob'], conversationId: 'c1' }],
  ['/raw PRIVMSG #a :hi', accountOnly, { type: 'protocol', accountId: 'libera', name: 'raw', args: ['PRIVMSG', '#a', ':hi'] }],
  ['/away', single, { type: 'protocol', accountId: 'libera', name: 'away', args: [] }],
  ['/whois bob', nothing, { error: 'unknown command /whois; /help lists commands' }],
  ['/frobnicate', empty, { error: 'unknown command /frobnicate; /help lists commands' }],
];

describe('parseInput', () => {
  for (const [input, ctx, expected] of rows) {
    const where = ctx.conversationKind ?? (ctx.accountId ? 'account' : `${ctx.accounts.length} accounts`);
    it(`${JSON.stringify(input)} in ${where}`, () => {
      if ('error' in expected) {
        assert.throws(
          () => parseInput(input, ctx),
          (error: unknown) => {
            assert.ok(error instanceof CommandError, `not a CommandError: ${String(error)}`);
            assert.equal(error.userMessage, expected.error);
            return true;
          },
        );
      } else {
        assert.deepEqual(parseInput(input, ctx), expected);
      }
    });
  }

  it('covers every built-in command with good and bad input', () => {
    const seen = new Set<string>();
    const failing = new Set<string>();
    for (const [input, , expected] of rows) {
      const name = /^\/(\S+)/.exec(input)?.[1];
      const def = name && !input.startsWith('//') ? findCommand(name) : undefined;
      if (!def) continue;
      if ('error' in expected) failing.add(def.name);
      else seen.add(def.name);
    }
    const screenOnly = new Set(['inbox', 'open', 'preview']);
    for (const def of commands) {
      if (screenOnly.has(def.name)) {
        assert.ok(failing.has(def.name), `no row for /${def.name}`);
        continue;
      }
      assert.ok(seen.has(def.name), `no accepted input for /${def.name}`);
      if (def.name !== 'quit') assert.ok(failing.has(def.name), `no rejected input for /${def.name}`);
    }
  });
});

describe('registry', () => {
  it('finds commands by name and alias, any case, with or without the slash', () => {
    assert.equal(findCommand('join')?.name, 'join');
    assert.equal(findCommand('J')?.name, 'join');
    assert.equal(findCommand('/Leave')?.name, 'part');
    assert.equal(findCommand('whois'), undefined);
  });

  it('lists canonical names alphabetically for completion', () => {
    assert.deepEqual(commandNames(), [
      'close',
      'connect',
      'decline',
      'delete',
      'disconnect',
      'edit',
      'help',
      'inbox',
      'join',
      'me',
      'msg',
      'nick',
      'notify',
      'open',
      'part',
      'preview',
      'query',
      'quit',
      'react',
      'reply',
      'search',
      'topic',
      'upload',
    ]);
  });

  it('gives a help entry per command whose usage starts with the command', () => {
    const entries = helpEntries();
    assert.equal(entries.length, commands.length);
    for (const entry of entries) {
      assert.ok(entry.usage.startsWith(`/${entry.name}`), entry.usage);
      assert.ok(entry.summary.length > 0);
    }
    assert.deepEqual(
      entries.find((e) => e.name === 'join'),
      {
        name: 'join',
        usage: '/join [-account <name>] <#channel> [key]',
        summary: 'Join a channel or room (on another account with -account)',
        aliases: ['j'],
      },
    );
  });

  it('names and aliases are lower-case and unique', () => {
    const all = commands.flatMap((c) => [c.name, ...c.aliases]);
    assert.equal(new Set(all).size, all.length);
    for (const name of all) assert.equal(name, name.toLowerCase());
  });
});
