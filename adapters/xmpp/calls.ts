/**
 * Declining an incoming call (Jingle Message Initiation, XEP-0353): `/reject-call` (also `/decline-call`) in the
 * direct conversation of a ringing call sends `<reject id>` with the Jingle reason `<decline/>` (XEP-0166 §7.4) to the
 * caller's full JID, and a copy to the own bare JID so our other devices stop ringing (XEP-0353 §3.3). Both carry a
 * store hint (XEP-0334) so the archive keeps the outcome of the call.
 */
import { randomUUID } from 'node:crypto';
import xml from '@xmpp/xml';
import { CommandError } from '../../src/core/errors.js';
import { callLine, NS_JMI, ringingCallFrom } from './events/jingle-message.js';
import { bareJid } from './jid.js';
import { NS } from './ns.js';
import type { XmppState } from './state.js';

const NS_JINGLE = 'urn:xmpp:jingle:1';
/** Protocol commands handled here (names as typed, lower case). */
export const CALL_COMMANDS = ['reject-call', 'decline-call'] as const;

/**
 * Declines the newest ringing call from the contact `conversationRemoteId`; false when none rings there. Throws
 * CommandError while offline. Adapter.declineInvite may call this first so that `/decline` refuses a call too.
 */
export function declineCall(s: XmppState, conversationRemoteId: string | undefined): boolean {
  const peer = bareJid(conversationRemoteId);
  const session = s.session;
  if (!peer || !session) return false;
  const call = ringingCallFrom(session, peer);
  if (!call) return false;
  const conn = s.conn;
  if (!conn?.online || conn.closed) throw new CommandError('not connected to the XMPP server');
  const reject = () =>
    xml('reject', { xmlns: NS_JMI, id: call.sid }, xml('reason', { xmlns: NS_JINGLE }, xml('decline'), xml('text', {}, 'declined from a terminal client without calls')));
  s.write(xml('message', { type: 'chat', to: call.peerFull, id: randomUUID() }, reject(), xml('store', { xmlns: NS.hints })), conn);
  s.write(xml('message', { type: 'chat', to: session.own, id: randomUUID() }, reject(), xml('store', { xmlns: NS.hints })), conn);
  call.state = 'ended';
  s.emit({ type: 'message', message: callLine(session, peer, call.sid, 'end', `you declined the call from ${peer}`, { out: true, sentAt: Date.now() }) });
  return true;
}

/** `/reject-call`: declines the ringing call of the current direct conversation, or says why it cannot. */
export function runCallCommand(s: XmppState, conversationRemoteId: string | undefined): void {
  if (!conversationRemoteId) throw new CommandError('/reject-call works in the conversation of the contact who is calling');
  if (!declineCall(s, conversationRemoteId)) throw new CommandError(`no call from ${bareJid(conversationRemoteId) ?? conversationRemoteId} is ringing`);
}
