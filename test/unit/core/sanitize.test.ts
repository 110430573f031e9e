import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSafeForTerminal, sanitizeHref, sanitizeSpans, sanitizeText } from '../../../src/core/sanitize.js';
import type { Span } from '../../../src/core/model.js';
import { mulberry32 } from '../../../src/core/testing/prng.js';

interface Case {
  name: string;
  input: string;
  /** Single-line result (the default mode). */
  line: string;
  /** Multiline result when it differs from `line`. */
  multi?: string;
}

const ESC = '\x1b';

const hostile: Case[] = [
  // CSI
  { name: 'clear screen', input: `hi${ESC}[2Jthere`, line: 'hithere' },
  { name: 'clear + home', input: `${ESC}[2J${ESC}[Hpwned`, line: 'pwned' },
  { name: 'cursor up and erase line', input: `ok${ESC}[1A${ESC}[2Kfake line`, line: 'okfake line' },
  { name: 'cursor position with params', input: `a${ESC}[10;20Hb`, line: 'ab' },
  { name: 'SGR colours', input: `${ESC}[1;31mred${ESC}[0m`, line: 'red' },
  { name: 'private mode: alternate screen off', input: `x${ESC}[?1049ly`, line: 'xy' },
  { name: 'CSI with intermediate byte (DECSCUSR)', input: `a${ESC}[2 qb`, line: 'ab' },
  { name: 'device status report (makes the terminal answer)', input: `${ESC}[6n!`, line: '!' },
  { name: 'truncated CSI at end', input: `tail${ESC}[12;3`, line: 'tail' },
  { name: 'CSI cut by a newline', input: `a${ESC}[2\nJ`, line: 'a ⏎ J', multi: 'a\nJ' },
  { name: 'CSI cut by non-ASCII', input: `a${ESC}[2éb`, line: 'aéb' },
  // 8-bit C1 forms
  { name: '8-bit CSI clear', input: 'x\u009b2Jy', line: 'xy' },
  { name: '8-bit OSC title with 8-bit ST', input: 'a\u009d0;pwned\u009cb', line: 'ab' },
  { name: '8-bit OSC title with BEL', input: 'a\u009d2;pwned\x07b', line: 'ab' },
  { name: '8-bit DCS', input: 'a\u0090qpayload\u009cb', line: 'ab' },
  { name: '8-bit APC', input: 'a\u009fGf=100;AAAA\u009cb', line: 'ab' },
  { name: '8-bit PM', input: 'a\u009eprivacy\u009cb', line: 'ab' },
  { name: '8-bit SOS', input: 'a\u0098start\u009cb', line: 'ab' },
  { name: '8-bit OSC closed by 7-bit ST', input: 'a\u009d0;t\x1b\\b', line: 'ab' },
  { name: 'lone 8-bit ST', input: 'a\u009cb', line: 'a⍰b' },
  { name: 'other C1 (NEL, IND, RI)', input: 'a\u0085b\u0084c\u008dd', line: 'a⍰b⍰c⍰d' },
  // OSC
  { name: 'set title with BEL', input: `before${ESC}]0;pwned\x07after`, line: 'beforeafter' },
  { name: 'set title with ST', input: `before${ESC}]2;pwned${ESC}\\after`, line: 'beforeafter' },
  { name: 'OSC 52 clipboard write', input: `copy me${ESC}]52;c;cm0gLXJmIH4=\x07`, line: 'copy me' },
  { name: 'OSC 52 clipboard read request', input: `${ESC}]52;c;?\x07x`, line: 'x' },
  {
    name: 'OSC 8 hyperlink spoof',
    input: `${ESC}]8;;https://evil.example/${ESC}\\https://bank.example${ESC}]8;;${ESC}\\`,
    line: 'https://bank.example',
  },
  { name: 'OSC 4 palette change', input: `${ESC}]4;1;rgb:ff/ff/ff\x07text`, line: 'text' },
  { name: 'unterminated OSC swallows the rest', input: `visible${ESC}]0;title and more text`, line: 'visible' },
  { name: 'unterminated 8-bit OSC swallows the rest', input: 'visible\u009d0;title and more', line: 'visible' },
  { name: 'OSC interrupted by a new CSI', input: `a${ESC}]0;t${ESC}[2Jb`, line: 'ab' },
  { name: 'OSC body with newlines', input: `a${ESC}]0;x\ny\x07b`, line: 'ab' },
  // DCS / APC / PM / SOS
  { name: 'DCS (DECRQSS)', input: `a${ESC}P$qm${ESC}\\b`, line: 'ab' },
  { name: 'DCS sixel', input: `a${ESC}Pq#0;2;0;0;0#1!6~${ESC}\\b`, line: 'ab' },
  { name: 'unterminated DCS swallows the rest', input: `a${ESC}Pq secret`, line: 'a' },
  { name: 'APC kitty graphics', input: `a${ESC}_Gf=100;AAAA${ESC}\\b`, line: 'ab' },
  { name: 'PM', input: `a${ESC}^private${ESC}\\b`, line: 'ab' },
  { name: 'SOS', input: `a${ESC}Xstring${ESC}\\b`, line: 'ab' },
  // two-character and nF sequences
  { name: 'full reset RIS', input: `a${ESC}cb`, line: 'ab' },
  { name: 'save/restore cursor', input: `a${ESC}7b${ESC}8c`, line: 'abc' },
  { name: 'charset designation', input: `a${ESC}(0lqqk${ESC}(Bb`, line: 'alqqkb' },
  { name: 'DEC screen alignment test', input: `a${ESC}#8b`, line: 'ab' },
  { name: 'truncated nF sequence', input: `a${ESC}(`, line: 'a' },
  { name: 'nF sequence cut by non-ASCII', input: `a${ESC}(ü`, line: 'aü' },
  // nested and truncated
  { name: 'lone ESC at end', input: `end${ESC}`, line: 'end␛' },
  { name: 'ESC ESC [2J', input: `${ESC}${ESC}[2Jz`, line: '␛z' },
  { name: 'ESC before non-ASCII', input: `${ESC}é`, line: '␛é' },
  { name: 'ESC before a control', input: `${ESC}\x07`, line: '␛␇' },
  { name: 'CSI nested in CSI', input: `a${ESC}[1${ESC}[2Jb`, line: 'ab' },
  { name: 'OSC inside DCS', input: `a${ESC}P${ESC}]0;x\x07b`, line: 'ab' },
  { name: 'sequence split by NUL', input: `a${ESC}\x00[2J`, line: 'a␛␀[2J' },
  // C0, DEL and overwrite tricks
  { name: 'NUL', input: 'a\x00b', line: 'a␀b' },
  { name: 'BEL', input: 'ding\x07', line: 'ding␇' },
  { name: 'backspace overwrite', input: 'abc\b\b\bxyz', line: 'abc␈␈␈xyz' },
  { name: 'CR overwrite', input: 'safe\rEVIL', line: 'safeEVIL' },
  { name: 'CRLF', input: 'one\r\ntwo', line: 'one ⏎ two', multi: 'one\ntwo' },
  { name: 'vertical tab and form feed', input: 'a\x0bb\x0cc', line: 'a␋b␌c' },
  { name: 'IRC formatting codes left over', input: '\x02bold\x0f \x034red', line: '␂bold␏ ␃4red' },
  { name: 'SI/SO charset shift', input: 'a\x0eb\x0fc', line: 'a␎b␏c' },
  { name: 'CAN and SUB', input: 'a\x18b\x1ac', line: 'a␘b␚c' },
  { name: 'unit separator', input: 'a\x1fb', line: 'a␟b' },
  { name: 'DEL', input: 'a\x7fb', line: 'a␡b' },
  { name: 'tab', input: 'a\tb', line: 'a    b' },
  { name: 'unicode line/paragraph separators', input: 'a\u2028b\u2029c', line: 'a ⏎ b ⏎ c', multi: 'a\nb\nc' },
  // bidi (Trojan Source, CVE-2021-42574)
  { name: 'RLO reverses a file name', input: 'invoice\u202Efdp.exe', line: 'invoicefdp.exe' },
  { name: 'LRE/RLE/PDF', input: '\u202Aa\u202Bb\u202Cc', line: 'abc' },
  { name: 'LRO', input: 'x\u202Dy', line: 'xy' },
  { name: 'isolates', input: '\u2066a\u2067b\u2068c\u2069', line: 'abc' },
  { name: 'marks LRM RLM ALM', input: 'a\u200Eb\u200Fc\u061Cd', line: 'abcd' },
  {
    name: 'Trojan Source comment trick',
    input: 'if (isAdmin) { \u202E } \u2066// check later\u2069 \u2066 return;',
    line: 'if (isAdmin) {  } // check later  return;',
  },
  // surrogates
  { name: 'lone high surrogate', input: 'a\uD83Db', line: 'a\uFFFDb' },
  { name: 'lone low surrogate', input: 'a\uDE00b', line: 'a\uFFFDb' },
  { name: 'high surrogate at end', input: 'a\uD83D', line: 'a\uFFFD' },
  { name: 'reversed pair', input: '\uDE00\uD83D', line: '\uFFFD\uFFFD' },
];

const benign: string[] = [
  'plain ASCII, punctuation: !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  '日本語のテキスト、中文，한국어',
  'family: 👨‍👩‍👧‍👦 flag: 🇩🇪 skin tone: 👋🏽 keycap: 1️⃣',
  'combining: e\u0301 a\u0308 Z\u0351\u0352\u0353',
  'עברית ומספרים 123',
  'العربية مع نص',
  'zero width joiner\u200Dand non-joiner\u200C',
  'math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 𝟘𝟙𝟚',
  'control pictures themselves: ␀ ␛ ⍰ ⏎',
  '',
];

describe('sanitizeText: hostile input', () => {
  for (const c of hostile) {
    it(c.name, () => {
      const line = sanitizeText(c.input);
      const multi = sanitizeText(c.input, { multiline: true });
      assert.equal(line, c.line);
      assert.equal(multi, c.multi ?? c.line);
      assert.ok(isSafeForTerminal(line), `unsafe: ${JSON.stringify(line)}`);
      assert.ok(isSafeForTerminal(multi), `unsafe: ${JSON.stringify(multi)}`);
      assert.ok(!line.includes('\n'), 'single-line output has no newline');
    });
  }
  it('every hostile input is actually unsafe before sanitizing (the table tests something)', () => {
    const alreadySafe = hostile.filter((c) => isSafeForTerminal(c.input)).map((c) => c.name);
    assert.deepEqual(alreadySafe, []);
  });
});

describe('sanitizeText: ordinary text passes unchanged', () => {
  for (const text of benign) {
    it(JSON.stringify(text).slice(0, 40), () => {
      assert.equal(sanitizeText(text), text);
      assert.equal(sanitizeText(text, { multiline: true }), text);
      assert.ok(isSafeForTerminal(text));
    });
  }
  it('multiline text keeps its lines', () => {
    const text = 'first line\n  indented second\n\nfourth 🎉';
    assert.equal(sanitizeText(text, { multiline: true }), text);
    assert.equal(sanitizeText(text), 'first line ⏎   indented second ⏎  ⏎ fourth 🎉');
  });
});

describe('isSafeForTerminal', () => {
  const table: [string, boolean][] = [
    ['plain', true],
    ['two\nlines', true],
    ['emoji 😀', true],
    ['tab\t', false],
    ['cr\r', false],
    [`esc${ESC}`, false],
    ['del\x7f', false],
    ['c1\u0085', false],
    ['csi\u009b', false],
    ['bidi\u202E', false],
    ['isolate\u2066', false],
    ['lrm\u200E', false],
    ['lone\uD800', false],
    ['lone\uDC00x', false],
    ['line separator\u2028', false],
  ];
  for (const [s, safe] of table) {
    it(`${JSON.stringify(s)} → ${safe}`, () => assert.equal(isSafeForTerminal(s), safe));
  }
});


describe('sanitizeText: random hostile strings (seeded)', () => {
  const alphabet = [
    '\x1b', '\x1b', '\x1b', '[', ']', 'P', '_', '^', 'X', '\\', '\x07', '\x00', '\b', '\r', '\n', '\t', '\x7f',
    '\u009b', '\u009d', '\u0090', '\u009f', '\u009e', '\u0098', '\u009c', '\u0085', '\u202E', '\u2066', '\u200F',
    '\uD83D', '\uDE00', '😀', '日', 'a', 'Z', '0', '9', ';', '?', ' ', '(', '#', 'm', 'J', 'H', '\u2028', '\x18',
  ];
  const random = mulberry32(0x5eed);
  const pick = () => alphabet[Math.floor(random() * alphabet.length)]!;

  it('2,000 random strings all come out safe, and sanitizing is idempotent', () => {
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(random() * 40);
      let s = '';
      for (let k = 0; k < length; k++) s += pick();
      for (const multiline of [false, true]) {
        let out: string;
        try {
          out = sanitizeText(s, { multiline });
        } catch (error) {
          assert.fail(`threw on ${JSON.stringify(s)}: ${String(error)}`);
        }
        assert.ok(isSafeForTerminal(out), `unsafe output ${JSON.stringify(out)} for ${JSON.stringify(s)}`);
        assert.equal(sanitizeText(out, { multiline }), out, `not idempotent for ${JSON.stringify(s)}`);
        if (!multiline) assert.ok(!out.includes('\n'));
      }
    }
  });

  it('random span splits give the same text as sanitizing the whole', () => {
    for (let n = 0; n < 500; n++) {
      const pieces: Span[] = [];
      const count = 1 + Math.floor(random() * 4);
      for (let p = 0; p < count; p++) {
        let text = '';
        const length = Math.floor(random() * 10);
        for (let k = 0; k < length; k++) text += pick();
        pieces.push({ text, bold: p % 2 === 1 });
      }
      const joined = pieces.map((p) => p.text).join('');
      const out = sanitizeSpans(pieces);
      assert.equal(out.map((s) => s.text).join(''), sanitizeText(joined, { multiline: true }), JSON.stringify(pieces));
      for (const s of out) {
        assert.notEqual(s.text, '');
        assert.ok(isSafeForTerminal(s.text), JSON.stringify(s.text));
      }
    }
  });
});

describe('sanitizeSpans', () => {
  it('sanitizes each span and drops spans left empty', () => {
    const spans: Span[] = [
      { text: 'hello ', bold: true },
      { text: `${ESC}[2J` },
      { text: 'world\x07', italic: true },
      { text: '' },
    ];
    assert.deepEqual(sanitizeSpans(spans), [
      { text: 'hello ', bold: true },
      { text: 'world␇', italic: true },
    ]);
  });

  it('removes a sequence that straddles two spans instead of leaving its tail', () => {
    const spans: Span[] = [{ text: `a${ESC}` }, { text: '[2Jb', bold: true }];
    assert.deepEqual(sanitizeSpans(spans), [{ text: 'a' }, { text: 'b', bold: true }]);
  });

  it('keeps a surrogate pair split across spans whole', () => {
    const spans: Span[] = [{ text: 'x\uD83D' }, { text: '\uDE00y', bold: true }];
    assert.deepEqual(sanitizeSpans(spans), [{ text: 'x😀' }, { text: 'y', bold: true }]);
  });

  it('keeps newlines by default and marks them in single-line mode', () => {
    const spans: Span[] = [{ text: 'a\nb' }];
    assert.deepEqual(sanitizeSpans(spans), [{ text: 'a\nb' }]);
    assert.deepEqual(sanitizeSpans(spans, { multiline: false }), [{ text: 'a ⏎ b' }]);
  });

  const hrefs: [string, string | undefined][] = [
    ['https://example.org/a?b=c#d', 'https://example.org/a?b=c#d'],
    ['http://example.org', 'http://example.org'],
    ['HTTPS://EXAMPLE.ORG', 'HTTPS://EXAMPLE.ORG'],
    ['mailto:bob@example.org', 'mailto:bob@example.org'],
    ['xmpp:room@muc.example.org?join', 'xmpp:room@muc.example.org?join'],
    ['irc://irc.example.org/#natter', 'irc://irc.example.org/#natter'],
    ['ircs://irc.example.org:6697/#natter', 'ircs://irc.example.org:6697/#natter'],
    ['geo:52.5,13.4', 'geo:52.5,13.4'],
    ['  https://padded.example  ', 'https://padded.example'],
    ['https://example.org/a b', 'https://example.org/a%20b'],
    [`https://example.org/${ESC}]0;x\x07`, 'https://example.org/%1B]0;x%07'],
    ['https://example.org/\u202Egpj.exe', 'https://example.org/%E2%80%AEgpj.exe'],
    ['https://example.org/ü', 'https://example.org/%C3%BC'],
    ['https://example.org/😀', 'https://example.org/%F0%9F%98%80'],
    ['https://example.org/\uD800', undefined],
    ['javascript:alert(1)', undefined],
    ['JavaScript:alert(1)', undefined],
    ['data:text/html,<script>', undefined],
    ['file:///etc/passwd', undefined],
    ['/relative/path', undefined],
    ['example.org', undefined],
    ['', undefined],
    [`https://example.org/${'a'.repeat(5000)}`, undefined],
  ];
  for (const [href, expected] of hrefs) {
    it(`href ${JSON.stringify(href).slice(0, 50)} → ${String(expected)}`, () => {
      assert.equal(sanitizeHref(href), expected);
      const [span] = sanitizeSpans([{ text: 'link', href }]);
      assert.deepEqual(span, expected === undefined ? { text: 'link' } : { text: 'link', href: expected });
    });
  }

  it('keeps valid colours and drops anything else', () => {
    const spans: Span[] = [
      { text: 'a', fg: '4', bg: '15' },
      { text: 'b', fg: '#ff00AA', bg: '16' },
      { text: 'c', fg: 'red; rm -rf', bg: '#fff' },
    ];
    assert.deepEqual(sanitizeSpans(spans), [
      { text: 'a', fg: '4', bg: '15' },
      { text: 'b', fg: '#ff00AA' },
      { text: 'c' },
    ]);
  });

  it('does not modify its input', () => {
    const spans: Span[] = [{ text: `x${ESC}[1m`, href: 'javascript:x' }];
    const copy = structuredClone(spans);
    sanitizeSpans(spans);
    assert.deepEqual(spans, copy);
  });
});
