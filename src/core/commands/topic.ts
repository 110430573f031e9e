import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';

/** `/topic [text]`: without text show the focused channel's topic, with text set it. */
export const topic: CommandDef = {
  name: 'topic',
  aliases: [],
  usage: '/topic [text]',
  summary: 'Show the channel topic, or set it',
  parse(args, ctx) {
    const conversationId = ctx.conversationId;
    const kind = ctx.conversationKind;
    if (conversationId === undefined || (kind !== undefined && kind !== 'channel' && kind !== 'group')) {
      throw new CommandError(`/topic works in a channel: ${topic.usage}`);
    }
    const text = args.trim();
    return text === '' ? { type: 'topic', conversationId } : { type: 'topic', conversationId, topic: text };
  },
};
