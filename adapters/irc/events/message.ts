/**
 * PRIVMSG / NOTICE (RFC 2812 §3.3) with CTCP ACTION (/me), CTCP VERSION (answered only with ctcp_version), IRCv3
 * echo-message (own lines confirm pending sends) and server notices (to the server conversation).
 */
import type { IncomingMessage } from '../../../src/core/contract.js';
import { ctcp, parseCtcp } from '../ctcp.js';
import { parseFormatting } from '../formatting.js';
import { SERVER_CONVERSATION, type IrcLine, type IrcSession } from '../session.js';
import type { HandlerTable } from './types.js';

const VERSION = 'natter (terminal messenger, irc-framework 4)';

/** A prefix without `!user@host` that looks like a host name is a server, not a user. */
export function fromServer(session: IrcSession, line: IrcLine): boolean {
  if (!line.prefix) return true;
  if (line.prefix.includes('!')) return false;
  return line.prefix.includes('.') || line.prefix === session.serverName || !session.registered;
}

function onMessage(s: IrcSession, line: IrcLine): void {
  const command = line.command as 'PRIVMSG' | 'NOTICE';
  const rawTarget = line.params[0];
  const text = line.params[1] ?? '';
  if (!rawTarget) return;
  const target = s.stripStatus(rawTarget);
  const isNotice = command === 'NOTICE';

  if (fromServer(s, line)) {
    s.emitServerLine(line, text);
    return;
  }

  let kind: IncomingMessage['kind'] = isNotice ? 'notice' : 'text';
  let body = text;
  const c = parseCtcp(text);
  if (c) {
    if (isNotice) {
      s.log.debug('ignored a CTCP reply', { from: line.nick, command: c.command });
      return;
    }
    if (c.command === 'ACTION') {
      kind = 'action';
      body = c.args;
    } else {
      if (c.command === 'VERSION' && s.options.ctcpVersion && !s.isSelf(line.nick)) {
        s.hooks.write(`NOTICE ${line.nick} :${ctcp('VERSION', VERSION)}`);
      } else {
        s.log.debug('ignored a CTCP request', { from: line.nick, command: c.command });
      }
      return;
    }
  }

  const self = s.isSelf(line.nick);
  if (self && s.caps.has('echo-message') && s.hooks.echo(line, s.labelOf(line), text)) return;

  const channel = s.isChannel(target);
  const conversation = channel
    ? s.channelConversation(target)
    : { remoteId: self ? target : line.nick, kind: 'direct' as const, title: self ? target : line.nick };
  const { plain, spans } = parseFormatting(body);
  const message: IncomingMessage = {
    conversation,
    ...s.messageBase(line),
    senderId: line.nick,
    senderName: line.nick,
    direction: self ? 'out' : 'in',
    kind,
    body: plain,
  };
  if (spans) message.spans = spans;
  // https://ircv3.net/specs/client-tags/reply: the msgid of the message this one answers.
  const replyTo = line.tags['+draft/reply'];
  if (replyTo) message.replyTo = replyTo;
  s.emitMessage(line, message);
}

/** Server notices before registration often target `*` or `AUTH`. */
function onNoticeEarly(s: IrcSession, line: IrcLine): void {
  if (!s.registered && fromServer(s, line)) {
    s.emitServerLine(line, line.params[1] ?? '');
    return;
  }
  onMessage(s, line);
}

export const messageHandlers: HandlerTable = {
  PRIVMSG: onMessage,
  NOTICE: onNoticeEarly,
};

export { SERVER_CONVERSATION };
