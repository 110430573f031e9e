/**
 * Building outgoing lines: cleaning arguments so none can smuggle a second command, batching JOINs, and the shape of
 * the adapter's flood-controlled line writer.
 */
import type { ChannelSpec } from './options.js';
import { utf8Length } from './split.js';

/** Queues one line behind the flood bucket; `onWritten` fires once it is handed to the socket. */
export type WriteLine = (
  line: string,
  cbs?: { onWritten?: () => void; onDropped?: () => void; priority?: boolean },
) => void;

/** Strips CR/LF/NUL so that no argument can smuggle a second command onto the wire. */
export const clean = (s: string) => s.replace(/[\r\n\0]+/g, ' ');

/** JOINs several channels per line (keyed ones first, as RFC 2812 §3.2.1 pairs keys with the leading channels). */
export function joinLines(channels: ChannelSpec[]): string[] {
  const lines: string[] = [];
  const keyed = channels.filter((c) => c.key);
  const open = channels.filter((c) => !c.key);
  let names: string[] = [];
  let keys: string[] = [];
  const flush = () => {
    if (names.length) lines.push(`JOIN ${names.join(',')}${keys.length ? ` ${keys.join(',')}` : ''}`);
    names = [];
    keys = [];
  };
  for (const group of [keyed, open]) {
    for (const c of group) {
      if (names.length && utf8Length(names.join(',') + keys.join(',')) + c.name.length + (c.key?.length ?? 0) > 400) flush();
      names.push(clean(c.name));
      if (c.key) keys.push(clean(c.key));
    }
    flush();
  }
  return lines;
}

/**
 * Escapes a message tag value (https://ircv3.net/specs/extensions/message-tags#escaping-values): semicolon,
 * backslash, space, CR and LF become the two-character escapes the spec lists; NUL is dropped.
 */
export function tagValue(value: string): string {
  return value.replace(/[\\; \r\n\0]/g, (c) =>
    c === '\\' ? '\\\\' : c === ';' ? '\\:' : c === ' ' ? '\\s' : c === '\r' ? '\\r' : c === '\n' ? '\\n' : '',
  );
}
