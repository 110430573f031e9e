/**
 * Matrix formatted bodies (`format: org.matrix.custom.html`, client-server spec §"m.room.message msgtypes") to
 * terminal {@link Span}s. Only the spec's recommended tag subset means anything; every other tag is ignored (its
 * text kept), and `script`, `style`, `head`, `title` and `mx-reply` (the reply fallback) are dropped with their
 * content. Links keep an `href` only for http(s) and mailto; `matrix.to` links to users are pills, reported so the
 * adapter can tell mentions. The text of the spans joined is the message body. Escape sequences or controls in
 * the text are left for the engine's sanitizer, which every span passes before it is stored.
 */
import type { Span } from '../../src/core/model.js';

export interface Formatted {
  body: string;
  spans: Span[];
  /** User ids named by user pills (`https://matrix.to/#/@user:server`). */
  pills: string[];
}

type Style = Omit<Span, 'text'>;

const DROP = new Set(['script', 'style', 'head', 'title', 'mx-reply', 'template', 'iframe', 'object']);
const BLOCK = new Set(['p', 'div', 'blockquote', 'pre', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'tr', 'hr', 'details', 'summary']);
const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'wbr', 'col', 'area', 'base', 'source', 'track', 'embed']);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes HTML character references; invalid code points become U+FFFD. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|[a-zA-Z]{2,8});/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? whole;
    const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    if (!Number.isFinite(cp) || cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
    return String.fromCodePoint(cp);
  });
}

function attrsOf(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  for (const m of raw.matchAll(re)) out.set(m[1]!.toLowerCase(), decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  return out;
}

const COLOR = /^#[0-9a-fA-F]{6}$/;
/** `https://matrix.to/#/@user:server` (optionally with a query) names a user. */
const PILL = /^https:\/\/matrix\.to\/#\/(@[^/?#]+)/;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function safeHref(href: string): string | undefined {
  return /^(https?:|mailto:)/i.test(href.trim()) ? href.trim() : undefined;
}

interface Frame {
  tag: string;
  style: Style;
}

/** Converts an HTML formatted body to spans (see the module comment for what is kept). */
export function htmlToSpans(html: string): Formatted {
  const spans: Span[] = [];
  const pills: string[] = [];
  const stack: Frame[] = [{ tag: '', style: {} }];
  let dropDepth = 0;
  let dropTag = '';
  let pre = 0;
  let quote = 0;
  const lists: Array<{ ordered: boolean; n: number }> = [];
  let out = '';
  const atLineStart = () => out.length === 0 || out.endsWith('\n');

  const push = (text: string, style: Style) => {
    if (!text) return;
    if (quote > 0 && atLineStart()) {
      const prefix = '> '.repeat(quote);
      spans.push({ text: prefix });
      out += prefix;
    }
    const last = spans[spans.length - 1];
    if (last && sameStyle(last, style)) last.text += text;
    else spans.push({ text, ...style });
    out += text;
  };
  const newline = () => {
    if (!atLineStart()) push('\n', {});
  };
  const current = () => stack[stack.length - 1]!.style;

  const re = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<|[^<]+/g;
  for (const m of html.matchAll(re)) {
    const token = m[0];
    if (token.startsWith('<!--')) continue;
    const tag = m[2]?.toLowerCase();
    if (tag === undefined) {
      if (dropDepth > 0) continue;
      let text = decodeEntities(token);
      if (pre === 0) {
        text = text.replace(/[ \t\r\n\f]+/g, ' ');
        if (atLineStart()) text = text.replace(/^ /, '');
      }
      push(text, current());
      continue;
    }
    const closing = m[1] === '/';
    if (dropDepth > 0) {
      if (tag === dropTag) dropDepth += closing ? -1 : 1;
      continue;
    }
    if (!closing && DROP.has(tag)) {
      dropDepth = 1;
      dropTag = tag;
      continue;
    }
    if (closing) {
      const at = stack.map((f) => f.tag).lastIndexOf(tag);
      if (at <= 0) continue;
      stack.length = at;
      if (tag === 'pre') pre = Math.max(0, pre - 1);
      if (tag === 'blockquote') {
        newline();
        quote = Math.max(0, quote - 1);
      }
      if (tag === 'ul' || tag === 'ol') lists.pop();
      if (BLOCK.has(tag)) newline();
      continue;
    }
    const attrs = attrsOf(m[3] ?? '');
    if (tag === 'br') {
      push('\n', {});
      continue;
    }
    if (tag === 'img') {
      push(attrs.get('alt') || attrs.get('title') || '[image]', current());
      continue;
    }
    if (BLOCK.has(tag)) newline();
    if (tag === 'hr') {
      push('───', {});
      newline();
      continue;
    }
    if (VOID.has(tag)) continue;
    const style: Style = { ...current() };
    switch (tag) {
      case 'b':
      case 'strong':
      case 'h1':
      case 'h2':
      case 'h3':
      case 'h4':
      case 'h5':
      case 'h6':
        style.bold = true;
        break;
      case 'i':
      case 'em':
        style.italic = true;
        break;
      case 'u':
        style.underline = true;
        break;
      case 's':
      case 'del':
      case 'strike':
        style.strike = true;
        break;
      case 'code':
      case 'pre':
        style.code = true;
        if (tag === 'pre') pre++;
        break;
      case 'blockquote':
        quote++;
        break;
      case 'ul':
      case 'ol':
        lists.push({ ordered: tag === 'ol', n: Number(attrs.get('start')) || 1 });
        break;
      case 'li': {
        const list = lists[lists.length - 1];
        push(list?.ordered ? `${list.n++}. ` : '• ', {});
        break;
      }
      case 'a': {
        const href = attrs.get('href') ?? '';
        const pill = PILL.exec(safeDecode(href));
        if (pill) {
          pills.push(pill[1]!);
          style.bold = true;
        } else {
          const safe = safeHref(href);
          if (safe) style.href = safe;
        }
        break;
      }
      case 'font':
      case 'span': {
        const fg = attrs.get('data-mx-color') ?? attrs.get('color');
        const bg = attrs.get('data-mx-bg-color');
        if (fg && COLOR.test(fg)) style.fg = fg.toLowerCase();
        if (bg && COLOR.test(bg)) style.bg = bg.toLowerCase();
        break;
      }
    }
    stack.push({ tag, style });
  }
  // Trailing and leading line breaks of block elements are layout, not text.
  while (spans.length && /^\n+$/.test(spans[spans.length - 1]!.text)) spans.pop();
  const last = spans[spans.length - 1];
  if (last) last.text = last.text.replace(/\s+$/, '');
  while (spans.length && spans[spans.length - 1]!.text === '') spans.pop();
  const body = spans.map((s) => s.text).join('');
  return { body, spans: spans.filter((s) => s.text !== ''), pills };
}

function sameStyle(a: Span, b: Style): boolean {
  return (
    !!a.bold === !!b.bold &&
    !!a.italic === !!b.italic &&
    !!a.underline === !!b.underline &&
    !!a.strike === !!b.strike &&
    !!a.code === !!b.code &&
    a.fg === b.fg &&
    a.bg === b.bg &&
    a.href === b.href
  );
}

/**
 * Removes the reply fallback from a plain body: leading `> ` lines followed by an empty line (spec §"Fallbacks for
 * rich replies", removed from the spec in v1.13 but still sent by older clients).
 */
export function stripReplyFallback(body: string): string {
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith('>')) i++;
  if (i === 0 || lines[i] !== '') return body;
  return lines.slice(i + 1).join('\n');
}
