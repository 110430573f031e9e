/** Conversation rows for the sidebar and the switcher; re-read when any conversation row or the list changed. */
import type { Conversation } from '../core/model.js';
import { useEngineContext } from './EngineContext.js';
import { useEngineValue } from './useEngineValue.js';

export function useEngineConversations(): Conversation[] {
  const { view } = useEngineContext();
  // EngineView keeps the list and patches only the rows a ChangeSet names; the snapshot changes with it.
  return useEngineValue(['conversations'], () => view.conversations());
}

/** One conversation's row (title, topic, unread, lastReadSeq); re-read only when that row changed. */
export function useEngineConversation(id: string | undefined): Conversation | undefined {
  return useEngineValue(id ? [`conversation:${id}`] : [], (e) => (id ? e.conversation(id) : undefined));
}
