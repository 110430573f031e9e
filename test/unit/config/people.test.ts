import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { writeConfig } from './helpers.js';

test('[[people]] reads a name and addresses per network (one or a list); irc must be "account/nick"', () => {
  assert.deepEqual(loadConfig(writeConfig('')).people, []);
  const config = loadConfig(
    writeConfig('[[people]]\nname = "Bob"\nxmpp = "bob@x.example"\nmatrix = ["!dm:hs", "@bob:hs"]\nirc = "libera/bob"\n[[people]]\nname = "Ann"\nemail = "ann@mail.example"\n'),
  );
  assert.deepEqual(config.people, [
    { name: 'Bob', xmpp: ['bob@x.example'], matrix: ['!dm:hs', '@bob:hs'], irc: ['libera/bob'] },
    { name: 'Ann', email: ['ann@mail.example'] },
  ]);
  assert.throws(() => loadConfig(writeConfig('[[people]]\nname = "Bob"\nirc = "bob"\n')), /irc.*account\/nick/s);
  assert.throws(() => loadConfig(writeConfig('[[people]]\nname = "Bob"\nxmmp = "b@x"\n')), /did you mean 'xmpp'/);
  assert.throws(() => loadConfig(writeConfig('[[people]]\nxmpp = "b@x"\n')), /name/);
});
