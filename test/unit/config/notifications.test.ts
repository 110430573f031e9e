import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/core/errors.js';
import { notifyOptionsOf } from '../../../src/cli/notify-options.js';
import { writeConfig } from './helpers.js';

describe('[notifications] and per-account notification keys', () => {
  it('has defaults: mentions, bell on, desktop auto, no command, not private', () => {
    const config = loadConfig(writeConfig('[ui]\n'));
    assert.deepEqual(config.notifications, {
      level: 'mentions', keywords: [], dnd: false, private: false, bell: true, desktop: 'auto', passthrough: false,
    });
  });

  it('reads every key and the account levels; the UI options carry them', () => {
    const config = loadConfig(writeConfig(`[notifications]
level = "all"
keywords = ["deploy", "natter"]
dnd = true
private = true
bell = false
desktop = "osc99"
passthrough = true
command = ["notify-send", "-a", "natter"]

[[accounts]]
name = "quiet"
protocol = "irc"
host = "127.0.0.1"
nick = "me"
notify = "none"
send_typing = false
send_receipts = false
`));
    assert.deepEqual(config.notifications, {
      level: 'all', keywords: ['deploy', 'natter'], dnd: true, private: true, bell: false, desktop: 'osc99', passthrough: true,
      command: ['notify-send', '-a', 'natter'],
    });
    const settings = config.accounts[0]!.settings;
    assert.equal(settings['notify'], 'none');
    assert.equal(settings['send_typing'], false);
    assert.equal(settings['send_receipts'], false);
    assert.deepEqual(notifyOptionsOf(config)?.accountLevels, { quiet: 'none' });
  });

  for (const [toml, pattern] of [
    ['[notifications]\nlevel = "loud"\n', /level.*one of all, mentions, none/],
    ['[notifications]\ndesktop = "osc52"\n', /desktop.*one of auto, osc777, osc9, osc99, off/],
    ['[notifications]\ncommand = "notify-send hi"\n', /command.*a list of strings/],
    ['[notifications]\ncommand = []\n', /command.*non-empty list/],
    ['[notifications]\nbel = true\n', /bel/],
    ['[[accounts]]\nname = "a"\nprotocol = "irc"\nhost = "h"\nnick = "n"\nsend_typing = "no"\n', /send_typing.*true or false/],
  ] as const) {
    it(`refuses ${JSON.stringify(toml.split('\n').at(-2))}`, () => {
      assert.throws(() => loadConfig(writeConfig(toml)), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
    });
  }
});
