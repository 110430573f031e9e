/**
 * Chat State Notifications (XEP-0085): `<composing/>` shows the sender as typing; `<paused/>`, `<active/>`,
 * `<inactive/>` and `<gone/>` end it. Only live messages count (never carbons of our own, archive results or delayed
 * history). The typing sender is named as the engine shows names: the bare JID in one-to-one chat, the nick in rooms.
 */
import type { Element } from '@xmpp/xml';
import { NS } from '../ns.js';
import type { Session } from './types.js';

const STATES = ['composing', 'paused', 'active', 'inactive', 'gone'] as const;

/** The chat state carried by `m`, if any. */
export function chatStateOf(m: Element): (typeof STATES)[number] | undefined {
  for (const el of m.getChildElements()) {
    if (el.getNS() === NS.chatStates && (STATES as readonly string[]).includes(el.name)) return el.name as (typeof STATES)[number];
  }
  return undefined;
}

/** Emits a typing change for `sender` in `conversation` when `m` carries a chat state. */
export function onChatState(s: Session, m: Element, conversation: string, sender: string): void {
  const state = chatStateOf(m);
  if (!state) return;
  s.emit({ type: 'typing', conversationRemoteId: conversation, senderId: sender, active: state === 'composing' });
}
