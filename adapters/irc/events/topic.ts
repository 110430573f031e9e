/** TOPIC changes and RPL_TOPIC (332) / RPL_NOTOPIC (331) replies (RFC 2812 §3.2.4). */
import type { IrcLine, IrcSession } from '../session.js';
import type { HandlerTable } from './types.js';

function setTopic(s: IrcSession, name: string, topic: string): void {
  const ch = s.channel(name);
  if (ch) ch.topic = topic;
  s.emit({ type: 'conversation', conversation: s.channelConversation(name, { topic }) });
}

function onTopic(s: IrcSession, line: IrcLine): void {
  const [name, topic = ''] = line.params;
  if (!name) return;
  setTopic(s, name, topic);
  const actor = line.nick || line.prefix;
  const body = topic ? `${actor} changed the topic to: ${topic}` : `${actor} cleared the topic`;
  s.emitEvent(line, name, actor, body, 'topic', { topic });
}

export const topicHandlers: HandlerTable = {
  TOPIC: onTopic,
  // RPL_TOPIC: <me> <channel> :<topic>
  '332': (s, line) => {
    const [, name, topic = ''] = line.params;
    if (name) setTopic(s, name, topic);
  },
  // RPL_NOTOPIC: <me> <channel> :No topic is set
  '331': (s, line) => {
    const name = line.params[1];
    if (name) setTopic(s, name, '');
  },
  // RPL_TOPICWHOTIME: nothing to show beyond the topic itself.
  '333': () => {},
};
