/**
 * Small readers over xmpp.js elements shared by the event handlers: timestamps (XEP-0203 / XEP-0082), stable ids
 * (XEP-0359) and stanza errors in plain words. All of them tolerate missing or malformed input.
 */
import type { Element } from '@xmpp/xml';
import { bareJid } from './jid.js';
import { NS } from './ns.js';

/** Server time from a `<delay>` child (XEP-0203), in ms; undefined when absent or not a date. */
export function delayOf(el: Element | undefined): number | undefined {
  const d = el?.getChild('delay', NS.delay);
  const stamp = d?.attrs.stamp;
  if (!stamp) return undefined;
  const t = Date.parse(stamp);
  return Number.isFinite(t) ? t : undefined;
}

/**
 * The `<stanza-id>` (XEP-0359) set by `by`: only the entity that assigned an id may be trusted for it (§5: a client
 * MUST ignore stanza-ids from others, they may be forged by the sender).
 */
export function stanzaIdBy(el: Element, by: string): string | undefined {
  for (const s of el.getChildren('stanza-id', NS.sid)) {
    if (bareJid(s.attrs.by) === by && s.attrs.id) return s.attrs.id;
  }
  return undefined;
}

/** The sender's `<origin-id>` (XEP-0359). */
export function originIdOf(el: Element): string | undefined {
  return el.getChild('origin-id', NS.sid)?.attrs.id || undefined;
}

/** Body text, or undefined when the stanza has none. */
export function bodyOf(el: Element): string | undefined {
  const b = el.getChild('body');
  return b ? b.text() : undefined;
}

/** A stanza error (RFC 6120 §8.3) in plain words: the server's text when it gives one, else the condition. */
export function describeStanzaError(el: Element | undefined): string {
  const err = el?.getChild('error');
  if (!err) return 'the server returned an error';
  const text = err.getChildText('text', NS.stanzas);
  const condition = err.getChildElements().find((c) => c.getNS() === NS.stanzas && c.name !== 'text')?.name;
  const words = condition ? condition.replace(/-/g, ' ') : 'error';
  return text ? `${words}: ${text}` : words;
}

/** Whether an error is temporary (`type="wait"`), i.e. worth trying again later. */
export function isTemporaryError(el: Element | undefined): boolean {
  return el?.getChild('error')?.attrs.type === 'wait';
}
