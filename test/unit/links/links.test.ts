// URL extraction from message bodies (including hostile URLs), link spans, OSC 8 safety and terminal detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findUrls, hrefFor, isOsc8Safe, linkifySpans, osc8Open } from '../../../src/ui/links.js';
import { detectHyperlinks, hyperlinksEnabled } from '../../../src/ui/hyperlink-support.js';
import { messageLines } from '../../../src/ui/message-lines.js';
import type { Message } from '../../../src/core/model.js';

test('URLs in prose: sentence punctuation and unbalanced brackets stay outside, balanced ones inside', () => {
  const cases: Array<[string, string[]]> = [
    ['see https://example.org/a.', ['https://example.org/a']],
    ['(https://example.org/x_(y)) and www.natter.dev, ok?', ['https://example.org/x_(y)', 'www.natter.dev']],
    ['mail mailto:bob@example.org! or xmpp:room@muc.example?join', ['mailto:bob@example.org', 'xmpp:room@muc.example?join']],
    ['<https://a.example/p?q=1&r=2>', ['https://a.example/p?q=1&r=2']],
    ['no links here: http: alone, javascript:alert(1), file:///etc/passwd', []],
    ['"https://q.example/"quoted', ['https://q.example/']],
  ];
  for (const [text, urls] of cases) assert.deepEqual(findUrls(text).map((u) => u.url), urls, text);
});

test('hostile URLs: controls end the URL, unsafe schemes get no link, non-ASCII is percent-encoded', () => {
  assert.deepEqual(findUrls('https://a.example/\x1b]8;;https://evil\x07x').map((u) => u.url), ['https://a.example/', 'https://evil']);
  assert.deepEqual(findUrls('https://a.example/\u009bq').map((u) => u.url), ['https://a.example/']);
  assert.equal(hrefFor('javascript:alert(1)'), undefined);
  assert.equal(hrefFor('www.example.org'), 'https://www.example.org');
  assert.equal(hrefFor('https://bücher.example/ü'), 'https://b%C3%BCcher.example/%C3%BC');
  // A link span from an adapter with a hostile target is never written into OSC 8.
  for (const bad of ['https://x/\x1b\\', 'https://x/\x07', 'https://x/ y', 'https://x/\u009c', '', 'h'.repeat(5000)]) {
    assert.equal(isOsc8Safe(bad), false, JSON.stringify(bad));
    assert.equal(osc8Open(bad), undefined);
  }
  assert.equal(osc8Open('https://x.org/a?b=c'), '\x1b]8;;https://x.org/a?b=c\x1b\\');
});

test('linkifySpans splits plain spans at URLs, keeps styles and existing hrefs, never changes the text', () => {
  const spans = linkifySpans([
    { text: 'go https://a.example/x now', bold: true },
    { text: 'label', href: 'https://given.example/' },
  ]);
  assert.deepEqual(spans, [
    { text: 'go ', bold: true },
    { text: 'https://a.example/x', bold: true, href: 'https://a.example/x' },
    { text: ' now', bold: true },
    { text: 'label', href: 'https://given.example/' },
  ]);
  assert.deepEqual(linkifySpans([{ text: 'plain' }]), [{ text: 'plain' }]);
});

test('timeline rows of a body with a plain URL carry the link span', () => {
  const m: Message = {
    id: 'm1', seq: 1, accountId: 'a', conversationId: 'c', senderId: 'bob', senderName: 'bob', direction: 'in',
    kind: 'text', body: 'read https://natter.example/docs please', sentAt: 0, receivedAt: 0, retracted: false,
    encryption: { scheme: 'none' }, mentionsMe: false, reactions: [],
  };
  const link = messageLines(m, 80).flat().find((s) => s.href !== undefined);
  assert.deepEqual(link && { text: link.text, href: link.href }, { text: 'https://natter.example/docs', href: 'https://natter.example/docs' });
});

test('hyperlink detection is conservative; the setting overrides it', () => {
  assert.equal(detectHyperlinks({ TERM: 'xterm-256color' }), false);
  assert.equal(detectHyperlinks({ TERM: 'xterm-kitty' }), true);
  assert.equal(detectHyperlinks({ TERM: 'xterm-256color', VTE_VERSION: '7200' }), true);
  assert.equal(detectHyperlinks({ TERM: 'xterm-256color', VTE_VERSION: '4800' }), false);
  assert.equal(detectHyperlinks({ TERM_PROGRAM: 'WezTerm', TERM: 'xterm-256color' }), true);
  assert.equal(detectHyperlinks({ TERM_PROGRAM: 'iTerm.app', TERM_PROGRAM_VERSION: '3.0.15' }), false);
  assert.equal(detectHyperlinks({ TERM_PROGRAM: 'iTerm.app', TERM_PROGRAM_VERSION: '3.5.0' }), true);
  assert.equal(detectHyperlinks({ TERM: 'screen-256color', KITTY_WINDOW_ID: '1', TMUX: '/tmp/x' }), false);
  assert.equal(hyperlinksEnabled(true, { TERM: 'dumb' }), true);
  assert.equal(hyperlinksEnabled(false, { TERM: 'xterm-kitty' }), false);
  assert.equal(hyperlinksEnabled('auto', { TERM: 'xterm-kitty' }), true);
  assert.equal(hyperlinksEnabled(undefined, { TERM: 'linux' }), false);
});
