// The Matrix account keys the adapter reads (adapters/matrix/options.ts): defaults, explicit values, and refusals in
// plain words.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { writeConfig } from './helpers.js';

const HEAD = '[[accounts]]\nname = "m"\nprotocol = "matrix"\nuser = "@alice:example.org"\n';
const account = (extra: string) => loadConfig(writeConfig(HEAD + extra), { required: true }).accounts[0]!.settings;

describe('matrix account keys', () => {
  it('defaults', () => {
    const a = account('');
    assert.equal(a.device_name, 'natter');
    assert.equal(a.timeline_limit, 20);
    assert.equal(a.poll_timeout_ms, 30000);
    assert.equal(a.max_download_mb, 100);
  });

  it('explicit values are kept', () => {
    const a = account('device_name = "laptop terminal"\ntimeline_limit = 5\npoll_timeout_ms = 5000\nmax_download_mb = 2\n');
    assert.deepEqual([a.device_name, a.timeline_limit, a.poll_timeout_ms, a.max_download_mb], ['laptop terminal', 5, 5000, 2]);
  });

  const bad: Array<[string, RegExp]> = [
    ['timeline_limit = 0', /timeline_limit.*an integer between 1 and 500/],
    ['timeline_limit = 2.5', /timeline_limit.*an integer between 1 and 500/],
    ['poll_timeout_ms = 10', /poll_timeout_ms.*an integer between 1000 and 300000/],
    ['max_download_mb = 0', /max_download_mb.*an integer between 1 and 4096/],
    ['device_name = ""', /device_name.*a single line of text/],
    ['device_name = "a\\nb"', /device_name.*a single line of text/],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${line}`, () => {
      assert.throws(() => account(line + '\n'), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    });
  }
});
