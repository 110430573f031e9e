/** Dispatches every inbound stanza to its family's handler; a handler that throws never takes the connection down. */
import type { Element } from '@xmpp/xml';
import { onMessage } from './message.js';
import { onPresence } from './presence.js';
import type { Session } from './types.js';

export type { Session } from './types.js';

export function dispatch(s: Session, stanza: Element): void {
  try {
    if (stanza.name === 'message') onMessage(s, stanza);
    else if (stanza.name === 'presence') onPresence(s, stanza);
    // IQs are answered by xmpp.js's caller/callee (results, pings; unknown requests get service-unavailable).
  } catch (e) {
    s.log.error('failed to handle a stanza', e);
  }
}
