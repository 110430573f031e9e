/** Matrix HTML formatted bodies to spans (adapters/matrix/html.ts), table-driven, hostile input included. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEntities, htmlToSpans, stripReplyFallback } from '../../../adapters/matrix/html.js';

test('styles nest and merge; the spans join to the body', () => {
  const f = htmlToSpans('<b>a<i>b</i></b><i>c</i> <del>d</del><u>e</u>');
  assert.deepEqual(f.spans, [
    { text: 'a', bold: true },
    { text: 'b', bold: true, italic: true },
    { text: 'c', italic: true },
    { text: ' ' },
    { text: 'd', strike: true },
    { text: 'e', underline: true },
  ]);
  assert.equal(f.body, 'abc de');
});

test('blocks, line breaks, lists, quotes and preformatted code keep their layout', () => {
  assert.equal(htmlToSpans('<p>one</p><p>two<br>three</p>').body, 'one\ntwo\nthree');
  assert.equal(htmlToSpans('<ul><li>x</li><li>y</li></ul>').body, '• x\n• y');
  assert.equal(htmlToSpans('<ol start="3"><li>x</li><li>y</li></ol>').body, '3. x\n4. y');
  assert.equal(htmlToSpans('<blockquote>quoted<br>twice</blockquote>after').body, '> quoted\n> twice\nafter');
  const pre = htmlToSpans('<pre><code>a  b\n  c</code></pre>');
  assert.equal(pre.body, 'a  b\n  c');
  assert.ok(pre.spans.every((s) => s.code));
  assert.equal(htmlToSpans('a   \n  b').body, 'a b', 'whitespace collapses outside pre');
});

test('links: http(s) and mailto keep their target, other schemes do not; user pills are reported', () => {
  const f = htmlToSpans('<a href="https://x.org/a?b=1&amp;c=2">x</a><a href="javascript:alert(1)">j</a><a href="data:text/html,hi">d</a><a href="https://matrix.to/#/%40bob%3Ahs.test">Bob</a>');
  assert.deepEqual(f.spans[0], { text: 'x', href: 'https://x.org/a?b=1&c=2' });
  assert.ok(f.spans.slice(1).every((s) => s.href === undefined));
  assert.deepEqual(f.pills, ['@bob:hs.test']);
});

test('dropped elements and their content: script, style, mx-reply (nested too); comments; unknown tags keep text', () => {
  assert.equal(htmlToSpans('<script>evil()</script><style>*{}</style>ok').body, 'ok');
  assert.equal(htmlToSpans('<mx-reply><blockquote><mx-reply>x</mx-reply>y</blockquote></mx-reply>answer').body, 'answer');
  assert.equal(htmlToSpans('a<!-- hidden -->b<!-- unterminated').body, 'ab');
  assert.equal(htmlToSpans('<marquee>moving</marquee> <blink>x</blink>').body, 'moving x');
  assert.equal(htmlToSpans('</b>stray close<b>unclosed').body, 'stray closeunclosed');
  assert.equal(htmlToSpans('a < b > c').body, 'a < b > c', 'a lone < is text');
  assert.equal(htmlToSpans('<img src="mxc://x/y" alt="cat">').body, 'cat');
});

test('entities: named, decimal and hex; invalid code points become U+FFFD', () => {
  assert.equal(decodeEntities('&lt;&amp;&gt;&quot;&#39;&#x1F600;&#65;'), '<&>"\'😀A');
  assert.equal(decodeEntities('&#0;&#xD800;&#x110000;'), '\ufffd\ufffd\ufffd');
  assert.equal(decodeEntities('&unknown; &amp'), '&unknown; &amp');
});

test('colours only as #rrggbb', () => {
  const f = htmlToSpans('<font color="#AbCdEf">a</font><span data-mx-color="red" data-mx-bg-color="#000000">b</span>');
  assert.deepEqual(f.spans, [{ text: 'a', fg: '#abcdef' }, { text: 'b', bg: '#000000' }]);
});

test('reply fallbacks are stripped from plain bodies only when well-formed', () => {
  assert.equal(stripReplyFallback('> <@a:b> hi\n> more\n\nanswer\nline'), 'answer\nline');
  assert.equal(stripReplyFallback('> not a fallback'), '> not a fallback');
  assert.equal(stripReplyFallback('plain'), 'plain');
});
