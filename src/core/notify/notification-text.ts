/**
 * What a notification says. Private notifications (`[notifications] private = true`) never carry the message text:
 * only who wrote (direct messages) or where (channels and groups).
 */
import type { Conversation, Message } from '../model.js';

export interface NotificationText {
  title: string;
  body: string;
}

/** Longest body shown; terminals and notification daemons cut long ones anyway. */
export const BODY_LIMIT = 200;

function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** The title and body for one message; with `privateMode` the body is never derived from the message text. */
export function notificationText(
  m: Pick<Message, 'senderName' | 'kind' | 'body' | 'attachments'>,
  conversation: Pick<Conversation, 'kind' | 'title' | 'remoteId'>,
  privateMode: boolean,
): NotificationText {
  const where = conversation.title || conversation.remoteId;
  const direct = conversation.kind === 'direct';
  if (privateMode) {
    return { title: 'natter', body: direct ? `new message from ${m.senderName}` : `new message in ${where}` };
  }
  const title = direct ? m.senderName : `${m.senderName} in ${where}`;
  const text = m.body.replace(/\s+/g, ' ').trim();
  const shown = text !== '' ? text : m.attachments?.length ? `sent ${m.attachments.length === 1 ? 'a file' : 'files'}` : '';
  return { title, body: clip(m.kind === 'action' ? `* ${m.senderName} ${shown}` : shown, BODY_LIMIT) };
}
