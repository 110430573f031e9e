/**
 * Which messages notify (headless, pure): live incoming messages only — never history, never the user's own, never
 * for the conversation on screen while the terminal has focus — filtered by do-not-disturb and the notification level
 * (conversation `/notify` level, else the account's `notify`, else `[notifications] level`). Keyword matches count as
 * mentions, for the level and for highlighting.
 */
import { mentions } from '../engine/mentions.js';
import type { Conversation, Message } from '../model.js';

/** Every live message, only mentions (direct messages and keyword matches count), or nothing. */
export type NotifyLevel = 'all' | 'mentions' | 'none';
export const NOTIFY_LEVEL_NAMES: readonly NotifyLevel[] = ['all', 'mentions', 'none'];

/** The key of a conversation's `ext` that holds its `/notify` level. */
export const CONVERSATION_NOTIFY_KEY = 'notify';

/**
 * A message counts as live when it reached us within this long of its server time and we are looking at it within
 * this long of its arrival: history pages, bouncer playback and catch-up after a reconnect carry older server times.
 */
export const LIVE_WINDOW_MS = 2 * 60 * 1000;

export interface NotifyRules {
  level: NotifyLevel;
  keywords: readonly string[];
  dnd: boolean;
}

export interface NotifyCandidate {
  message: Pick<Message, 'direction' | 'kind' | 'body' | 'mentionsMe' | 'sentAt' | 'receivedAt' | 'retracted'>;
  conversation: Pick<Conversation, 'kind' | 'ext'>;
  /** The account's `notify` level, when its config sets one. */
  accountLevel?: NotifyLevel;
  /** The conversation is the one on screen and the terminal has focus (the user sees the message already). */
  onScreen: boolean;
  /** The clock now (ms since the epoch). */
  now: number;
}

export type NotifyReason =
  | 'historical'
  | 'own'
  | 'not-a-message'
  | 'retracted'
  | 'dnd'
  | 'on-screen'
  | 'level-none'
  | 'not-a-mention'
  | 'notify';

export interface NotifyDecision {
  notify: boolean;
  /** Why (for tests and the debug log). */
  reason: NotifyReason;
  /** The message mentions the user or matches a keyword (highlighted whether or not it notifies). */
  mention: boolean;
  level: NotifyLevel;
}

/** Whether a body contains one of the keywords as a whole word (case-insensitive, the same rule as nick mentions). */
export function matchesKeyword(body: string, keywords: readonly string[]): boolean {
  return keywords.some((k) => k.trim() !== '' && mentions(body, k.trim()));
}

/** The conversation's own `/notify` level, if one is stored in its ext. */
export function conversationLevel(conversation: Pick<Conversation, 'ext'>): NotifyLevel | undefined {
  const v = conversation.ext?.[CONVERSATION_NOTIFY_KEY];
  return typeof v === 'string' && (NOTIFY_LEVEL_NAMES as readonly string[]).includes(v) ? (v as NotifyLevel) : undefined;
}

/** Whether a stored message arrived live (see {@link LIVE_WINDOW_MS}). */
export function isLive(m: Pick<Message, 'sentAt' | 'receivedAt'>, now: number): boolean {
  return m.receivedAt - m.sentAt <= LIVE_WINDOW_MS && now - m.receivedAt <= LIVE_WINDOW_MS;
}

/** Decides whether one stored message notifies; the rules are checked in the order of {@link NotifyReason}. */
export function decideNotification(c: NotifyCandidate, rules: NotifyRules): NotifyDecision {
  const m = c.message;
  const level = conversationLevel(c.conversation) ?? c.accountLevel ?? rules.level;
  const mention = m.direction === 'in' && (m.mentionsMe || matchesKeyword(m.body, rules.keywords));
  const no = (reason: NotifyReason): NotifyDecision => ({ notify: false, reason, mention, level });
  if (!isLive(m, c.now)) return no('historical');
  if (m.direction !== 'in') return no('own');
  if (m.kind === 'event' || m.kind === 'system' || c.conversation.kind === 'server') return no('not-a-message');
  if (m.retracted) return no('retracted');
  if (rules.dnd) return no('dnd');
  if (c.onScreen) return no('on-screen');
  if (level === 'none') return no('level-none');
  // A direct message is addressed to the user, so it counts as a mention.
  if (level === 'mentions' && !mention && c.conversation.kind !== 'direct') return no('not-a-mention');
  return { notify: true, reason: 'notify', mention, level };
}
