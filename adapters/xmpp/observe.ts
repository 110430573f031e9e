/**
 * Inbound stanzas that concern the account's directory rather than a conversation's timeline, looked at before the
 * stanza handlers of events/ (connection.ts calls {@link observeStanza} first):
 *
 * - presence: caps (XEP-0115, disco.ts) and contact presence for the roster (roster.ts) — observed, then handled
 *   as usual by events/presence.ts;
 * - roster pushes (RFC 6121 §2.1.6) — observed; xmpp.js's IQ callee answers them;
 * - bookmark notifications (XEP-0402) and room invitations or declines (XEP-0249, XEP-0045 §7.8.2) — consumed.
 */
import type { Element } from '@xmpp/xml';
import { onBookmarkPush } from './bookmarks.js';
import { onCapsPresence } from './disco.js';
import { onInvitation } from './invitations.js';
import { onContactPresence, onRosterPush } from './roster.js';
import type { XmppState } from './state.js';

/** True when the stanza was consumed here and must not reach the event handlers. */
export function observeStanza(s: XmppState, el: Element): boolean {
  try {
    if (el.name === 'presence') {
      onCapsPresence(s, el);
      onContactPresence(s, el);
      return false;
    }
    if (el.name === 'iq') {
      onRosterPush(s, el);
      return false;
    }
    // OMEMO device-list notifications (XEP-0163) refresh the pipeline's cache (omemo/pipeline.ts).
    if (el.name === 'message') return onBookmarkPush(s, el) || onInvitation(s, el) || (s.omemo?.onPepEvent(el) ?? false);
  } catch (e) {
    s.log.error('failed to look at a stanza', e);
  }
  return false;
}
