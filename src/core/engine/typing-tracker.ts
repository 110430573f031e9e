/**
 * Who is typing where. A typing notification expires on its own after a few seconds, as IRCv3 `+typing` (6 s)
 * and XEP-0085 paused states expect, so a lost "stopped" notification never leaves a stale indicator.
 */
export class TypingTracker {
  private byConversation = new Map<string, Map<string, number>>();

  constructor(private readonly now: () => number, private readonly ttlMs = 6000) {}

  set(conversationId: string, name: string, active: boolean): void {
    let m = this.byConversation.get(conversationId);
    if (!m) this.byConversation.set(conversationId, (m = new Map()));
    if (active) m.set(name, this.now() + this.ttlMs);
    else m.delete(name);
  }

  /** Someone who sent a message has stopped typing. */
  clear(conversationId: string, name: string): boolean {
    return this.byConversation.get(conversationId)?.delete(name) ?? false;
  }

  names(conversationId: string): string[] {
    const m = this.byConversation.get(conversationId);
    if (!m) return [];
    const now = this.now();
    const out: string[] = [];
    for (const [name, until] of m) {
      if (until > now) out.push(name);
      else m.delete(name);
    }
    return out;
  }
}
