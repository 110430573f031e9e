/**
 * CTCP (https://modern.ircdocs.horse/ctcp): a PRIVMSG/NOTICE body wrapped in 0x01. The final 0x01 is optional in
 * practice. ACTION (/me) is the only one shown as a message; VERSION may be answered; everything else is ignored.
 */
export interface Ctcp {
  command: string;
  args: string;
}

/** Parses a CTCP body, or undefined when the text is not CTCP. */
export function parseCtcp(text: string): Ctcp | undefined {
  if (text.length < 2 || text[0] !== '\x01') return undefined;
  const inner = text.endsWith('\x01') ? text.slice(1, -1) : text.slice(1);
  const space = inner.indexOf(' ');
  const command = (space === -1 ? inner : inner.slice(0, space)).toUpperCase();
  if (!command) return undefined;
  return { command, args: space === -1 ? '' : inner.slice(space + 1) };
}

/** Wraps a CTCP command for sending. */
export function ctcp(command: string, args?: string): string {
  return `\x01${command}${args ? ` ${args}` : ''}\x01`;
}
