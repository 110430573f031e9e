/**
 * What the adapter advertises as its {@link Capabilities}, derived from the enabled caps and ISUPPORT of the current
 * session, and the longest message body that fits one IRC line.
 */
import type { Capabilities, OutgoingMessage } from '../../src/core/contract.js';
import { ctcp } from './ctcp.js';
import type { IrcSession } from './session.js';
import { utf8Length } from './split.js';

const IRC_LINE_BYTES = 512;

/** What any IRC connection offers: plain text only, no server-side features. */
export function baseCapabilities(): Capabilities {
  return {
    edits: false, reactions: false, replies: false, retraction: false, receipts: false, typing: false,
    history: false, e2ee: false, uploads: false, presence: false, threads: false, messageIds: false,
    maxBodyBytes: 350,
  };
}

/** The capabilities of a registered session; `configuredNick` stands in for the session's nick when it has none. */
export function sessionCapabilities(s: IrcSession, configuredNick: string | undefined): Capabilities {
  const history = s.offered.has('draft/chathistory') || s.offered.has('chathistory') || s.isupport.has('CHATHISTORY');
  const channelLen = Math.min(50, Number(s.isupport.get('CHANNELLEN')) || 50);
  const tags = s.caps.has('message-tags');
  return {
    ...baseCapabilities(),
    typing: tags && clientTagAllowed(s, 'typing'),
    // https://ircv3.net/specs/client-tags/reply and …/react: client-only tags, so message-tags carries them.
    replies: tags && clientTagAllowed(s, 'draft/reply'),
    reactions: tags && clientTagAllowed(s, 'draft/react') && clientTagAllowed(s, 'draft/reply'),
    history,
    presence: s.caps.has('away-notify'),
    messageIds: s.caps.has('message-tags'),
    maxBodyBytes: maxBody(s, configuredNick, '#'.padEnd(channelLen, 'x'), 'text'),
  };
}

/**
 * Whether the server lets client-only tag `+name` through: ISUPPORT CLIENTTAGDENY
 * (https://ircv3.net/specs/extensions/message-tags#rpl_isupport-tokens) lists denied names, `*` denies all but the
 * `-name` exceptions.
 */
export function clientTagAllowed(s: IrcSession, name: string): boolean {
  const deny = (s.isupport.get('CLIENTTAGDENY') ?? '').split(',');
  return !(deny.includes(name) || (deny.includes('*') && !deny.includes(`-${name}`)));
}

/**
 * Longest body for one line to `target`: 512 bytes minus CRLF, the prefix the server prepends when relaying
 * (`:nick!user@host `), the command and target, and the CTCP wrapper for actions.
 */
export function maxBody(
  s: IrcSession | undefined,
  configuredNick: string | undefined,
  target: string,
  kind: OutgoingMessage['kind'],
): number {
  const nick = s?.nick ?? configuredNick ?? '';
  const userLen = Number(s?.isupport.get('USERLEN')) || 10;
  const hostLen = Number(s?.isupport.get('HOSTLEN')) || 63;
  const user = s?.user ?? 'x'.repeat(userLen + 1);
  const host = s?.host ?? 'x'.repeat(hostLen);
  const prefix = utf8Length(`:${nick}!${user}@${host} `);
  const command = utf8Length(`${kind === 'notice' ? 'NOTICE' : 'PRIVMSG'} ${target} :`);
  const wrapper = kind === 'action' ? utf8Length(ctcp('ACTION', ' ')) - 1 : 0;
  // ISUPPORT LINELEN (https://modern.ircdocs.horse/#linelen-parameter) may raise the 512-byte default.
  const lineLen = Math.max(IRC_LINE_BYTES, Number(s?.isupport.get('LINELEN')) || IRC_LINE_BYTES);
  return lineLen - 2 - prefix - command - wrapper;
}
