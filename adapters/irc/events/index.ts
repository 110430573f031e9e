/** Routes each inbound line to its event family's handler; nothing a server sends can throw out of here. */
import type { IrcLine, IrcSession } from '../session.js';
import { awayHandlers } from './away.js';
import { batchHandlers } from './batch.js';
import { membershipHandlers } from './membership.js';
import { messageHandlers } from './message.js';
import { modeHandlers } from './mode.js';
import { namesHandlers } from './names.js';
import { nickHandlers } from './nick.js';
import { defaultNumeric, numericHandlers } from './numerics.js';
import { topicHandlers } from './topic.js';
import type { HandlerTable } from './types.js';
import { typingHandlers } from './typing.js';

const table: HandlerTable = {
  ...numericHandlers,
  ...messageHandlers,
  ...membershipHandlers,
  ...nickHandlers,
  ...topicHandlers,
  ...namesHandlers,
  ...modeHandlers,
  ...batchHandlers,
  ...awayHandlers,
  ...typingHandlers,
};

export function dispatch(session: IrcSession, line: IrcLine): void {
  try {
    const handler = table[line.command];
    if (handler) handler(session, line);
    else if (/^\d{3}$/.test(line.command)) defaultNumeric(session, line);
    else session.log.debug('unhandled command', { command: line.command.slice(0, 32) });
  } catch (e) {
    session.log.error(`failed to handle ${line.command.slice(0, 32)}`, e);
  }
}
