/** What Tab completion offers in a conversation: commands, nicks (recent speakers first), conversation names. */
import type { CompletionSources } from '../core/commands/complete.js';
import { commandNames } from '../core/commands/registry.js';
import type { EngineApi } from '../core/engine-api.js';
import type { Conversation } from '../core/model.js';

/** How many recent messages are scanned for speakers. */
const recentLimit = 50;

export function completionSources(
  engine: EngineApi,
  current: Conversation | undefined,
  conversations: readonly Conversation[],
): CompletionSources {
  const nicks: string[] = [];
  if (current) {
    // Most recent speakers first, the order irssi and weechat offer them in; then the rest of the member list.
    const recent = engine.messages(current.id, { limit: recentLimit });
    for (let i = recent.length - 1; i >= 0; i--) {
      const m = recent[i]!;
      if (m.direction === 'in' && (m.kind === 'text' || m.kind === 'action') && !nicks.includes(m.senderName)) {
        nicks.push(m.senderName);
      }
    }
    for (const p of engine.members(current.id)) if (!nicks.includes(p.name)) nicks.push(p.name);
  }
  const self = current ? engine.selfName(current.id) : undefined;
  return {
    commands: commandNames(),
    nicks: nicks.filter((n) => n !== self),
    conversations: conversations.filter((c) => !current || c.accountId === current.accountId).map((c) => c.remoteId),
  };
}
