import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { tempDir, writeConfig } from './helpers.js';

const FP = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';

describe('loadConfig: valid configs with defaults applied', () => {
  const cases: Array<{ name: string; toml: string; expect: Record<string, unknown>; extra?: (c: ReturnType<typeof loadConfig>) => void }> = [
    {
      name: 'irc with TLS defaults',
      toml: '[[accounts]]\nname = "libera"\nprotocol = "irc"\nhost = "irc.libera.chat"\nnick = "alice"\n',
      expect: {
        host: 'irc.libera.chat',
        port: 6697,
        tls: true,
        nick: 'alice',
        username: 'alice',
        realname: 'natter',
        channels: [],
        ctcp_version: false,
        alt_nicks: [],
        flood_burst: 5,
        flood_interval_ms: 500,
      },
    },
    {
      name: 'irc without TLS defaults to 6667; explicit values kept',
      toml:
        '[[accounts]]\nname = "local"\nprotocol = "irc"\nhost = "127.0.0.1"\ntls = false\nnick = "bob"\nusername = "b"\n' +
        'realname = "Bob B"\nsasl_username = "bob"\nchannels = ["#a", "#b key"]\nctcp_version = true\nalt_nicks = ["bob_"]\n' +
        'flood_burst = 2\nflood_interval_ms = 0\n',
      expect: {
        host: '127.0.0.1',
        port: 6667,
        tls: false,
        nick: 'bob',
        username: 'b',
        realname: 'Bob B',
        sasl_username: 'bob',
        channels: ['#a', '#b key'],
        ctcp_version: true,
        alt_nicks: ['bob_'],
        flood_burst: 2,
        flood_interval_ms: 0,
      },
    },
    {
      name: 'xmpp',
      toml: '[[accounts]]\nname = "j"\nprotocol = "xmpp"\njid = "alice@example.org"\n',
      expect: { jid: 'alice@example.org', resource: 'natter', tls: 'starttls', omemo: true },
    },
    {
      name: 'xmpp with host and direct TLS',
      toml: '[[accounts]]\nname = "j"\nprotocol = "xmpp"\njid = "a@b"\nhost = "::1"\nport = 5223\ntls = "direct"\nresource = "x y"\nomemo = false\n',
      expect: { jid: 'a@b', host: '::1', port: 5223, resource: 'x y', tls: 'direct', omemo: false },
    },
    {
      name: 'matrix',
      toml: '[[accounts]]\nname = "m"\nprotocol = "matrix"\nuser = "@alice:example.org"\nhomeserver = "http://127.0.0.1:8008"\n',
      expect: { user: '@alice:example.org', homeserver: 'http://127.0.0.1:8008', device_name: 'natter', timeline_limit: 20, poll_timeout_ms: 30000, max_download_mb: 100 },
    },
    {
      name: 'email with port defaults from security',
      toml: '[[accounts]]\nname = "mail"\nprotocol = "email"\naddress = "alice@localhost"\nsmtp_security = "starttls"\n',
      expect: {
        address: 'alice@localhost',
        imap_port: 993,
        imap_security: 'tls',
        smtp_port: 587,
        smtp_security: 'starttls',
        poll_interval_ms: 60000,
        classic_mail_from_contacts: false,
        max_message_bytes: 52428800,
        connect_timeout_ms: 20000,
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const file = writeConfig(c.toml);
      const config = loadConfig(file);
      assert.equal(config.missing, false);
      assert.equal(config.accounts.length, 1);
      const account = config.accounts[0]!;
      // The privacy keys (schema accountNotifyShape) are in every account's settings with their defaults.
      assert.deepEqual(account.settings, { send_typing: true, send_receipts: true, ...c.expect });
      assert.equal(account.enabled, true);
      assert.equal(account.line, 1);
      assert.deepEqual(account.secret, { kind: 'none' });
      assert.deepEqual(account.tls, { dangerAcceptInvalid: false });
      assert.deepEqual(config.warnings, []);
    });
  }

  it('applies [ui] and [log] defaults, and reads them', () => {
    const empty = loadConfig(writeConfig(''));
    assert.deepEqual(empty.ui, {
      timestamps: true,
      collapse_joins: true,
      time_format: 'HH:mm',
      hyperlinks: 'auto',
      mouse: true,
      images: 'auto',
      images_over_ssh: true,
    });
    assert.deepEqual(empty.log, { level: 'info' });
    const set = loadConfig(
      writeConfig(
        '[ui]\ntimestamps = false\ntime_format = "h:mm a"\nhyperlinks = false\nmouse = false\nimages = "blocks"\nimages_over_ssh = false\n' +
          'open_command = ["firefox", "--new-tab"]\n[log]\nlevel = "debug"\n',
      ),
    );
    assert.deepEqual(set.ui, {
      timestamps: false,
      collapse_joins: true,
      time_format: 'h:mm a',
      hyperlinks: false,
      mouse: false,
      images: 'blocks',
      images_over_ssh: false,
      open_command: ['firefox', '--new-tab'],
    });
    assert.throws(() => loadConfig(writeConfig('[ui]\nimages = "png"\n')), /images.*"auto", "kitty", "sixel", "blocks" or "off"/s);
    assert.throws(() => loadConfig(writeConfig('[ui]\nhyperlinks = "yes"\n')), /hyperlinks.*true, false or "auto"/s);
    assert.throws(() => loadConfig(writeConfig('[ui]\nopen_command = "xdg-open"\n')), /open_command.*list of strings/s);
    assert.equal(set.log.level, 'debug');
  });

  it('secret sources, TLS settings and account lines', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'certs', 'ca.pem'), 'pem');
    const file = join(dir, 'config.toml');
    writeFileSync(
      file,
      '# comment\n\n[[accounts]]\nname = "a"\nprotocol = "irc"\nhost = "h"\nnick = "n"\npassword = "hunter2"\n' +
        `ca_file = "certs/ca.pem"\ntls_fingerprint = "${FP.replace(/:/g, '').toLowerCase()}"\n\n` +
        '[[accounts]]\nname = "b"\nprotocol = "matrix"\nuser = "@b:c"\npassword_command = "echo x"\nenabled = false\n',
      { mode: 0o600 },
    );
    const config = loadConfig(file);
    const [a, b] = config.accounts;
    assert.deepEqual(a!.secret, { kind: 'plain', value: 'hunter2' });
    assert.deepEqual(a!.tls, { caFile: join(dir, 'certs', 'ca.pem'), fingerprint: FP, dangerAcceptInvalid: false });
    assert.equal(a!.line, 3);
    assert.equal('password' in a!.settings, false);
    assert.deepEqual(b!.secret, { kind: 'command', command: 'echo x' });
    assert.equal(b!.enabled, false);
    assert.equal(b!.line, 12);
    assert.equal('password_command' in b!.settings, false);
    assert.deepEqual(config.warnings, []);
  });

  it('missing file: empty config unless required', () => {
    const file = join(tempDir(), 'nope.toml');
    const config = loadConfig(file);
    assert.equal(config.missing, true);
    assert.deepEqual(config.accounts, []);
    assert.equal(config.log.level, 'info');
    assert.throws(
      () => loadConfig(file, { required: true }),
      (e: unknown) => e instanceof ConfigError && e.file === file && /does not exist/.test(e.problem),
    );
  });
});

describe('loadConfig: each kind of error names file, line, key and what is valid', () => {
  const irc = (extra: string) => `[[accounts]]\nname = "a"\nprotocol = "irc"\nhost = "h"\nnick = "n"\n${extra}`;
  const cases: Array<{ name: string; toml: string; line: number | undefined; key: string | undefined; problem: string | RegExp }> = [
    {
      name: 'syntax error: unquoted string',
      toml: '[ui]\ntimestamps = true\ntime_format = HH:mm\n',
      line: 3,
      key: undefined,
      problem: /^TOML syntax error at column \d+: invalid value\. Text values need double quotes/,
    },
    {
      name: 'syntax error: unfinished string',
      toml: '[[accounts]]\nname = "a\n',
      line: 2,
      key: undefined,
      problem: /: control characters are not allowed in strings\. A string is missing its closing quote/,
    },
    {
      name: 'syntax error: unfinished string at the end of the file',
      toml: '[[accounts]]\nname = "a"\nhost = "h',
      line: 3,
      key: undefined,
      problem: /: unfinished string\. A string is missing its closing quote/,
    },
    {
      name: 'wrong type: port as string',
      toml: irc('port = "6697"\n'),
      line: 6,
      key: 'accounts[0].port',
      problem: 'must be an integer between 1 and 65535, not a string',
    },
    {
      name: 'out of range port',
      toml: irc('port = 70000\n'),
      line: 6,
      key: 'accounts[0].port',
      problem: 'must be an integer between 1 and 65535',
    },
    {
      name: 'wrong type: boolean in the second account',
      toml: irc('') + '\n' + irc('tls = "yes"\n'),
      line: 12,
      key: 'accounts[1].tls',
      problem: 'must be true or false, not a string',
    },
    {
      name: 'unknown key with suggestion',
      toml: irc('prot = 6697\n'),
      line: 6,
      key: 'accounts[0].prot',
      problem: "unknown key 'prot'; did you mean 'port'?",
    },
    {
      name: 'unknown key of another protocol',
      toml: irc('jid = "a@b"\n'),
      line: 6,
      key: 'accounts[0].jid',
      problem: "unknown key 'jid': xmpp accounts have it, irc accounts do not",
    },
    {
      name: 'unknown key in [ui] with suggestion',
      toml: '[ui]\ntimestamp = false\n',
      line: 2,
      key: 'ui.timestamp',
      problem: "unknown key 'timestamp'; did you mean 'timestamps'?",
    },
    {
      name: 'unknown top-level table [[account]]',
      toml: '[[account]]\nname = "a"\n',
      line: 1,
      key: 'account',
      problem: "unknown key 'account'; did you mean 'accounts'?",
    },
    {
      name: 'protocol misspelt',
      toml: '[[accounts]]\nname = "a"\nprotocol = "ircc"\n',
      line: 3,
      key: 'accounts[0].protocol',
      problem: "must be one of irc, xmpp, matrix, email; did you mean 'irc'?",
    },
    {
      name: 'protocol missing: line of the account header',
      toml: '[ui]\n\n[[accounts]]\nname = "a"\n',
      line: 3,
      key: 'accounts[0].protocol',
      problem: 'is required: set it to one of irc, xmpp, matrix, email',
    },
    {
      name: 'missing required key: line of the account header',
      toml: '[[accounts]]\nname = "a"\nprotocol = "irc"\nhost = "h"\n',
      line: 1,
      key: 'accounts[0].nick',
      problem: /^is required: set it to a valid IRC nick/,
    },
    {
      name: 'invalid nick',
      toml: '[[accounts]]\nname = "a"\nprotocol = "irc"\nhost = "h"\nnick = "1abc"\n',
      line: 5,
      key: 'accounts[0].nick',
      problem: /^must be a valid IRC nick/,
    },
    {
      name: 'bad channel in a multi-line list: line of the element',
      toml: irc('channels = [\n  "#ok",\n  "nochan",\n]\n'),
      line: 8,
      key: 'accounts[0].channels[1]',
      problem: /^must be a channel name such as "#natter"/,
    },
    {
      name: 'enum with suggestion',
      toml: '[log]\nlevel = "warning"\n',
      line: 2,
      key: 'log.level',
      problem: "must be one of debug, info, warn, error; did you mean 'warn'?",
    },
    {
      name: 'duplicate account names: line of the second one',
      toml: irc('') + '\n' + irc(''),
      line: 8,
      key: 'accounts[1].name',
      problem: "account name 'a' is already used by the account at line 1; account names must be unique",
    },
    {
      name: 'both password and password_command',
      toml: irc('password = "x"\npassword_command = "pass x"\n'),
      line: 7,
      key: 'accounts[0].password_command',
      problem: 'set either password or password_command, not both',
    },
    {
      name: 'bad ca_file path',
      toml: irc('ca_file = "/nonexistent/natter-ca.pem"\n'),
      line: 6,
      key: 'accounts[0].ca_file',
      problem: "file '/nonexistent/natter-ca.pem' does not exist",
    },
    {
      name: 'bad fingerprint',
      toml: irc('tls_fingerprint = "AB:CD"\n'),
      line: 6,
      key: 'accounts[0].tls_fingerprint',
      problem: /^must be the SHA-256 fingerprint of the server certificate: 64 hex digits, with or without colons/,
    },
    {
      name: 'bad account name',
      toml: '[[accounts]]\nname = "my account"\nprotocol = "irc"\nhost = "h"\nnick = "n"\n',
      line: 2,
      key: 'accounts[0].name',
      problem: /^must be a name made of letters, digits/,
    },
    {
      name: '[accounts] instead of [[accounts]]',
      toml: '[accounts]\nname = "a"\n',
      line: 1,
      key: 'accounts',
      problem: 'must be a list of accounts: start each one with a [[accounts]] line, not a table',
    },
    {
      name: 'matrix homeserver not a URL',
      toml: '[[accounts]]\nname = "m"\nprotocol = "matrix"\nuser = "@a:b"\nhomeserver = "matrix.org"\n',
      line: 5,
      key: 'accounts[0].homeserver',
      problem: 'must be an http(s) URL such as "https://matrix.example.org"',
    },
    {
      name: 'several problems: the first by line, with a count',
      toml: '[[accounts]]\nname = "a"\nprotocol = "irc"\nhost = "h"\nnick = "n"\nport = 0\ntls = 1\n',
      line: 6,
      key: 'accounts[0].port',
      problem: 'must be an integer between 1 and 65535 (and 1 more problem in this file)',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const file = writeConfig(c.toml);
      assert.throws(
        () => loadConfig(file),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError, `not a ConfigError: ${String(e)}`);
          assert.equal(e.file, file);
          assert.equal(e.line, c.line);
          assert.equal(e.key, c.key);
          if (typeof c.problem === 'string') assert.equal(e.problem, c.problem);
          else assert.match(e.problem, c.problem);
          assert.equal(e.userMessage, `${file}${c.line ? `:${c.line}` : ''}: ${c.key ? `${c.key}: ` : ''}${e.problem}`);
          return true;
        },
      );
    });
  }

  it('never shows a password value in an error', () => {
    const file = writeConfig('[[accounts]]\nname = "a"\nprotocol = "irc"\nhost = "h"\nnick = "n"\npassword = 123456789\n');
    assert.throws(
      () => loadConfig(file),
      (e: unknown) => e instanceof ConfigError && e.key === 'accounts[0].password' && !e.message.includes('123456789'),
    );
  });

  it('a directory given as the config file', () => {
    const dir = tempDir();
    assert.throws(() => loadConfig(dir), (e: unknown) => e instanceof ConfigError && /is a directory/.test(e.problem));
  });
});

describe('loadConfig: warnings', () => {
  it('a config file readable by others that holds a password', () => {
    const file = writeConfig('[[accounts]]\nname = "a"\nprotocol = "irc"\nhost = "h"\nnick = "n"\npassword = "pw"\n', 0o644);
    chmodSync(file, 0o644);
    const config = loadConfig(file);
    assert.equal(config.warnings.length, 1);
    assert.match(config.warnings[0]!, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} contains a password`));
    assert.ok(config.warnings[0]!.includes(`chmod 600 ${file}`));
    assert.ok(!config.warnings[0]!.includes('"pw"'));
  });

  it('no warning at 0600, nor for password_command at 0644', () => {
    assert.deepEqual(loadConfig(writeConfig('[[accounts]]\nname = "a"\nprotocol = "irc"\nhost = "h"\nnick = "n"\npassword = "pw"\n', 0o600)).warnings, []);
    const file = writeConfig('[[accounts]]\nname = "a"\nprotocol = "irc"\nhost = "h"\nnick = "n"\npassword_command = "echo pw"\n');
    chmodSync(file, 0o644);
    assert.deepEqual(loadConfig(file).warnings, []);
  });

  it('tls_danger_accept_invalid_certs', () => {
    const file = writeConfig('[[accounts]]\nname = "a"\nprotocol = "irc"\nhost = "h"\nnick = "n"\ntls_danger_accept_invalid_certs = true\n');
    const config = loadConfig(file);
    assert.equal(config.accounts[0]!.tls.dangerAcceptInvalid, true);
    assert.equal(config.warnings.length, 1);
    assert.match(config.warnings[0]!, /^account 'a' \(.*:1\): tls_danger_accept_invalid_certs = true turns off certificate verification/);
  });
});
