/**
 * Multi-User Chat rooms (XEP-0045) this session is in or joining: own nick, join state and the occupants collected
 * from presence. Occupants are reported as participants with the occupant JID (`room@service/nick`) as id.
 */
import type { Participant, Role } from '../../src/core/model.js';

export interface Room {
  /** Bare room JID, folded. */
  jid: string;
  nick: string;
  password?: string;
  /** True once the room sent our own presence (status 110). */
  joined: boolean;
  occupants: Map<string, Participant>;
  /** Our join presence is out and the room has not answered yet (errors then mean the join failed). */
  joining?: boolean;
  /** We sent our unavailable presence and wait for the room to confirm it (XEP-0045 §7.14). */
  leaving?: boolean;
  /** Join again once the pending leave is confirmed (the user left and rejoined quickly). */
  rejoin?: boolean;
  /** Set while a room we just created waits for its unlock (status 201); the join is reported once that is done. */
  unlocking?: object;
}

/**
 * The core role of an occupant from its affiliation and role (XEP-0045 §5): affiliation owner/admin wins, then the
 * moderator role, then membership; visitors are guests.
 */
export function roleOf(affiliation: string | undefined, role: string | undefined): Role {
  if (affiliation === 'owner') return 'owner';
  if (affiliation === 'admin') return 'admin';
  if (role === 'moderator') return 'moderator';
  if (role === 'visitor') return 'guest';
  if (affiliation === 'member') return 'member';
  return role === 'participant' ? 'voice' : 'guest';
}

const badges: Partial<Record<Role, string>> = { owner: '~', admin: '&', moderator: '@', voice: '+' };

export function occupant(room: string, nick: string, affiliation: string | undefined, role: string | undefined, realJid?: string): Participant {
  const r = roleOf(affiliation, role);
  const badge = badges[r];
  return { id: `${room}/${nick}`, name: nick, role: r, ...(badge ? { badge } : {}), ...(realJid ? { account: realJid } : {}) };
}

export class Rooms {
  private readonly rooms = new Map<string, Room>();

  get(jid: string | undefined): Room | undefined {
    return jid === undefined ? undefined : this.rooms.get(jid);
  }

  add(jid: string, nick: string, password?: string): Room {
    const room: Room = { jid, nick, joined: false, occupants: new Map(), ...(password ? { password } : {}) };
    this.rooms.set(jid, room);
    return room;
  }

  delete(jid: string): void {
    this.rooms.delete(jid);
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }

  /** Forget who was in every room (the connection dropped); rooms are joined again on the next connection. */
  resetAll(): void {
    for (const r of [...this.rooms.values()]) {
      if (r.leaving && !r.rejoin) {
        this.rooms.delete(r.jid);
        continue;
      }
      r.leaving = false;
      r.rejoin = false;
      r.joining = false;
      r.joined = false;
      r.unlocking = undefined;
      r.occupants.clear();
    }
  }
}
