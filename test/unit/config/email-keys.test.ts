// The email account keys the adapter reads (adapters/email/options.ts): defaults, explicit values, and refusals in
// plain words.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readOptions } from '../../../adapters/email/options.js';
import { ConfigError } from '../../../src/core/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { writeConfig } from './helpers.js';

const HEAD = '[[accounts]]\nname = "mail"\nprotocol = "email"\naddress = "alice@example.org"\n';
const account = (extra: string) => loadConfig(writeConfig(HEAD + extra), { required: true }).accounts[0]!.settings;

describe('email account keys', () => {
  it('defaults', () => {
    const a = account('');
    assert.equal(a.poll_interval_ms, 60000);
    assert.equal(a.classic_mail_from_contacts, false);
    assert.equal(a.max_message_bytes, 50 * 1024 * 1024);
    assert.equal(a.connect_timeout_ms, 20000);
    assert.equal(a.display_name, undefined);
  });

  it('explicit values are kept and reach the adapter options', () => {
    const a = account(
      'display_name = "Alice Example"\npoll_interval_ms = 5000\nclassic_mail_from_contacts = true\nmax_message_bytes = 1048576\nconnect_timeout_ms = 3000\n',
    );
    assert.deepEqual(
      [a.display_name, a.poll_interval_ms, a.classic_mail_from_contacts, a.max_message_bytes, a.connect_timeout_ms],
      ['Alice Example', 5000, true, 1048576, 3000],
    );
    const o = readOptions(a);
    assert.deepEqual(
      [o.displayName, o.pollIntervalMs, o.classicFromContacts, o.maxMessageBytes, o.connectTimeoutMs],
      ['Alice Example', 5000, true, 1048576, 3000],
    );
  });

  const bad: Array<[string, RegExp]> = [
    ['poll_interval_ms = 10', /poll_interval_ms.*an integer between 1000 and 86400000/],
    ['poll_interval_ms = 1.5', /poll_interval_ms.*an integer between/],
    ['classic_mail_from_contacts = "yes"', /classic_mail_from_contacts.*true or false/],
    ['max_message_bytes = 0', /max_message_bytes.*an integer between 1024 and 4294967296/],
    ['connect_timeout_ms = 999999999', /connect_timeout_ms.*an integer between 1000 and 300000/],
    ['display_name = ""', /display_name.*a single line of text/],
    ['display_name = "a\\nb"', /display_name.*a single line of text/],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${line}`, () => {
      assert.throws(() => account(line + '\n'), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    });
  }
});
