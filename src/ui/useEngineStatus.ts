/** The engine's current status line message and who is typing in a conversation. */
import type { Participant } from '../core/model.js';
import type { StatusMessage } from '../core/engine-api.js';
import { useSyncExternalStore } from 'react';
import { useEngineContext } from './EngineContext.js';
import { useEngineValue } from './useEngineValue.js';

export function useEngineStatus(): StatusMessage | undefined {
  return useEngineValue(['status'], (e) => e.status());
}

const none: string[] = [];

/** Display names typing in the conversation right now; re-read only when its typing set changed. */
export function useEngineTyping(conversationId: string | undefined): string[] {
  return useEngineValue(conversationId ? [`typing:${conversationId}`] : [], (e) =>
    conversationId ? e.typing(conversationId) : none,
  );
}

const noMembers: Participant[] = [];

/** The member list of the conversation, re-read when the engine reports member changes there. */
export function useEngineMembers(conversationId: string | undefined, enabled: boolean): Participant[] {
  return useEngineValue(conversationId && enabled ? [`members:${conversationId}`] : [], (e) =>
    conversationId && enabled ? e.members(conversationId) : noMembers,
  );
}

/** A counter that moves whenever the conversation's timeline changed (messages added, edited, removed). */
export function useTimelineVersion(conversationId: string | undefined): number {
  const { view } = useEngineContext();
  const get = (): number => (conversationId ? view.version(`timeline:${conversationId}`) : 0);
  return useSyncExternalStore(view.subscribe, get, get);
}
