/** Namespaces of the rich-messaging extensions (corrections, replies, reactions, retractions, markers). */
export const RICH_NS = {
  /** XEP-0308 Last Message Correction. */
  correct: 'urn:xmpp:message-correct:0',
  /** XEP-0461 Message Replies. */
  reply: 'urn:xmpp:reply:0',
  /** XEP-0428 Fallback Indication. */
  fallback: 'urn:xmpp:fallback:0',
  /** XEP-0444 Message Reactions. */
  reactions: 'urn:xmpp:reactions:0',
  /** XEP-0424 Message Retraction (current, v0.4+) and the older fastening-based form. */
  retract: 'urn:xmpp:message-retract:1',
  retract0: 'urn:xmpp:message-retract:0',
  /** XEP-0425 Moderated Message Retraction (v0.3+) and the older fastening-based form. */
  moderate: 'urn:xmpp:message-moderate:1',
  moderate0: 'urn:xmpp:message-moderate:0',
  /** XEP-0422 Message Fastening (only read, for the old retraction and moderation forms). */
  fasten: 'urn:xmpp:fasten:0',
  /** XEP-0333 Chat Markers. */
  markers: 'urn:xmpp:chat-markers:0',
} as const;

/** Limits on what a peer can make us store or show (hostile input). */
export const RICH_LIMITS = {
  /** Distinct reaction keys taken from one reactions element (XEP-0444 gives no limit; real clients send a few). */
  reactionsPerSender: 20,
  /** Longest reaction key in characters (emoji sequences are short; anything longer is not a reaction). */
  reactionLength: 64,
  /** Longest id attribute we accept as a reference to another message. */
  idLength: 256,
  /** Longest moderation reason kept. */
  reasonLength: 1000,
} as const;
