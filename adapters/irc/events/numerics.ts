/**
 * Registration numerics, RPL_ISUPPORT, MOTD, errors (4xx/5xx, ERROR, IRCv3 standard replies FAIL/WARN/NOTE), SASL
 * results and everything else that belongs in the server conversation
 * (numerics per https://modern.ircdocs.horse/#numerics).
 */
import type { IrcLine, IrcSession } from '../session.js';
import type { HandlerTable } from './types.js';

/** Numerics that report a failed PRIVMSG/NOTICE to a target: the pending send is rejected. */
const SEND_ERRORS = new Set(['401', '403', '404', '407', '411', '412', '413', '414', '492']);
/** Nick refused while registering: try the next fallback nick. */
const NICK_ERRORS = new Set(['431', '432', '433', '436', '437']);

/** The human text of a numeric: everything after our own nick, the last parameter unprefixed. */
export function numericText(line: IrcLine): string {
  return line.params.slice(1).join(' ');
}

function decodeIsupportValue(v: string): string {
  return v.replace(/\\x([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function onIsupport(s: IrcSession, line: IrcLine): void {
  // <me> TOKEN[=VALUE] … :are supported by this server
  for (const token of line.params.slice(1, -1)) {
    if (!token || token.startsWith('-')) {
      if (token) s.isupport.delete(token.slice(1).toUpperCase());
      continue;
    }
    const eq = token.indexOf('=');
    s.setIsupport(eq === -1 ? token : token.slice(0, eq), eq === -1 ? '' : decodeIsupportValue(token.slice(eq + 1)));
  }
}

function onWelcome(s: IrcSession, line: IrcLine): void {
  const nick = line.params[0];
  if (nick) s.nick = nick;
  s.serverName = line.prefix;
  s.registered = true;
  // "Welcome to the Network nick!user@host": learn our own user@host for the line-length budget.
  const mask = /(\S+)!(\S+)@(\S+)\s*$/.exec(line.params[1] ?? '');
  if (mask) {
    s.user = mask[2];
    s.host = mask[3];
  }
  s.emitServerLine(line, line.params[1] ?? '');
  s.hooks.registered(line);
}

function onSendError(s: IrcSession, line: IrcLine): void {
  const target = line.params[1];
  const text = numericText(line);
  if (s.hooks.sendFailed(s.labelOf(line), target, text)) return;
  s.emit({ type: 'notice', level: 'error', text });
  s.emitServerLine(line, text);
}

function onNickError(s: IrcSession, line: IrcLine): void {
  if (!s.registered) {
    s.hooks.nickRejected(line);
    return;
  }
  const text = numericText(line);
  s.emit({ type: 'notice', level: 'error', text });
  s.emitServerLine(line, text);
}

function onError(s: IrcSession, line: IrcLine): void {
  const text = numericText(line);
  s.emit({ type: 'notice', level: 'error', text });
  s.emitServerLine(line, text);
}

function onStandardReply(level: 'error' | 'warn' | 'info') {
  return (s: IrcSession, line: IrcLine) => {
    // FAIL <command> <code> [<context>…] :<description>
    const [command = '', code = ''] = line.params;
    const description = line.params[line.params.length - 1] ?? '';
    if (level === 'error' && (command === 'PRIVMSG' || command === 'NOTICE') && s.hooks.sendFailed(s.labelOf(line), undefined, description)) return;
    if (level === 'error' && command === 'CHATHISTORY' && s.hooks.historyFailed(s.labelOf(line))) return;
    s.emit({ type: 'notice', level, text: `${command} ${code}: ${description}` });
  };
}

export const numericHandlers: HandlerTable = {
  '001': onWelcome,
  '005': onIsupport,
  // MOTD start/body/end and "no MOTD": the end (or its absence) closes the registration burst.
  '375': (s, line) => s.emitServerLine(line, line.params[1] ?? ''),
  '372': (s, line) => s.emitServerLine(line, line.params[1] ?? ''),
  '376': (s, line) => {
    s.emitServerLine(line, line.params[1] ?? '');
    s.hooks.welcomeDone();
  },
  '422': (s, line) => {
    s.emitServerLine(line, line.params[1] ?? '');
    s.hooks.welcomeDone();
  },
  '464': (s, line) => {
    s.emit({ type: 'notice', level: 'error', text: `the server rejected the password: ${line.params[1] ?? ''}` });
  },
  // SASL (https://ircv3.net/specs/extensions/sasl-3.1): success is only logged, failures are shown.
  '900': (s, line) => s.log.info('logged in', { account: line.params[2] }),
  '903': (s) => s.log.info('SASL authentication succeeded'),
  '902': (s, line) => s.emit({ type: 'notice', level: 'error', text: `SASL login failed: ${line.params[1] ?? ''}` }),
  // 904 ERR_SASLFAIL is what services answer to a wrong account name or password; irc-framework then ends CAP
  // negotiation and registration goes on without an account (no retry: the same password would fail again).
  '904': (s, line) =>
    s.emit({
      type: 'notice',
      level: 'error',
      text: `SASL login as "${s.options.saslUsername ?? ''}" failed: the server rejected the account name or password (check sasl_username and the password); connected without logging in (server said: ${line.params[1] ?? ''})`,
    }),
  '905': (s, line) => s.emit({ type: 'notice', level: 'error', text: `SASL login failed: ${line.params[1] ?? ''}` }),
  '906': (s) => s.log.info('SASL authentication aborted'),
  '907': () => {},
  '908': () => {},
  // Channel mode / creation time replies after JOIN: nothing to show.
  '324': () => {},
  '329': () => {},
  ERROR: (s, line) => {
    const text = line.params[0] ?? 'closing link';
    s.serverError = text;
    if (!s.quitting) s.emit({ type: 'notice', level: 'error', text: `server: ${text}` });
    s.emitServerLine(line, text);
  },
  FAIL: onStandardReply('error'),
  WARN: onStandardReply('warn'),
  NOTE: onStandardReply('info'),
  // RFC 2812 §3.2.7: an invitation to a channel we are not in becomes an invited conversation (/join accepts it,
  // /decline forgets it); with invite-notify we also see invitations of others, which stay out of the list.
  INVITE: (s, line) => {
    const channel = line.params[1];
    if (!channel || !line.nick || !s.isSelf(line.params[0])) return;
    if (!s.channel(channel)) {
      s.emit({ type: 'conversation', conversation: { remoteId: channel, kind: 'channel', title: channel, invitedBy: line.nick } });
    }
    s.emit({ type: 'notice', level: 'info', text: `${line.nick} invites you to ${channel}: /join ${channel} accepts` });
  },
  // Handled by irc-framework (keepalive, capability negotiation, SASL) or by the adapter's own callers.
  PING: () => {},
  PONG: () => {},
  CAP: () => {},
  AUTHENTICATE: () => {},
  ACK: () => {},
};

for (const n of SEND_ERRORS) numericHandlers[n] = onSendError;
for (const n of NICK_ERRORS) numericHandlers[n] = onNickError;

/** Any other numeric: errors become notices, the rest lines in the server conversation. */
export function defaultNumeric(s: IrcSession, line: IrcLine): void {
  const code = Number(line.command);
  if (code >= 400 && code < 600) onError(s, line);
  else s.emitServerLine(line, numericText(line));
}
