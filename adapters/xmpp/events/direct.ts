/**
 * One-to-one messages (`type="chat"` or `normal`, RFC 6121 §5) into contract messages, shared by live delivery,
 * carbons (XEP-0280) and archive results (XEP-0313).
 *
 * - The conversation is the peer's bare JID; a private message from a room occupant keeps the occupant's full JID.
 * - remoteId: the archive id when the caller knows it (MAM result), else the `<stanza-id>` the own server assigned
 *   (trusted only with `by` = own bare JID, XEP-0359 §5), else the message id.
 * - Own messages (from the own bare JID: sent carbons, archive) are `out` with localId = origin-id, so the engine
 *   matches them to what this session sent.
 * - `/me ` at the start is an action (XEP-0245). Bodies are passed raw: the engine sanitizes.
 */
import type { IncomingMessage } from '../../../src/core/contract.js';
import type { Element } from '@xmpp/xml';
import { bareOf, parseJid } from '../jid.js';
import { delayOf, originIdOf, stanzaIdBy } from '../stanza.js';
import { bodyWithoutFallback, enrichMessage } from './replies.js';
import { attachmentsOf } from './attachments.js';
import type { Session } from './types.js';

export interface DirectOptions {
  archiveId?: string;
  sentAt?: number;
  historical?: boolean;
}

export function directMessage(s: Session, m: Element, o: DirectOptions = {}): IncomingMessage | undefined {
  // OMEMO (omemo/pipeline.ts): the body becomes the plaintext, or a placeholder saying why it could not be.
  const encryption = s.omemo?.decryptIncoming(m, (m.attrs.from ?? s.own).split('/')[0]!);
  // A reply's quote of the message it answers (XEP-0461 fallback) is not part of what the sender wrote.
  const raw = bodyWithoutFallback(m);
  if (raw === undefined) return undefined;
  const from = parseJid(m.attrs.from);
  if (!from) return undefined;
  const to = parseJid(m.attrs.to);
  const fromBare = bareOf(from);
  const out = fromBare === s.own;
  const peerJid = out ? to : from;
  if (!peerJid) return undefined;
  const peerBare = bareOf(peerJid);
  // A private message through a room (XEP-0045 §7.5) belongs to the occupant, not to the room.
  const viaRoom = s.rooms.get(peerBare) !== undefined && peerJid.resource !== '';
  const conversationId = viaRoom ? `${peerBare}/${peerJid.resource}` : peerBare;
  const action = raw.startsWith('/me ');
  const remoteId = o.archiveId ?? stanzaIdBy(m, s.own) ?? m.attrs.id ?? undefined;
  const sentAt = o.sentAt ?? delayOf(m);
  const localId = out ? (originIdOf(m) ?? m.attrs.id) : undefined;
  const msg: IncomingMessage = {
    conversation: { remoteId: conversationId, kind: 'direct', title: viaRoom ? peerJid.resource : peerBare },
    ...(remoteId ? { remoteId } : {}),
    ...(localId ? { localId } : {}),
    senderId: out ? s.own : viaRoom ? conversationId : fromBare,
    senderName: out ? s.own : viaRoom ? peerJid.resource : fromBare,
    direction: out ? 'out' : 'in',
    kind: action ? 'action' : 'text',
    // File links (XEP-0066 OOB, XEP-0447/0385 metadata, bare upload URLs) become attachments (attachments.ts).
    ...attachmentsOf(m, action ? raw.slice(4) : raw),
    ...(sentAt !== undefined ? { sentAt } : {}),
    ...(o.historical ? { historical: true } : {}),
    ...(encryption ? { encryption } : {}),
    ...(m.attrs.id ? { ext: { xmppId: m.attrs.id } } : {}),
  };
  return enrichMessage(s, m, msg, { conversation: conversationId, group: false, ...(out ? {} : { from: m.attrs.from }) });
}
