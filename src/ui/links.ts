/**
 * Links in message text: plain URLs found in bodies become link spans, and link spans become OSC 8 hyperlinks
 * (`ESC ] 8 ; ; url ST text ESC ] 8 ; ; ST`, https://gist.github.com/egmontkob/eb114294efbcd5adb1944c9f3cb5feda)
 * on terminals that support them. A target that is not plain printable ASCII is never written inside OSC 8: a
 * control character there would end the sequence early and let the rest of the "URL" act on the terminal.
 */
import { sanitizeHref } from '../core/sanitize.js';
import type { Span } from '../core/model.js';

/**
 * URLs in running text: a scheme natter links (see ALLOWED_HREF_SCHEMES) or `www.`, up to white space or a character
 * that cannot be part of a URL in prose (<>"` and C0/C1 controls).
 */
// eslint-disable-next-line no-control-regex -- controls end a URL; they are matched here only to stop at them
const URL_RE = /\b(?:(?:https?|ircs?|xmpp|mailto|geo):|www\.)[^\s<>"`\u0000-\u001f\u007f-\u009f]+/giu;

/** Punctuation that ends a sentence rather than the URL ("see https://x.org/a."), and unbalanced closing brackets. */
function trimTrailing(url: string): string {
  let u = url;
  for (;;) {
    const last = u.at(-1);
    if (last === undefined) return u;
    if ('.,;:!?\'*'.includes(last)) {
      u = u.slice(0, -1);
      continue;
    }
    const open = { ')': '(', ']': '[', '}': '{' }[last];
    if (open !== undefined && u.split(open).length <= u.split(last).length - 1) {
      u = u.slice(0, -1);
      continue;
    }
    return u;
  }
}

/** The URLs in a text, in order, as written (trailing sentence punctuation left out). */
export function findUrls(text: string): Array<{ index: number; url: string }> {
  const out: Array<{ index: number; url: string }> = [];
  for (const m of text.matchAll(URL_RE)) {
    const url = trimTrailing(m[0]);
    if (url.length > 0 && !/^(?:[a-z]+:|www\.)$/i.test(url)) out.push({ index: m.index, url });
  }
  return out;
}

/** The link target for a URL as written: `www.` gets `https://`; undefined when the URL is not safe to link. */
export function hrefFor(url: string): string | undefined {
  return sanitizeHref(/^www\./i.test(url) ? `https://${url}` : url);
}

/**
 * Splits spans without a link target at the URLs in their text, giving each URL its own span with `href` (and the
 * span's other styles). Spans that already carry an href are kept as they are; the joined text never changes.
 */
export function linkifySpans<S extends Span>(spans: readonly S[]): S[] {
  const out: S[] = [];
  for (const s of spans) {
    if (s.href !== undefined) {
      out.push(s);
      continue;
    }
    let at = 0;
    for (const { index, url } of findUrls(s.text)) {
      const href = hrefFor(url);
      if (href === undefined) continue;
      if (index > at) out.push({ ...s, text: s.text.slice(at, index) });
      out.push({ ...s, text: url, href });
      at = index + url.length;
    }
    if (at === 0) out.push(s);
    else if (at < s.text.length) out.push({ ...s, text: s.text.slice(at) });
  }
  return out;
}

/** Whether a target may go inside OSC 8: printable ASCII only (no ESC, BEL, C1, space), bounded length. */
export function isOsc8Safe(href: string): boolean {
  return href.length > 0 && href.length <= 4096 && /^[\x21-\x7e]+$/.test(href);
}

/** OSC 8 opening a hyperlink to `href` (ST-terminated); undefined when the target is not safe to write. */
export function osc8Open(href: string): string | undefined {
  return isOsc8Safe(href) ? `\x1b]8;;${href}\x1b\\` : undefined;
}

/** OSC 8 closing the current hyperlink. */
export const OSC8_CLOSE = '\x1b]8;;\x1b\\';
