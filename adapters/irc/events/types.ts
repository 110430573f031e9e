import type { IrcLine, IrcSession } from '../session.js';

/** Handles one inbound command or numeric. Handlers never throw on malformed input: missing params are ignored. */
export type LineHandler = (session: IrcSession, line: IrcLine) => void;
export type HandlerTable = Record<string, LineHandler>;
