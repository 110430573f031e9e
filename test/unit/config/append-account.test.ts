import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/errors.js';
import { appendAccount, formatAccountBlock } from '../../../src/config/append-account.js';
import { loadConfig } from '../../../src/config/load.js';
import { tempDir, writeConfig } from './helpers.js';

describe('appendAccount', () => {
  it('creates the file (0600) and its directory (0700) when missing', () => {
    const dir = join(tempDir(), 'new', 'natter');
    const file = join(dir, 'config.toml');
    appendAccount(file, { name: 'local', protocol: 'irc', host: '127.0.0.1', port: 6667, tls: false, nick: 'alice', channels: ['#a', '#b key'] });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(
      readFileSync(file, 'utf8'),
      '[[accounts]]\nname = "local"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = 6667\ntls = false\nnick = "alice"\nchannels = ["#a", "#b key"]\n',
    );
    const config = loadConfig(file);
    assert.equal(config.accounts[0]!.settings['port'], 6667);
    assert.deepEqual(config.accounts[0]!.settings['channels'], ['#a', '#b key']);
  });

  it('appends after existing content, keeping it byte for byte and the file mode', () => {
    const before = '# my config\n[ui]\ntimestamps = false\n\n[[accounts]]\nname = "one"\nprotocol = "irc"\nhost = "h"\nnick = "n"'; // no final newline
    const file = writeConfig(before, 0o640);
    appendAccount(file, { name: 'two', protocol: 'xmpp', jid: 'a@b' });
    const after = readFileSync(file, 'utf8');
    assert.equal(after, before + '\n\n[[accounts]]\nname = "two"\nprotocol = "xmpp"\njid = "a@b"\n');
    assert.equal(statSync(file).mode & 0o777, 0o640);
    const config = loadConfig(file);
    assert.deepEqual(config.accounts.map((a) => [a.name, a.line]), [['one', 5], ['two', 11]]);
    assert.equal(config.ui.timestamps, false);
  });

  it('rolls back when the file would not validate (duplicate name), and throws the ConfigError', () => {
    const before = '[[accounts]]\nname = "one"\nprotocol = "irc"\nhost = "h"\nnick = "n"\n';
    const file = writeConfig(before);
    assert.throws(
      () => appendAccount(file, { name: 'one', protocol: 'irc', host: 'h2', nick: 'm' }),
      (e: unknown) => e instanceof ConfigError && e.key === 'accounts[1].name' && e.line === 8,
    );
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('rolls back a bad value, and removes a file it created', () => {
    const file = join(tempDir(), 'config.toml');
    assert.throws(
      () => appendAccount(file, { name: 'x', protocol: 'irc', host: 'h', nick: 'n', port: 99999 }),
      (e: unknown) => e instanceof ConfigError && e.key === 'accounts[0].port',
    );
    assert.equal(existsSync(file), false);
  });

  it('escapes strings so any value round-trips', () => {
    const file = writeConfig('');
    const realname = 'quote " backslash \\ tab \t unicode é';
    appendAccount(file, { name: 'esc', protocol: 'irc', host: 'h', nick: 'n', realname, password: 'p"w\\' });
    const account = loadConfig(file).accounts[0]!;
    assert.equal(account.settings['realname'], realname);
    assert.deepEqual(account.secret, { kind: 'plain', value: 'p"w\\' });
  });

  it('formatAccountBlock puts name and protocol first', () => {
    assert.equal(
      formatAccountBlock({ nick: 'n', protocol: 'irc', name: 'a', ctcp_version: true }),
      '[[accounts]]\nname = "a"\nprotocol = "irc"\nnick = "n"\nctcp_version = true\n',
    );
  });

  it('an already broken file is left untouched', () => {
    const before = '[[accounts]\nbroken';
    const file = writeConfig(before);
    writeFileSync(file, before);
    assert.throws(() => appendAccount(file, { name: 'b', protocol: 'xmpp', jid: 'a@b' }), ConfigError);
    assert.equal(readFileSync(file, 'utf8'), before);
  });
});
