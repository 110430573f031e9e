/**
 * The whole screen: sidebar | header, timeline (or an overlay), composer; status bar below. Owns the view state
 * (selection, overlay, feedback) and routes every key press through the keymap table to one handler per command.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, usePaste, useWindowSize } from 'ink';
import type { Action, ActionResult } from '../core/actions.js';
import type { StatusMessage } from '../core/engine-api.js';
import type { Message } from '../core/model.js';
import { userMessageOf } from '../core/errors.js';
import { parseInput } from '../core/commands/parse-input.js';
import { fuzzyFilter } from '../core/commands/fuzzy.js';
import { commandNames, helpEntries } from '../core/commands/registry.js';
import { Composer, composerHeight } from './Composer.js';
import * as ed from './composer-state.js';
import { useEngineContext } from './EngineContext.js';
import { Header } from './Header.js';
import { HelpOverlay, helpLines, helpRows } from './HelpOverlay.js';
import { fromInkAll, type KeyPress } from './key-press.js';
import { resolveBinding, type KeyCommand } from './keymap.js';
import { overlayBodyRows } from './OverlayFrame.js';
import { SearchOverlay } from './SearchOverlay.js';
import { Sidebar } from './Sidebar.js';
import { sidebarEntries } from './sidebar-order.js';
import { StatusBar } from './StatusBar.js';
import { Switcher } from './Switcher.js';
import type { SideKeys } from './terminal-input.js';
import type { DisplayOptions } from './time-format.js';
import { Timeline } from './Timeline.js';
import { useComposer } from './useComposer.js';
import { useEngineAccounts } from './useEngineAccounts.js';
import { useEngineConversation, useEngineConversations } from './useEngineConversations.js';
import { useEngineStatus, useEngineTyping } from './useEngineStatus.js';
import { useTimelineWindow } from './useTimelineWindow.js';
import type { HelpEntry } from '../core/actions.js';
import type { SearchHit } from '../core/model.js';

type Overlay =
  | { kind: 'none' }
  | { kind: 'switcher'; query: string; index: number }
  | { kind: 'help'; offset: number; entries?: HelpEntry[] }
  | { kind: 'search'; query: string; hits: SearchHit[]; index: number };

const none: Overlay = { kind: 'none' };
const sidebarWidthFull = 24;
const prompt = '› ';
/** How long quitting waits for the engine to say goodbye to servers before the UI exits anyway. */
const quitGraceMs = 3000;

export interface ScreenProps {
  sideKeys?: SideKeys;
  display: DisplayOptions;
  showHelp: boolean;
  onQuit?: () => void;
}

export function Screen({ sideKeys, display, showHelp, onQuit }: ScreenProps) {
  const { engine } = useEngineContext();
  const { exit } = useApp();
  const { columns, rows } = useWindowSize();
  const accounts = useEngineAccounts();
  const conversations = useEngineConversations();
  const entries = useMemo(() => sidebarEntries(accounts, conversations), [accounts, conversations]);
  const ordered = useMemo(
    () => entries.flatMap((e) => (e.type === 'conversation' ? [e.conversation] : [])),
    [entries],
  );
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  const selected = ordered.find((c) => c.id === selectedId) ?? ordered[0];
  const convId = selected?.id;
  const conversation = useEngineConversation(convId) ?? selected;
  const typing = useEngineTyping(convId);
  const engineStatus = useEngineStatus();
  const [feedback, setFeedback] = useState<StatusMessage | undefined>(undefined);
  const [overlay, setOverlay] = useState<Overlay>(showHelp ? { kind: 'help', offset: 0 } : none);
  const [expandEvents, setExpandEvents] = useState(!display.collapseJoins);
  const [pendingJump, setPendingJump] = useState<Message | undefined>(undefined);
  const composer = useComposer(convId);
  const quitting = useRef(false);

  // Layout: everything is derived from the window size on each render, so a resize simply re-lays out.
  const sidebarWidth = columns >= 60 ? sidebarWidthFull : 0;
  const mainWidth = Math.max(10, columns - sidebarWidth - (sidebarWidth ? 1 : 0));
  const bodyHeight = Math.max(3, rows - 1);
  const composerMax = Math.max(1, Math.min(5, Math.floor(rows / 4)));
  const composerRows = composerHeight(composer.editor, mainWidth, prompt, composerMax);
  const timelineHeight = Math.max(1, bodyHeight - 1 - composerRows);

  const showResult = useCallback((r: ActionResult) => {
    if (!r.ok) setFeedback({ level: 'error', text: r.error, at: Date.now() });
    else if (r.info) setFeedback({ level: 'info', text: r.info, at: Date.now() });
  }, []);

  const timeline = useTimelineWindow(convId, mainWidth, timelineHeight, { expandEvents, display, onResult: showResult });

  useEffect(() => {
    if (pendingJump && convId === pendingJump.conversationId) {
      timeline.jumpTo(pendingJump);
      setPendingJump(undefined);
    }
  }, [pendingJump, convId, timeline]);

  const select = useCallback((id: string | undefined) => {
    if (id) setSelectedId(id);
  }, []);

  const quit = useCallback(
    async (action: Action = { type: 'quit' }) => {
      if (quitting.current) return;
      quitting.current = true;
      setFeedback({ level: 'info', text: 'quitting…', at: Date.now() });
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
      onQuit?.();
      exit();
    },
    [engine, exit, onQuit],
  );

  const handleResult = useCallback(
    (action: Action, r: ActionResult) => {
      showResult(r);
      if (!r.ok) return;
      if (r.conversationId) setSelectedId(r.conversationId);
      if (r.search) {
        setOverlay({ kind: 'search', query: action.type === 'search' ? action.query : '', hits: r.search, index: 0 });
      } else if (r.help || action.type === 'help') {
        setOverlay({ kind: 'help', offset: 0, entries: r.help });
      }
    },
    [showResult],
  );

  const run = useCallback(
    (action: Action) => {
      if (action.type === 'quit') {
        void quit(action);
        return;
      }
      engine.dispatch(action).then(
        (r) => handleResult(action, r),
        (e: unknown) => showResult({ ok: false, error: userMessageOf(e) }),
      );
    },
    [engine, quit, handleResult, showResult],
  );

  const submit = (): void => {
    const text = composer.editor.text;
    if (text.trim() === '') return;
    let action: Action;
    try {
      action = parseInput(text, {
        accountId: selected?.accountId ?? (accounts.length === 1 ? accounts[0]!.id : undefined),
        conversationId: selected?.id,
        conversationRemoteId: selected?.remoteId,
        conversationKind: selected?.kind,
        accounts: accounts.map((a) => a.id),
      });
    } catch (e) {
      setFeedback({ level: 'error', text: userMessageOf(e), at: Date.now() });
      return;
    }
    composer.submitted(text);
    run(action);
  };

  /** Nicks for Tab: the most recent speakers first (as irssi and weechat offer them), then the member list. */
  const completionSources = () => {
    const nicks: string[] = [];
    if (convId) {
      const recent = engine.messages(convId, { limit: 50 });
      for (let i = recent.length - 1; i >= 0; i--) {
        const m = recent[i]!;
        if (m.direction === 'in' && (m.kind === 'text' || m.kind === 'action') && !nicks.includes(m.senderName)) {
          nicks.push(m.senderName);
        }
      }
      for (const p of engine.members(convId)) if (!nicks.includes(p.name)) nicks.push(p.name);
    }
    const self = convId ? engine.selfName(convId) : undefined;
    return {
      commands: commandNames(),
      nicks: nicks.filter((n) => n !== self),
      conversations: conversations.filter((c) => !selected || c.accountId === selected.accountId).map((c) => c.remoteId),
    };
  };

  const switcherMatches = useMemo(
    () =>
      overlay.kind === 'switcher'
        ? fuzzyFilter(overlay.query, ordered, (c) => `${c.title} ${c.remoteId} ${c.accountId}`, 200)
        : [],
    [overlay, ordered],
  );
  const help = useMemo(
    () => (overlay.kind === 'help' ? helpRows(helpLines(overlay.entries ?? helpEntries()), mainWidth - 2) : []),
    [overlay, mainWidth],
  );
  const overlayRows = overlayBodyRows(timelineHeight);

  const move = (delta: number): void => {
    if (ordered.length === 0) return;
    const i = Math.max(0, ordered.findIndex((c) => c.id === convId));
    select(ordered[(i + delta + ordered.length) % ordered.length]!.id);
  };

  const overlayMove = (delta: number): void => {
    setOverlay((o) => {
      if (o.kind === 'switcher') {
        return { ...o, index: Math.max(0, Math.min(switcherMatches.length - 1, o.index + delta)) };
      }
      if (o.kind === 'search') return { ...o, index: Math.max(0, Math.min(o.hits.length - 1, o.index + delta)) };
      if (o.kind === 'help') return { ...o, offset: Math.max(0, Math.min(help.length - overlayRows, o.offset + delta)) };
      return o;
    });
  };

  const overlayOpen = (): void => {
    if (overlay.kind === 'switcher') {
      const c = switcherMatches[overlay.index];
      if (c) select(c.id);
      setOverlay(none);
    } else if (overlay.kind === 'search') {
      const hit = overlay.hits[overlay.index];
      if (hit) {
        select(hit.message.conversationId);
        setPendingJump(hit.message);
      }
      setOverlay(none);
    } else {
      setOverlay(none);
    }
  };

  const handlers: Record<KeyCommand, (p: KeyPress) => void> = {
    quit: () => void quit(),
    switcher: () =>
      setOverlay((o) => (o.kind === 'switcher' ? none : { kind: 'switcher', query: '', index: 0 })),
    help: () => setOverlay({ kind: 'help', offset: 0 }),
    'prev-conversation': () => move(-1),
    'next-conversation': () => move(1),
    'jump-conversation': (p) => select(ordered[Number(p.name) - 1]?.id),
    'page-up': () => timeline.pageUp(),
    'page-down': () => timeline.pageDown(),
    oldest: () => timeline.oldest(),
    newest: () => timeline.newest(),
    'scroll-up': () => timeline.scrollBy(3),
    'scroll-down': () => timeline.scrollBy(-3),
    'toggle-events': () => setExpandEvents((x) => !x),
    send: submit,
    newline: () => composer.edit((s) => ed.insert(s, '\n')),
    complete: (p) => {
      if (!composer.complete(completionSources(), p.shift)) {
        setFeedback({ level: 'info', text: 'no completion', at: Date.now() });
      }
    },
    'history-prev': () => composer.historyPrev(),
    'history-next': () => composer.historyNext(),
    'cursor-left': () => composer.edit(ed.left),
    'cursor-right': () => composer.edit(ed.right),
    'line-start': () => composer.edit(ed.lineStart),
    'line-end': () => composer.edit(ed.lineEnd),
    'delete-back': () => composer.edit(ed.deleteBack),
    'delete-forward': () => composer.edit(ed.deleteForward),
    'delete-word': () => composer.edit(ed.deleteWord),
    'kill-line': () => composer.edit(ed.killLine),
    'overlay-close': () => setOverlay(none),
    'overlay-up': () => overlayMove(-1),
    'overlay-down': () => overlayMove(1),
    'overlay-page-up': () => overlayMove(-overlayRows),
    'overlay-page-down': () => overlayMove(overlayRows),
    'overlay-open': overlayOpen,
  };

  /** Text typed while an overlay is open edits the switcher's query. */
  const overlayInput = (p: KeyPress): void => {
    if (overlay.kind !== 'switcher') return;
    if (p.name === 'backspace') setOverlay({ ...overlay, query: overlay.query.slice(0, -1), index: 0 });
    else if (p.text && !p.ctrl && !p.meta) {
      setOverlay({ ...overlay, query: overlay.query + p.text.replace(/\n/g, ' '), index: 0 });
    }
  };

  const route = (p: KeyPress): void => {
    const binding = resolveBinding(p, { overlayOpen: overlay.kind !== 'none', composerEmpty: composer.editor.text === '' });
    if (binding) {
      handlers[binding.command](p);
      return;
    }
    if (overlay.kind !== 'none') {
      overlayInput(p);
      return;
    }
    if (p.text && !p.ctrl && !p.meta) composer.edit((s) => ed.insert(s, p.text));
  };
  // Input callbacks always see this render's state.
  const routeRef = useRef(route);
  routeRef.current = route;
  useInput((input, key) => {
    const [first, ...rest] = fromInkAll(input, key);
    if (first) routeRef.current(first);
    // Further presses from the same read run after React has rendered the first one's state.
    const next = (i: number): void => {
      if (i >= rest.length) return;
      setImmediate(() => {
        routeRef.current(rest[i]!);
        next(i + 1);
      });
    };
    next(0);
  });
  // Bracketed paste (Ink turns the mode on while this is active): a pasted text is inserted whole, its line breaks
  // included, and never sends a message by itself.
  usePaste((text) => {
    const t = text.replace(/\r\n?/g, '\n');
    routeRef.current({ name: 'text', ctrl: false, meta: false, shift: false, text: t });
  });
  useEffect(() => sideKeys?.subscribe((p) => routeRef.current(p)), [sideKeys]);

  // The newer of the engine's status and our own feedback wins the status line.
  const message =
    feedback && (!engineStatus || feedback.at >= engineStatus.at) ? feedback : (engineStatus ?? feedback);

  let centre;
  if (overlay.kind === 'switcher') {
    centre = (
      <Switcher query={overlay.query} matches={switcherMatches} index={overlay.index} width={mainWidth} height={timelineHeight} />
    );
  } else if (overlay.kind === 'help') {
    centre = <HelpOverlay lines={help} offset={overlay.offset} width={mainWidth} height={timelineHeight} />;
  } else if (overlay.kind === 'search') {
    centre = (
      <SearchOverlay query={overlay.query} hits={overlay.hits} index={overlay.index} width={mainWidth} height={timelineHeight} />
    );
  } else {
    centre = (
      <Timeline
        view={timeline.view}
        width={mainWidth}
        height={timelineHeight}
        empty={convId ? 'no messages yet' : 'no conversation: /join #channel or /query someone; F1 for help'}
      />
    );
  }

  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Box flexDirection="row" height={bodyHeight}>
        {sidebarWidth > 0 ? (
          <>
            <Sidebar entries={entries} selectedId={convId} width={sidebarWidth} height={bodyHeight} />
            <Box width={1} height={bodyHeight} overflow="hidden">
              <Text dimColor>{Array.from({ length: bodyHeight }, () => '│').join('\n')}</Text>
            </Box>
          </>
        ) : null}
        <Box flexDirection="column" width={mainWidth} height={bodyHeight}>
          <Header conversation={conversation} width={mainWidth} />
          {centre}
          <Composer editor={composer.editor} width={mainWidth} maxRows={composerMax} prompt={prompt} />
        </Box>
      </Box>
      <StatusBar width={columns} message={message} typing={typing} accounts={accounts} />
    </Box>
  );
}
