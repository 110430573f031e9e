/**
 * `m.room.member` state events in the timeline (spec §"m.room.member"): joins, leaves, invitations, kicks, bans and
 * display name changes, as event lines in the conversation and as member list changes.
 */
import type { Participant } from '../../../src/core/model.js';
import { roleOf } from '../roles.js';
import { str, type EventView, type Session } from './types.js';

function describe(ev: EventView, name: (id: string) => string): string | undefined {
  const target = ev.stateKey ?? ev.sender;
  const now = str(ev.content.membership);
  const before = str(ev.prevContent?.membership);
  const who = name(target);
  const by = name(ev.sender);
  const reason = str(ev.content.reason);
  const why = reason ? `: ${reason}` : '';
  switch (now) {
    case 'join':
      if (before === 'join') {
        const was = str(ev.prevContent?.displayname);
        const is = str(ev.content.displayname);
        if (was !== is) return is ? `${was ?? target} is now known as ${is}` : `${was ?? target} removed their display name`;
        return undefined;
      }
      return `${who} joined`;
    case 'invite':
      return `${by} invited ${who}`;
    case 'leave':
      if (ev.sender !== target) return before === 'ban' ? `${by} unbanned ${who}` : `${by} removed ${who}${why}`;
      return before === 'invite' ? `${who} declined the invitation` : `${who} left${why}`;
    case 'ban':
      return `${by} banned ${who}${why}`;
    case 'knock':
      return `${who} asks to join${why}`;
    default:
      return undefined;
  }
}

export function onMember(s: Session, ev: EventView): void {
  const target = ev.stateKey;
  if (!target) return;
  const membership = str(ev.content.membership);
  const name = (id: string) => (id === target ? (str(ev.content.displayname) ?? s.displayName(ev.roomId, id) ?? id) : (s.displayName(ev.roomId, id) ?? id));
  const text = describe(ev, name);
  if (text) {
    s.emit({
      type: 'message',
      message: {
        conversation: s.conversation(ev.roomId),
        remoteId: ev.eventId,
        senderId: ev.sender,
        senderName: name(ev.sender),
        direction: ev.sender === s.own ? 'out' : 'in',
        kind: 'event',
        body: text,
        sentAt: ev.ts,
        encryption: ev.encryption,
        ...(ev.historical ? { historical: true } : {}),
      },
    });
  }
  if (ev.historical) return;
  if (membership === 'join') {
    const p: Participant = { id: target, name: str(ev.content.displayname) ?? target, role: roleOf(s.powerLevel(ev.roomId, target)) };
    s.emit({ type: 'members', conversationRemoteId: ev.roomId, add: [p] });
  } else if (membership === 'leave' || membership === 'ban') {
    s.emit({ type: 'members', conversationRemoteId: ev.roomId, remove: [target] });
  }
}
