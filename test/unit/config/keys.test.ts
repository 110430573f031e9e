// Config [keys]: the keymap name and [keys.bind] overrides, and the errors naming file:line:key with what is valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/core/errors.js';
import { writeConfig } from './helpers.js';

function problemOf(text: string): ConfigError {
  const file = writeConfig(text);
  try {
    loadConfig(file);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `not a ConfigError: ${String(e)}`);
    assert.equal(e.file, file);
    return e;
  }
  assert.fail('no error');
}

test('[keys] defaults to the default keymap without overrides; vim and bindings load', () => {
  assert.deepEqual(loadConfig(writeConfig('')).keys, { keymap: 'default', bind: {} });
  const c = loadConfig(writeConfig('[keys]\nkeymap = "vim"\n\n[keys.bind]\n"switcher" = "C-p"\nquit = ["C-x", "M-q"]\n'));
  assert.deepEqual(c.keys, { keymap: 'vim', bind: { switcher: 'C-p', quit: ['C-x', 'M-q'] } });
});

test('[keys] errors: unknown keymap, unknown action, unreadable chord, a chord bound twice — each with line and key', () => {
  let e = problemOf('[keys]\nkeymap = "vi"\n');
  assert.equal(e.line, 2);
  assert.equal(e.key, 'keys.keymap');
  assert.match(e.problem, /must be one of default, vim; did you mean 'vim'\?/);

  e = problemOf('[keys]\nkeymap = "default"\n\n[keys.bind]\nswitcher = "C-p"\nswtcher = "C-o"\n');
  assert.equal(e.line, 6);
  assert.equal(e.key, 'keys.bind.swtcher');
  assert.match(e.problem, /unknown action 'swtcher'; valid actions: quit, switcher, help, /);

  e = problemOf('[keys.bind]\n"switcher" = "Ctrl+P"\n');
  assert.equal(e.line, 2);
  assert.equal(e.key, 'keys.bind.switcher');
  assert.match(e.problem, /cannot read the key 'Ctrl\+P'/);

  e = problemOf('[keys.bind]\nquit = "C-k"\n');
  assert.equal(e.line, 2);
  assert.equal(e.key, 'keys.bind.quit');
  assert.match(e.problem, /'C-k' is bound twice in the global keys: .*quit.*switcher|switcher.*quit/);

  e = problemOf('[keys.bind]\nquit = 3\n');
  assert.equal(e.key, 'keys.bind.quit');
  assert.match(e.problem, /must be a key such as "C-p"/);

  e = problemOf('[keys]\nkeymaps = "vim"\n');
  assert.match(e.problem, /unknown key 'keymaps'; did you mean 'keymap'\?/);
});
