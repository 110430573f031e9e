/** XML namespaces the adapter speaks, with the specification each comes from. */
export const NS = {
  client: 'jabber:client',
  /** XEP-0280 Message Carbons. */
  carbons: 'urn:xmpp:carbons:2',
  /** XEP-0297 Stanza Forwarding. */
  forward: 'urn:xmpp:forward:0',
  /** XEP-0203 Delayed Delivery. */
  delay: 'urn:xmpp:delay',
  /** XEP-0359 Unique and Stable Stanza IDs. */
  sid: 'urn:xmpp:sid:0',
  /** XEP-0184 Message Delivery Receipts. */
  receipts: 'urn:xmpp:receipts',
  /** XEP-0313 Message Archive Management. */
  mam: 'urn:xmpp:mam:2',
  /** XEP-0059 Result Set Management. */
  rsm: 'http://jabber.org/protocol/rsm',
  /** XEP-0004 Data Forms. */
  data: 'jabber:x:data',
  /** XEP-0045 Multi-User Chat. */
  muc: 'http://jabber.org/protocol/muc',
  mucUser: 'http://jabber.org/protocol/muc#user',
  mucOwner: 'http://jabber.org/protocol/muc#owner',
  /** XEP-0085 Chat State Notifications. */
  chatStates: 'http://jabber.org/protocol/chatstates',
  /** XEP-0334 Message Processing Hints. */
  hints: 'urn:xmpp:hints',
  /** RFC 6120 stanza errors. */
  stanzas: 'urn:ietf:params:xml:ns:xmpp-stanzas',
} as const;
