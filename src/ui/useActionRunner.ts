/**
 * Runs actions from the composer and the keys: dispatches them to the engine and turns the result into feedback on
 * the status line, a switch to the conversation the result names, or an overlay (search results, help). Quitting
 * dispatches `quit`, waits a moment for the engine to say goodbye to servers, then exits the Ink app.
 */
import { useCallback, useRef, useState } from 'react';
import { useApp } from 'ink';
import type { Action, ActionResult, HelpEntry } from '../core/actions.js';
import type { StatusMessage } from '../core/engine-api.js';
import type { SearchHit } from '../core/model.js';
import { userMessageOf } from '../core/errors.js';
import { useEngineContext } from './EngineContext.js';

/** How long quitting waits for the engine before the UI exits anyway. */
const quitGraceMs = 3000;

export interface ActionRunner {
  /** The latest feedback for the status line. */
  feedback: StatusMessage | undefined;
  notify(level: StatusMessage['level'], text: string): void;
  /** Shows a result's error or info (for actions the UI sends by itself, like mark-read). */
  showResult(result: ActionResult): void;
  run(action: Action): void;
  quit(action?: Action): Promise<void>;
}

export function useActionRunner(opts: {
  onQuit?: () => void;
  onConversation(id: string): void;
  onSearch(query: string, hits: SearchHit[]): void;
  onHelp(entries?: HelpEntry[]): void;
}): ActionRunner {
  const { engine } = useEngineContext();
  const { exit } = useApp();
  const [feedback, setFeedback] = useState<StatusMessage | undefined>(undefined);
  const quitting = useRef(false);
  const optsRef = useRef(opts);
  optsRef.current = opts;

  const notify = useCallback((level: StatusMessage['level'], text: string) => {
    setFeedback({ level, text, at: Date.now() });
  }, []);

  const showResult = useCallback(
    (r: ActionResult) => {
      if (!r.ok) notify('error', r.error);
      else if (r.info) notify('info', r.info);
    },
    [notify],
  );

  const quit = useCallback(
    async (action: Action = { type: 'quit' }) => {
      if (quitting.current) return;
      quitting.current = true;
      notify('info', 'quitting…');
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          engine.dispatch(action),
          new Promise((resolve) => {
            timer = setTimeout(resolve, quitGraceMs);
          }),
        ]);
      } catch {
        // Quitting goes on whatever the engine says.
      } finally {
        clearTimeout(timer);
      }
      optsRef.current.onQuit?.();
      exit();
    },
    [engine, exit, notify],
  );

  const run = useCallback(
    (action: Action) => {
      if (action.type === 'quit') {
        void quit(action);
        return;
      }
      engine.dispatch(action).then(
        (r) => {
          showResult(r);
          if (!r.ok) return;
          const o = optsRef.current;
          if (r.conversationId) o.onConversation(r.conversationId);
          if (r.search) o.onSearch(action.type === 'search' ? action.query : '', r.search);
          else if (r.help || action.type === 'help') o.onHelp(r.help);
        },
        (e: unknown) => notify('error', userMessageOf(e)),
      );
    },
    [engine, quit, showResult, notify],
  );

  return { feedback, notify, showResult, run, quit };
}
