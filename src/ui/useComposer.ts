/**
 * Composer state per conversation: the draft (kept when switching away and back), the input history walked with
 * Up/Down at the first/last line, and Tab-completion cycling through `complete()` from the command layer.
 */
import { useCallback, useRef, useState } from 'react';
import { complete, type CompletionSources, type CompletionState } from '../core/commands/complete.js';
import * as ed from './composer-state.js';
import type { EditorState } from './composer-state.js';

const noConversation = '\u0000none';
const historyLimit = 200;

export interface ComposerControls {
  editor: EditorState;
  /** Applies an edit; any edit other than Tab ends a completion cycle and history browsing. */
  edit(fn: (s: EditorState) => EditorState): void;
  historyPrev(): void;
  historyNext(): void;
  complete(sources: CompletionSources, backward?: boolean): boolean;
  /** Records the submitted text in this conversation's history and clears the composer. */
  submitted(text: string): void;
  clear(): void;
}

export function useComposer(conversationId: string | undefined): ComposerControls {
  const key = conversationId ?? noConversation;
  const [editors, setEditors] = useState<ReadonlyMap<string, EditorState>>(new Map());
  const history = useRef(new Map<string, string[]>());
  // Browsing position: index into history (from the end) and the draft that was there before browsing started.
  const browse = useRef<{ key: string; index: number; stash: string } | undefined>(undefined);
  const completion = useRef<CompletionState | undefined>(undefined);
  const editor = editors.get(key) ?? ed.emptyEditor;
  const editorRef = useRef(editor);
  editorRef.current = editor;

  const set = useCallback(
    (next: EditorState) => {
      editorRef.current = next;
      setEditors((m) => new Map(m).set(key, next));
    },
    [key],
  );

  const edit = useCallback(
    (fn: (s: EditorState) => EditorState) => {
      completion.current = undefined;
      browse.current = undefined;
      set(fn(editorRef.current));
    },
    [set],
  );

  const historyPrev = useCallback(() => {
    const cur = editorRef.current;
    if (!ed.isOnFirstLine(cur)) {
      set(ed.verticalMove(cur, -1));
      return;
    }
    const list = history.current.get(key) ?? [];
    const b = browse.current?.key === key ? browse.current : { key, index: 0, stash: cur.text };
    if (b.index >= list.length) return;
    const text = list[list.length - 1 - b.index]!;
    browse.current = { ...b, index: b.index + 1 };
    completion.current = undefined;
    set({ text, cursor: text.length });
  }, [key, set]);

  const historyNext = useCallback(() => {
    const cur = editorRef.current;
    if (!ed.isOnLastLine(cur)) {
      set(ed.verticalMove(cur, 1));
      return;
    }
    const b = browse.current;
    if (!b || b.key !== key || b.index === 0) return;
    const list = history.current.get(key) ?? [];
    const index = b.index - 1;
    const text = index === 0 ? b.stash : list[list.length - index]!;
    browse.current = index === 0 ? undefined : { ...b, index };
    completion.current = undefined;
    set({ text, cursor: text.length });
  }, [key, set]);

  const doComplete = useCallback(
    (sources: CompletionSources, backward = false): boolean => {
      const cur = editorRef.current;
      const r = complete(cur.text, cur.cursor, sources, completion.current, backward);
      if (!r) return false;
      completion.current = r.state;
      set({ text: r.text, cursor: r.cursor });
      return true;
    },
    [set],
  );

  const submitted = useCallback(
    (text: string) => {
      const list = history.current.get(key) ?? [];
      if (list[list.length - 1] !== text) list.push(text);
      if (list.length > historyLimit) list.splice(0, list.length - historyLimit);
      history.current.set(key, list);
      browse.current = undefined;
      completion.current = undefined;
      set(ed.emptyEditor);
    },
    [key, set],
  );

  const clear = useCallback(() => edit(() => ed.emptyEditor), [edit]);

  return { editor, edit, historyPrev, historyNext, complete: doComplete, submitted, clear };
}
