/** IRCv3 away-notify (https://ircv3.net/specs/extensions/away-notify): AWAY with a reason = away, without = back. */
import type { HandlerTable } from './types.js';

export const awayHandlers: HandlerTable = {
  AWAY: (s, line) => {
    if (!line.nick) return;
    const reason = line.params[0];
    s.emit(reason ? { type: 'presence', senderId: line.nick, away: true, status: reason } : { type: 'presence', senderId: line.nick, away: false });
  },
  // RPL_UNAWAY / RPL_NOWAWAY: our own away state.
  '305': (s, line) => s.emit({ type: 'notice', level: 'info', text: line.params[1] ?? 'You are no longer marked as away' }),
  '306': (s, line) => s.emit({ type: 'notice', level: 'info', text: line.params[1] ?? 'You have been marked as away' }),
  // CHGHOST / SETNAME (IRCv3): nothing in the model shows user@host or realname yet.
  CHGHOST: (s, line) => s.log.debug('chghost', { nick: line.nick, user: line.params[0], host: line.params[1] }),
  SETNAME: (s, line) => s.log.debug('setname', { nick: line.nick }),
  ACCOUNT: (s, line) => s.log.debug('account', { nick: line.nick, account: line.params[0] }),
};
