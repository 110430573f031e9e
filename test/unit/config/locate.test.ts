import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locateKey, type KeyPath } from '../../../src/config/locate.js';

const source = [
  '# top comment', //                                   1
  'title = "x" # trailing', //                           2
  '[ui]', //                                             3
  'timestamps = true', //                                4
  '', //                                                 5
  '[[accounts]]', //                                     6
  'name = "a"', //                                       7
  'motd = """', //                                       8
  'port = 1 (inside a multi-line string)', //            9
  '[[accounts]]', //                                     10
  '"""', //                                              11
  'channels = [', //                                     12
  '  "#one", # comment with ] and ,', //                 13
  '  "#two",', //                                        14
  ']', //                                                15
  '', //                                                 16
  '[[accounts]]', //                                     17
  'name = "b"', //                                       18
  '"quoted.key" = 1', //                                 19
  'tls.ca = "x"', //                                     20
  'inline = { a = 1, b = [1, 2] }', //                   21
  "lit = '''", //                                        22
  "[[accounts]]'''", //                                  23
  'port = 6697', //                                      24
  '[accounts.sub]', //                                   25
  'k = 1', //                                            26
  '[[other]]', //                                        27
  'x = 1', //                                            28
  '[[other]]', //                                        29
  'x = 2', //                                            30
].join('\n');

describe('locateKey', () => {
  const cases: Array<[KeyPath, number | undefined]> = [
    [['title'], 2],
    [['ui'], 3],
    [['ui', 'timestamps'], 4],
    [['ui', 'missing'], 3],
    [['accounts', 0], 6],
    [['accounts', 0, 'name'], 7],
    [['accounts', 0, 'motd'], 8],
    [['accounts', 0, 'port'], 6], // the port inside the string is not a key
    [['accounts', 0, 'channels'], 12],
    [['accounts', 0, 'channels', 0], 13],
    [['accounts', 0, 'channels', 1], 14],
    [['accounts', 1], 17], // the [[accounts]] inside the string is not a header
    [['accounts', 1, 'name'], 18],
    [['accounts', 1, 'quoted.key'], 19],
    [['accounts', 1, 'tls', 'ca'], 20],
    [['accounts', 1, 'tls'], 20],
    [['accounts', 1, 'inline', 'b', 1], 21],
    [['accounts', 1, 'port'], 24],
    [['accounts', 1, 'sub', 'k'], 26],
    [['other', 1, 'x'], 30],
    [['other', 0, 'x'], 28],
    [['accounts', 2], 6], // falls back to the first [[accounts]] header
    [['nothing'], undefined],
  ];
  for (const [path, line] of cases) {
    it(`${JSON.stringify(path)} → ${line}`, () => assert.equal(locateKey(source, path), line));
  }

  it('arrays of inline tables', () => {
    const src = 'accounts = [\n  { name = "a" },\n  { name = "b",\n    port = 1 },\n]\n';
    assert.equal(locateKey(src, ['accounts', 1]), 3);
    assert.equal(locateKey(src, ['accounts', 1, 'port']), 4);
    assert.equal(locateKey(src, ['accounts', 0, 'name']), 2);
  });

  it('CRLF line endings and escaped quotes', () => {
    const src = 'a = "x\\"y"\r\n[t]\r\nb = 1\r\n';
    assert.equal(locateKey(src, ['t', 'b']), 3);
  });
});
