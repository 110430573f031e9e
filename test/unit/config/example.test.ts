// config.example.toml is the reference the README points to: it must load, and it must mention every key the schema
// knows, in the example block of each protocol.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { CONFIG_KEYS, PROTOCOLS } from '../../../src/config/schema.js';
import { repoRoot, writeConfig } from './helpers.js';

const file = join(repoRoot, 'config.example.toml');
const text = readFileSync(file, 'utf8');

/** `key =` at the start of a line, commented out or not. */
const mentions = (block: string, key: string) => new RegExp(`^#?\\s*${key}\\s*=`, 'm').test(block);

describe('config.example.toml', () => {
  it('loads and validates as it is', () => {
    const config = loadConfig(file, { required: true });
    assert.equal(config.accounts.length, 1);
    assert.equal(config.accounts[0]!.protocol, 'irc');
    assert.deepEqual(config.warnings, []);
  });

  it('every account block validates once uncommented', () => {
    const blocks = text.split(/^(?=#? ?\[\[accounts\]\])/m).slice(1);
    assert.equal(blocks.length, PROTOCOLS.length);
    for (const block of blocks) {
      // Uncomment only `key = value` lines, skipping placeholders ("…") and keys that need real files or secrets.
      const lines = block
        .split('\n')
        .map((l) => l.replace(/^# ?/, ''))
        .filter((l) => /^(\[\[accounts\]\]|[a-z_]+\s*=)/.test(l) && !l.includes('…') && !/^(ca_file|password)/.test(l));
      const config = loadConfig(writeConfig(lines.join('\n') + '\n'), { required: true });
      assert.equal(config.accounts.length, 1);
    }
  });

  it('mentions every top-level, [ui] and [log] key', () => {
    assert.match(text, /^\[ui\]$/m);
    assert.match(text, /^\[log\]$/m);
    assert.match(text, /^\[\[accounts\]\]$/m);
    const ui = text.slice(text.indexOf('[ui]'), text.indexOf('[log]'));
    for (const key of CONFIG_KEYS.ui) assert.ok(mentions(ui, key), `[ui] ${key}`);
    const log = text.slice(text.indexOf('[log]'), text.indexOf('[[accounts]]'));
    for (const key of CONFIG_KEYS.log) assert.ok(mentions(log, key), `[log] ${key}`);
  });

  for (const protocol of PROTOCOLS) {
    it(`mentions every ${protocol} key in its example account`, () => {
      const blocks = text.split(/^(?=#? ?\[\[accounts\]\])/m).slice(1);
      const block = blocks.find((b) => new RegExp(`^#?\\s*protocol\\s*=\\s*"${protocol}"`, 'm').test(b));
      assert.ok(block, `no example account for ${protocol}`);
      const missing = CONFIG_KEYS[protocol].filter((key) => !mentions(block, key));
      assert.deepEqual(missing, []);
    });
  }
});
