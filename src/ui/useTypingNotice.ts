/**
 * Tells the conversation that the user is writing: active while the draft holds text that is not a /command
 * (repeated at most every 3 s, the IRCv3 +typing refresh interval), done when the draft empties (sent or deleted) or
 * the user switches to another conversation.
 */
import { useEffect, useRef } from 'react';
import type { EngineApi } from '../core/engine-api.js';

const REFRESH_MS = 3000;

export function useTypingNotice(engine: EngineApi, conversationId: string | undefined, text: string): void {
  const state = useRef<{ id: string; at: number } | undefined>(undefined);
  const writing = text.trim() !== '' && !text.startsWith('/');
  useEffect(() => {
    const cur = state.current;
    if (cur && (!writing || cur.id !== conversationId)) {
      void engine.dispatch({ type: 'typing', conversationId: cur.id, active: false });
      state.current = undefined;
    }
    if (writing && conversationId) {
      const now = Date.now();
      if (!state.current || now - state.current.at >= REFRESH_MS) {
        state.current = { id: conversationId, at: now };
        void engine.dispatch({ type: 'typing', conversationId, active: true });
      }
    }
  }, [engine, conversationId, writing, text]);
}
