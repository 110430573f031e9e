/**
 * Outgoing typing notifications (https://ircv3.net/specs/client-tags/typing): `+typing=active` at most every 3 s per
 * conversation while the user types, `+typing=done` once when they stop.
 */

export class TypingNotifier {
  /** When we last sent +typing=active, per folded conversation. */
  private readonly sent = new Map<string, number>();

  /** The TAGMSG line to send for this change of state in conversation `key` (folded) at `now`, if any. */
  update(key: string, target: string, active: boolean, now: number): string | undefined {
    const last = this.sent.get(key);
    if (active) {
      if (last !== undefined && now - last < 3000) return undefined;
      this.sent.set(key, now);
      return `@+typing=active TAGMSG ${target}`;
    }
    if (last === undefined) return undefined;
    this.sent.delete(key);
    return `@+typing=done TAGMSG ${target}`;
  }

  /** Forgets every conversation (the connection closed: the server has dropped our typing state). */
  clear(): void {
    this.sent.clear();
  }
}
