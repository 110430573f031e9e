/**
 * The whole screen: sidebar | header, timeline (or an overlay), composer; status bar below. Owns the selection and
 * routes every key press through the keymap table to one handler per command (so the help overlay, printed from the
 * same table, cannot drift from what the keys do).
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Box, Text, useInput, usePaste, useWindowSize } from 'ink';
import type { Action } from '../core/actions.js';
import type { Message } from '../core/model.js';
import { userMessageOf } from '../core/errors.js';
import { parseInput } from '../core/commands/parse-input.js';
import { completionSources } from './completion-sources.js';
import { Composer, composerHeight } from './Composer.js';
import { ComposeContext, type ComposeContextState } from './ComposeContext.js';
import { quickReactions } from '../core/commands/shortcodes.js';
import * as ed from './composer-state.js';
import { useEngineContext } from './EngineContext.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { HyperlinkContext } from './HyperlinkContext.js';
import { InboxOverlay } from './InboxOverlay.js';
import { MembersOverlay, memberLines } from './MembersOverlay.js';
import { fromInkAll, type KeyPress } from './key-press.js';
import { buildKeymap, resolveKeys, type KeyCommand, type KeymapName, type VimMode } from './keymap.js';
import { overlayBodyRows } from './OverlayFrame.js';
import { SearchOverlay } from './SearchOverlay.js';
import { Sidebar, sidebarWindow } from './Sidebar.js';
import { clickTarget, linkAt, openLink } from './mouse-click.js';
import { groupOf, sidebarEntries } from './sidebar-order.js';
import { StatusBar } from './StatusBar.js';
import { selectionSummary } from './protection-text.js';
import { Switcher } from './Switcher.js';
import type { SideKeys } from './terminal-input.js';
import type { DisplayOptions } from './time-format.js';
import { Timeline } from './Timeline.js';
import { useActionRunner } from './useActionRunner.js';
import { useComposer } from './useComposer.js';
import { useTypingNotice } from './useTypingNotice.js';
import { useActivity } from './useActivity.js';
import { useEngineAccounts } from './useEngineAccounts.js';
import { useEngineConversation, useEngineConversations } from './useEngineConversations.js';
import { useEngineMembers, useEngineStatus, useEngineTyping } from './useEngineStatus.js';
import { useOverlays } from './useOverlays.js';
import { useInbox } from './useInbox.js';
import { defaultOpenCommand, openInConversation, parseOpenCommand } from './open-target.js';
import type { InboxEntry } from '../core/engine-api.js';
import { useTimelineWindow } from './useTimelineWindow.js';
import { ImageOverlay } from './ImageOverlay.js';
import { blocksOnly, usePreview } from './usePreview.js';
import { parsePreviewCommand, pickImage } from './image/preview-target.js';
import type { ImageOutput } from './image/probe.js';

const sidebarWidthFull = 24;
/** Below this many columns the sidebar hides and the timeline takes the whole width. */
const sidebarMinColumns = 60;
const defaultPrompt = '› ';
/** The vim keymap shows the composer's mode in the prompt. */
const vimPrompts: Record<VimMode, string> = { insert: 'I› ', normal: 'N› ', command: '' };

/** Config `[keys]`: which keymap, and `[keys.bind]` overrides (already checked by the config loader). */
export interface KeysOptions {
  keymap?: KeymapName;
  bind?: Readonly<Record<string, string | readonly string[]>>;
}

export interface ScreenProps {
  sideKeys?: SideKeys;
  display: DisplayOptions;
  showHelp: boolean;
  onQuit?: () => void;
  /** Called after each key press or paste was routed, so the caller can write its frame without waiting for the throttle. */
  onInputHandled?: () => void;
  /** Key bindings (default: the default keymap). */
  keys?: KeysOptions;
  /** Where image previews are drawn (kitty / sixel / half-blocks, probed); default: half-blocks. */
  images?: ImageOutput;
}

export function Screen({ sideKeys, display, showHelp, onQuit, onInputHandled, keys, images }: ScreenProps) {
  const { engine, view } = useEngineContext();
  const { columns, rows } = useWindowSize();
  const accounts = useEngineAccounts();
  const conversations = useEngineConversations();
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  // Collapsed sidebar groups (groupKey of sidebar-order.ts); the selected conversation stays listed in its group.
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const entries = useMemo(
    () => sidebarEntries(accounts, conversations, { collapsed, selectedId, people: display.people }),
    [accounts, conversations, collapsed, selectedId, display.people],
  );
  const ordered = useMemo(() => entries.flatMap((e) => (e.type === 'conversation' ? [e.conversation] : [])), [entries]);
  // The switcher also finds conversations hidden in collapsed groups, and a person's under "Bob · xmpp".
  const allOrdered = useMemo(
    () =>
      sidebarEntries(accounts, conversations, { people: display.people }).flatMap((e) =>
        e.type !== 'conversation' ? [] : e.label !== undefined ? [{ ...e.conversation, title: e.label }] : [e.conversation],
      ),
    [accounts, conversations, display.people],
  );
  const selected = ordered.find((c) => c.id === selectedId) ?? ordered[0];
  const convId = selected?.id;
  const conversation = useEngineConversation(convId) ?? selected;
  const typing = useEngineTyping(convId);
  // Changes to other conversations reach the UI on a slower cadence (engine-view.ts); this one's come at once.
  useLayoutEffect(() => view.setVisible(convId), [view, convId]);
  const engineStatus = useEngineStatus();
  const [expandEvents, setExpandEvents] = useState(!display.collapseJoins);
  const [pendingJump, setPendingJump] = useState<Message | undefined>(undefined);
  const composer = useComposer(convId);
  const keymapName = keys?.keymap ?? 'default';
  const bind = keys?.bind;
  const bindings = useMemo(() => buildKeymap(keymapName, bind).bindings, [keymapName, bind]);
  const vim = keymapName === 'vim';
  // vim keymap: the composer's mode, and the `:` / `/` line (its own editor, so the draft survives a command).
  const [vimMode, setVimMode] = useState<VimMode>('insert');
  const [cmdline, setCmdline] = useState<{ kind: ':' | '/'; editor: ed.EditorState } | undefined>(undefined);
  const inCmdline = vim && vimMode === 'command' && cmdline !== undefined;
  const shownEditor = inCmdline ? cmdline.editor : composer.editor;
  const prompt = inCmdline ? cmdline.kind : vim ? vimPrompts[vimMode] : defaultPrompt;
  useTypingNotice(engine, convId, composer.editor.text);
  const activity = useActivity(engine);
  // Timeline selection (Up in an empty composer) and what the user is doing with the selected message.
  const [selection, setSelection] = useState<{ conv: string; id: string } | undefined>(undefined);
  const [context, setContext] = useState<(ComposeContextState & { conv: string }) | undefined>(undefined);
  const selectedMessageId = selection && selection.conv === convId ? selection.id : undefined;
  const ctxState = context && context.conv === convId ? context : undefined;

  // Layout: everything derives from the window size on each render, so a resize simply re-lays out.
  const sidebarWidth = columns >= sidebarMinColumns ? sidebarWidthFull : 0;
  const mainWidth = Math.max(10, columns - sidebarWidth - (sidebarWidth ? 1 : 0));
  const bodyHeight = Math.max(3, rows - 1);
  const composerMax = Math.max(1, Math.min(5, Math.floor(rows / 4)));
  const composerRows = composerHeight(shownEditor, mainWidth, prompt, composerMax);
  const contextRows = ctxState ? 1 : 0;
  const timelineHeight = Math.max(1, bodyHeight - 1 - composerRows - contextRows);
  const overlayRows = overlayBodyRows(timelineHeight);

  const select = useCallback((id: string | undefined) => {
    if (id) setSelectedId(id);
  }, []);
  const memberRowCount = useRef(0);
  const inboxList = useRef<readonly InboxEntry[]>([]);
  const overlays = useOverlays({
    conversations: allOrdered,
    innerWidth: mainWidth - 2,
    bodyRows: overlayRows,
    memberRows: () => memberRowCount.current,
    inboxEntries: () => inboxList.current,
    initialHelp: showHelp,
    onSelect: select,
    onJump: setPendingJump,
    bindings,
  });
  const actions = useActionRunner({
    onQuit,
    onConversation: select,
    onSearch: overlays.showSearch,
    onHelp: overlays.showHelp,
  });
  const timeline = useTimelineWindow(convId, mainWidth, timelineHeight, {
    expandEvents,
    display,
    onResult: actions.showResult,
    selectedId: selectedMessageId,
    self: convId ? engine.selfName(convId) : undefined,
  });

  // A search hit opens its conversation first; the jump happens once that conversation's window exists.
  useEffect(() => {
    if (pendingJump && convId === pendingJump.conversationId) {
      timeline.jumpTo(pendingJump);
      setPendingJump(undefined);
    }
  }, [pendingJump, convId, timeline]);

  // The image preview's body: inside the overlay frame (border, title row; footer below), right of the sidebar.
  const previewBox = {
    row: 1 + 1 + 1 + 1, // header row, top border, title row, then the body (1-based)
    col: sidebarWidth + (sidebarWidth ? 1 : 0) + 2,
    cols: Math.max(1, mainWidth - 2),
    rows: overlayRows,
  };
  const preview = usePreview(engine, images ?? blocksOnly, previewBox, overlays.overlay.kind === 'image');

  const leaveSelection = (): void => setSelection(undefined);
  const selectedMessage = (): Message | undefined => (selectedMessageId ? timeline.find(selectedMessageId) : undefined);
  const selectedNow = selectedMessage();
  const selectionInfo = selectedNow ? selectionSummary(selectedNow) : undefined;
  /** Starts answering the selected message: reply/edit go to the composer, react/delete ask first. */
  const act = (kind: ComposeContextState['kind']): void => {
    const m = selectedMessage();
    if (!m || !convId) return;
    if ((kind === 'edit' || kind === 'delete') && m.direction !== 'out') {
      actions.notify('error', `you can only ${kind} your own messages`);
      return;
    }
    if (m.retracted) {
      actions.notify('error', 'that message was deleted');
      return;
    }
    setContext({ kind, message: m, conv: convId });
    if (kind === 'reply' || kind === 'edit') {
      leaveSelection();
      if (vim) setVimMode('insert');
      if (kind === 'edit') composer.edit(() => ({ text: m.body, cursor: m.body.length }));
    }
  };
  const closeContext = (): void => setContext(undefined);

  const parse = (text: string, replyTo?: string): Action =>
    parseInput(text, {
      accountId: selected?.accountId ?? (accounts.length === 1 ? accounts[0]!.id : undefined),
      conversationId: selected?.id,
      conversationRemoteId: selected?.remoteId,
      conversationKind: selected?.kind,
      conversationInvited: conversation?.invitedBy !== undefined,
      selectedMessageId: selectedMessageId ?? replyTo,
      accounts: accounts.map((a) => a.id),
    });

  /**
   * Commands the UI runs itself, not the engine: `/inbox [mentions]` opens the unified inbox, `/open [n]` the n-th
   * link or attachment from the end with `[ui] open_command`. True when `text` was one of them.
   */
  const runLocal = (text: string): boolean => {
    // `/preview [n]`: the n-th image from the end, or (without n) the selected message's image, in an overlay.
    const previewCmd = parsePreviewCommand(text);
    if (previewCmd !== undefined) {
      if ('error' in previewCmd) actions.notify('error', previewCmd.error);
      else if (!convId) actions.notify('error', '/preview needs an open conversation');
      else {
        try {
          preview.start(pickImage(engine, convId, previewCmd.n, selectedMessageId));
          overlays.showImage();
        } catch (e) {
          actions.notify('error', userMessageOf(e));
        }
      }
      return true;
    }
    const inbox = /^\/inbox(?:\s+(mentions|all))?\s*$/i.exec(text.trim());
    if (inbox) {
      overlays.toggleInbox(inbox[1]?.toLowerCase() === 'mentions');
      return true;
    }
    const open = parseOpenCommand(text);
    if (open === undefined) return false;
    if ('error' in open) actions.notify('error', open.error);
    else if (!convId) actions.notify('error', '/open needs an open conversation');
    else {
      openInConversation(engine, convId, open.n, display.openCommand ?? defaultOpenCommand()).then(
        (info) => actions.notify('info', info),
        (e: unknown) => actions.notify('error', userMessageOf(e)),
      );
    }
    return true;
  };

  const submit = (): void => {
    const text = composer.editor.text;
    if (text.trim() === '') return;
    if (runLocal(text)) {
      composer.submitted(text);
      closeContext();
      leaveSelection();
      return;
    }
    let action: Action;
    const mode = ctxState && (ctxState.kind === 'reply' || ctxState.kind === 'edit') ? ctxState : undefined;
    try {
      if (mode && convId && !text.startsWith('/')) {
        action = { type: mode.kind, conversationId: convId, body: text, messageId: mode.message.id };
      } else {
        action = parse(text, mode?.message.id);
      }
    } catch (e) {
      actions.notify('error', userMessageOf(e));
      return;
    }
    composer.submitted(text);
    closeContext();
    leaveSelection();
    actions.run(action);
  };

  /** vim: runs the `:` line (`:q` quits, `:join #x` is /join #x) or searches with the `/` line, back in normal mode. */
  const runCommandLine = (): void => {
    const c = cmdline;
    setCmdline(undefined);
    setVimMode('normal');
    const text = c?.editor.text.trim() ?? '';
    if (!c || text === '') return;
    if (c.kind === ':' && /^(?:q|quit|qa|qall)!?$/.test(text)) {
      void actions.quit();
      return;
    }
    if (c.kind === ':' && runLocal(`/${text}`)) return;
    let action: Action;
    try {
      action = parse(c.kind === '/' ? `/search ${text}` : `/${text}`);
    } catch (e) {
      actions.notify('error', userMessageOf(e));
      return;
    }
    actions.run(action);
  };
  const openCommandLine = (kind: ':' | '/'): void => {
    setCmdline({ kind, editor: ed.emptyEditor });
    setVimMode('command');
  };
  /** Editing keys act on the command line while it is open, else on the composer. */
  const editActive = (fn: (s: ed.EditorState) => ed.EditorState): void => {
    if (inCmdline) setCmdline({ ...cmdline, editor: fn(cmdline.editor) });
    else composer.edit(fn);
  };
  const halfPage = Math.max(1, Math.floor(timelineHeight / 2));

  const toggleGroup = (group: string): void =>
    setCollapsed((old) => {
      const next = new Set(old);
      if (!next.delete(group)) next.add(group);
      return next;
    });

  /**
   * A left click: on a sidebar row it opens that conversation (on a group heading it collapses or expands the group,
   * on a person's name it opens their conversation used last);
   * on a timeline row with a link it opens the link as /open would.
   */
  const click = (p: KeyPress): void => {
    if (!p.mouse) return;
    const mainLeft = sidebarWidth ? sidebarWidth + 1 : 0;
    const hit = clickTarget(p.mouse.x, p.mouse.y, { sidebarWidth, bodyHeight, mainLeft, timelineTop: 1, timelineHeight });
    if (hit.pane === 'sidebar') {
      const e = sidebarWindow(entries, convId, bodyHeight).visible[hit.row];
      if (e?.type === 'conversation') select(e.conversation.id);
      else if (e?.type === 'group') toggleGroup(e.group);
      // A person opens their conversation used last.
      else if (e?.type === 'person') select(e.latestId);
      return;
    }
    if (hit.pane !== 'timeline' || overlays.isOpen) return;
    // The rows as Timeline.tsx draws them: bottom-aligned, the last one covered by the "new messages" hint if shown.
    const v = timeline.view;
    const hint = !v.following && v.newCount > 0;
    const lines = hint && v.lines.length >= timelineHeight ? v.lines.slice(0, timelineHeight - 1) : v.lines;
    const line = lines[hit.row - (timelineHeight - lines.length - (hint ? 1 : 0))];
    const url = line ? linkAt(line, hit.column) : undefined;
    if (!url) return;
    openLink(url, display.openCommand ?? defaultOpenCommand()).then(
      (info) => actions.notify('info', info),
      (e: unknown) => actions.notify('error', userMessageOf(e)),
    );
  };

  const moveSelection = (delta: number): void => {
    if (ordered.length === 0) return;
    const i = Math.max(0, ordered.findIndex((c) => c.id === convId));
    select(ordered[(i + delta + ordered.length) % ordered.length]!.id);
  };

  const handlers: Record<KeyCommand, (p: KeyPress) => void> = {
    quit: () => void actions.quit(),
    switcher: overlays.toggleSwitcher,
    help: () => overlays.showHelp(),
    'prev-conversation': () => moveSelection(-1),
    'next-conversation': () => moveSelection(1),
    'jump-conversation': (p) => select(ordered[Number(p.name) - 1]?.id),
    'page-up': () => timeline.pageUp(),
    'page-down': () => timeline.pageDown(),
    oldest: () => {
      if (vim) leaveSelection();
      timeline.oldest();
    },
    newest: () => {
      if (vim) leaveSelection();
      timeline.newest();
    },
    'half-page-up': () => timeline.scrollBy(halfPage),
    'half-page-down': () => timeline.scrollBy(-halfPage),
    'scroll-up': () => timeline.scrollBy(3),
    'scroll-down': () => timeline.scrollBy(-3),
    'toggle-events': () => setExpandEvents((x) => !x),
    'toggle-group': () => {
      const group = selected ? groupOf(selected) : undefined;
      if (!group || !selected) {
        actions.notify('info', 'this conversation is in no group');
        return;
      }
      setSelectedId(selected.id);
      toggleGroup(group);
    },
    members: () => overlays.showMembers(),
    inbox: () => overlays.toggleInbox(),
    send: submit,
    newline: () => {
      if (!inCmdline) composer.edit((s) => ed.insert(s, '\n'));
    },
    complete: (p) => {
      if (inCmdline) return;
      if (!composer.complete(completionSources(engine, selected, conversations), p.shift)) {
        actions.notify('info', 'no completion');
      }
    },
    'history-prev': () => {
      if (!inCmdline) composer.historyPrev();
    },
    'history-next': () => {
      if (!inCmdline) composer.historyNext();
    },
    'cursor-left': () => editActive(ed.left),
    'cursor-right': () => editActive(ed.right),
    'line-start': () => editActive(ed.lineStart),
    'line-end': () => editActive(ed.lineEnd),
    'delete-back': () => {
      // Backspace on an empty command line closes it, as in vim.
      if (inCmdline && cmdline.editor.text === '') runCommandLine();
      else editActive(ed.deleteBack);
    },
    'delete-forward': () => editActive(ed.deleteForward),
    'delete-word': () => editActive(ed.deleteWord),
    'kill-line': () => editActive(ed.killLine),
    'vim-normal': () => setVimMode('normal'),
    'vim-insert': () => setVimMode('insert'),
    'vim-append': () => {
      composer.edit(ed.right);
      setVimMode('insert');
    },
    'vim-append-end': () => {
      composer.edit(ed.lineEnd);
      setVimMode('insert');
    },
    'vim-insert-start': () => {
      composer.edit(ed.lineStart);
      setVimMode('insert');
    },
    'vim-command': () => openCommandLine(':'),
    'vim-search': () => openCommandLine('/'),
    'vim-clear-line': () => composer.edit(ed.deleteLine),
    'command-run': runCommandLine,
    'command-cancel': () => {
      setCmdline(undefined);
      setVimMode('normal');
    },
    'overlay-close': overlays.close,
    'overlay-up': () => overlays.move(-1),
    'overlay-down': () => overlays.move(1),
    'overlay-page-up': () => overlays.move(-overlayRows),
    'overlay-page-down': () => overlays.move(overlayRows),
    'overlay-open': overlays.open,
    'select-message': () => {
      const m = convId ? timeline.selectNewest() : undefined;
      if (m && convId) setSelection({ conv: convId, id: m.id });
      else actions.notify('info', 'no message to select');
    },
    'select-older': () => {
      const m = selectedMessageId ? timeline.step(selectedMessageId, -1) : undefined;
      if (m && convId) setSelection({ conv: convId, id: m.id });
    },
    'select-newer': () => {
      const m = selectedMessageId ? timeline.step(selectedMessageId, 1) : undefined;
      if (m && convId) setSelection({ conv: convId, id: m.id });
      else leaveSelection();
    },
    'select-leave': leaveSelection,
    'select-reply': () => act('reply'),
    'select-edit': () => act('edit'),
    'select-delete': () => act('delete'),
    'select-react': () => act('react'),
    'compose-cancel': () => {
      if (ctxState?.kind === 'edit') composer.clear();
      closeContext();
    },
    'pick-reaction': (p) => {
      const key = quickReactions[Number(p.name) - 1];
      if (key && ctxState && convId) actions.run({ type: 'react', conversationId: convId, key, messageId: ctxState.message.id });
      closeContext();
      leaveSelection();
    },
    'pick-cancel': closeContext,
    'confirm-yes': () => {
      if (ctxState && convId) actions.run({ type: 'retract', conversationId: convId, messageId: ctxState.message.id });
      closeContext();
      leaveSelection();
    },
    'confirm-no': closeContext,
  };

  const route = (p: KeyPress): void => {
    if (p.name === 'focusin' || p.name === 'focusout') {
      activity.focus(p.name === 'focusin');
      return;
    }
    activity.input();
    if (p.name === 'click') {
      click(p);
      return;
    }
    const composerEmpty = composer.editor.text === '';
    const state = {
      overlayOpen: overlays.isOpen,
      composerEmpty,
      // In vim's normal mode text cannot be typed, so j/k keep moving the selection whatever the composer holds.
      selecting: selectedMessageId !== undefined && (composerEmpty || (vim && vimMode === 'normal')),
      picking: ctxState?.kind === 'react',
      confirming: ctxState?.kind === 'delete',
      ...(vim ? { vimMode: inCmdline ? ('command' as const) : vimMode === 'command' ? ('normal' as const) : vimMode } : {}),
    };
    // Sequences (vim's g g, d d): a prefix waits for the next press; a press that continues no sequence starts afresh.
    let resolution = resolveKeys([...sequence.current, p], state, bindings);
    if (resolution === undefined && sequence.current.length > 0) {
      sequence.current = [];
      resolution = resolveKeys([p], state, bindings);
    }
    if (resolution?.kind === 'prefix') {
      sequence.current.push(p);
      return;
    }
    sequence.current = [];
    const binding = resolution?.binding;
    if (binding) handlers[binding.command](p);
    else if (overlays.isOpen) overlays.input(p);
    else if (ctxState?.kind === 'delete') return;
    else if (inCmdline && p.text && !p.ctrl && !p.meta) editActive((s) => ed.insert(s, p.text));
    // Normal mode takes no text, but a paste (several characters at once) still lands in the composer.
    else if (vim && vimMode !== 'insert' && p.name !== 'text') return;
    else if (p.text && !p.ctrl && !p.meta) {
      if (ctxState?.kind === 'react') {
        // The picker gives way to the composer: ":" starts a :shortcode: for /react on the same message.
        closeContext();
        if (p.text === ':' && selectedMessageId) {
          composer.edit(() => ({ text: '/react :', cursor: 8 }));
          return;
        }
      }
      // In a selection, a "/" starts a command aimed at the selected message; other text leaves the selection.
      if (selectedMessageId && composerEmpty && !p.text.startsWith('/')) leaveSelection();
      composer.edit((s) => ed.insert(s, p.text));
    }
  };
  const sequence = useRef<KeyPress[]>([]);
  // Input callbacks always see this render's state.
  const routeRef = useRef(route);
  routeRef.current = route;
  const handledRef = useRef(onInputHandled);
  handledRef.current = onInputHandled;
  // Presses are routed one at a time, each after React has rendered the state the one before it left: Ink hands us
  // the keys of one read (typed ahead while natter was busy, or sent together by tmux) synchronously, and routing
  // them at once would decide every one of them on the first one's state (Up Up r would select the newest message
  // twice and type an "r"). Each routed press bumps `routed`, so a render surely follows (carrying whatever the
  // press changed); the layout effect of that render routes the next queued press. A lone press never waits.
  const pending = useRef<KeyPress[]>([]);
  const [routed, setRouted] = useState(0);
  const routeHead = useCallback((): void => {
    const p = pending.current[0];
    if (!p) return;
    try {
      routeRef.current(p);
      handledRef.current?.();
    } finally {
      setRouted((n) => n + 1);
    }
  }, []);
  const press = useCallback(
    (p: KeyPress): void => {
      pending.current.push(p);
      if (pending.current.length === 1) routeHead();
    },
    [routeHead],
  );
  useLayoutEffect(() => {
    if (routed === 0) return;
    pending.current.shift();
    routeHead();
  }, [routed, routeHead]);
  useInput((input, key) => {
    for (const p of fromInkAll(input, key)) {
      // vim: keys typed ahead arrive as one text ("gg", "jk"); each is a command in normal mode, so route them one
      // by one (a real paste comes through usePaste below and stays whole).
      if (vim && p.name === 'text') for (const ch of p.text) press({ ...p, name: ch, text: ch });
      else press(p);
    }
  });
  // Bracketed paste (Ink turns the mode on while this is active): a pasted text is inserted whole, its line breaks
  // included, and never sends a message by itself.
  usePaste((text) => {
    press({ name: 'text', ctrl: false, meta: false, shift: false, text: text.replace(/\r\n?/g, '\n') });
  });
  useEffect(() => sideKeys?.subscribe(press), [sideKeys, press]);

  // The newer of the engine's status and our own feedback wins the status line.
  const feedback = actions.feedback;
  const message = feedback && (!engineStatus || feedback.at >= engineStatus.at) ? feedback : (engineStatus ?? feedback);

  const o = overlays.overlay;
  const members = useEngineMembers(convId, o.kind === 'members');
  const memberRows = useMemo(() => memberLines(members), [members]);
  memberRowCount.current = memberRows.length;
  const inbox = useInbox(o.kind === 'inbox', o.kind === 'inbox' && o.mentions);
  inboxList.current = inbox;
  let centre;
  if (o.kind === 'switcher') {
    centre = (
      <Switcher query={o.query} matches={overlays.switcherMatches} index={o.index} width={mainWidth} height={timelineHeight} />
    );
  } else if (o.kind === 'members') {
    centre = (
      <MembersOverlay
        title={conversation?.title ?? 'members'}
        lines={memberRows}
        count={members.length}
        offset={o.offset}
        width={mainWidth}
        height={timelineHeight}
      />
    );
  } else if (o.kind === 'help') {
    centre = <HelpOverlay lines={overlays.helpRows} offset={o.offset} width={mainWidth} height={timelineHeight} />;
  } else if (o.kind === 'inbox') {
    centre = <InboxOverlay mentions={o.mentions} entries={inbox} index={o.index} width={mainWidth} height={timelineHeight} />;
  } else if (o.kind === 'image') {
    centre = (
      <ImageOverlay state={preview.state} width={mainWidth} height={timelineHeight} bodyCols={previewBox.cols} bodyRows={previewBox.rows} />
    );
  } else if (o.kind === 'search') {
    centre = <SearchOverlay query={o.query} hits={o.hits} index={o.index} width={mainWidth} height={timelineHeight} />;
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
    <HyperlinkContext.Provider value={display.hyperlinks ?? false}>
      <Box flexDirection="column" width={columns} height={rows}>
        <Box flexDirection="row" height={bodyHeight}>
          {sidebarWidth > 0 ? (
            <>
              <Sidebar entries={entries} selectedId={convId} width={sidebarWidth} height={bodyHeight} />
              {/* Exactly bodyHeight one-column rows: no clip box needed (it would only make frames dearer). */}
              <Box width={1} height={bodyHeight}>
                <Text dimColor>{Array.from({ length: bodyHeight }, () => '│').join('\n')}</Text>
              </Box>
            </>
          ) : null}
          <Box flexDirection="column" width={mainWidth} height={bodyHeight}>
            <Header conversation={conversation} width={mainWidth} />
            {centre}
            {ctxState ? <ComposeContext state={ctxState} width={mainWidth} /> : null}
            <Composer editor={shownEditor} width={mainWidth} maxRows={composerMax} prompt={prompt} />
          </Box>
        </Box>
        <StatusBar width={columns} message={message} typing={typing} accounts={accounts} selection={selectionInfo} />
      </Box>
    </HyperlinkContext.Provider>
  );
}
