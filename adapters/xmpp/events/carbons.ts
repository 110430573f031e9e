/**
 * Message Carbons (XEP-0280): copies of messages this account's other sessions sent (`<sent>`) or received
 * (`<received>`). A carbon is only genuine when it comes from the own bare JID (§11: anything else is a spoofing
 * attempt, a real past vulnerability in other clients) and is ignored otherwise.
 */
import type { Element } from '@xmpp/xml';
import { bareJid } from '../jid.js';
import { NS } from '../ns.js';
import { directMessage } from './direct.js';
import { onReceipt } from './receipts.js';
import { onRichCarbon } from './rich.js';
import { onJingleMessage } from './jingle-message.js';
import type { Session } from './types.js';

/** True when `m` was a carbon (handled or rejected), false when it is not one. */
export function onCarbon(s: Session, m: Element): boolean {
  const wrapper = m.getChild('sent', NS.carbons) ?? m.getChild('received', NS.carbons);
  if (!wrapper) return false;
  // A missing 'from' means the own account's server on behalf of the account: that is the own bare JID.
  const from = m.attrs.from === undefined ? s.own : bareJid(m.attrs.from);
  if (from !== s.own) {
    s.log.warn('ignored a carbon not sent by the own account', { from: m.attrs.from });
    return true;
  }
  const inner = wrapper.getChild('forwarded', NS.forward)?.getChild('message');
  if (!inner) return true;
  const type = inner.attrs.type ?? 'normal';
  if (type === 'groupchat' || type === 'error') return true;
  // Another device of ours answered or declined a call (XEP-0353).
  if (onJingleMessage(s, inner)) return true;
  if (wrapper.name === 'received') onReceipt(s, inner);
  if (onRichCarbon(s, inner, wrapper.name === 'sent')) return true;
  const msg = directMessage(s, inner);
  if (!msg) return true;
  // A sent carbon must be from us and a received one to us; the other way round is nonsense from a broken server.
  if ((wrapper.name === 'sent') !== (msg.direction === 'out')) {
    s.log.warn('ignored a carbon whose direction does not match', { kind: wrapper.name });
    return true;
  }
  s.emit({ type: 'message', message: msg });
  return true;
}
