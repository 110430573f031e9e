/**
 * The overlay shown in place of the timeline: the Ctrl-K switcher (query filtered with fuzzyFilter), the help screen
 * (keymap table + commands) and /search results; with the list movement, opening and typing each one supports.
 */
import { useMemo, useState } from 'react';
import type { HelpEntry } from '../core/actions.js';
import type { InboxEntry } from '../core/engine-api.js';
import type { Conversation, Message, SearchHit } from '../core/model.js';
import { fuzzyFilter } from '../core/commands/fuzzy.js';
import { helpEntries } from '../core/commands/registry.js';
import { helpLines, helpRows, type HelpLine } from './HelpOverlay.js';
import type { Binding } from './keymap.js';
import type { KeyPress } from './key-press.js';

export type Overlay =
  | { kind: 'none' }
  | { kind: 'switcher'; query: string; index: number }
  | { kind: 'help'; offset: number; entries?: HelpEntry[] }
  | { kind: 'search'; query: string; hits: SearchHit[]; index: number }
  | { kind: 'members'; offset: number }
  /** The unified inbox across accounts: every unread message, or only the unread mentions. */
  | { kind: 'inbox'; mentions: boolean; index: number }
  /** An image preview (`/preview`); what it shows lives in usePreview. */
  | { kind: 'image' };

const none: Overlay = { kind: 'none' };

export interface OverlayControls {
  overlay: Overlay;
  isOpen: boolean;
  switcherMatches: Conversation[];
  helpRows: HelpLine[];
  close(): void;
  toggleSwitcher(): void;
  showHelp(entries?: HelpEntry[]): void;
  showSearch(query: string, hits: SearchHit[]): void;
  showMembers(): void;
  /** Opens the unified inbox (Alt-U again closes it). */
  toggleInbox(mentions?: boolean): void;
  /** Opens the image preview overlay. */
  showImage(): void;
  move(delta: number): void;
  /** Enter: the switcher selects its conversation, a search or inbox hit jumps to its message. */
  open(): void;
  /** Text typed while open (edits the switcher's query; Tab switches the inbox between all unread and mentions). */
  input(p: KeyPress): void;
}

export function useOverlays(opts: {
  conversations: Conversation[];
  /** Width inside the overlay frame, for laying out the help rows. */
  innerWidth: number;
  /** List rows the overlay body shows, for paging and scroll limits. */
  bodyRows: number;
  /** Rows of the member list (when it is open), for its scroll limit; read when scrolling. */
  memberRows(): number;
  /** The inbox entries listed (when it is open), for moving and opening; read when used. */
  inboxEntries?(): readonly InboxEntry[];
  initialHelp: boolean;
  onSelect(conversationId: string): void;
  onJump(message: Message): void;
  /** The active keymap, for the help screen (default: the default keymap). */
  bindings?: readonly Binding[];
}): OverlayControls {
  const [overlay, setOverlay] = useState<Overlay>(opts.initialHelp ? { kind: 'help', offset: 0 } : none);
  const { conversations, innerWidth, bodyRows, bindings } = opts;
  const switcherMatches = useMemo(
    () =>
      overlay.kind === 'switcher'
        ? fuzzyFilter(overlay.query, conversations, (c) => `${c.title} ${c.remoteId} ${c.accountId}`, 200)
        : [],
    [overlay, conversations],
  );
  const rows = useMemo(
    () => (overlay.kind === 'help' ? helpRows(helpLines(overlay.entries ?? helpEntries(), bindings), innerWidth) : []),
    [overlay, innerWidth, bindings],
  );

  return {
    overlay,
    isOpen: overlay.kind !== 'none',
    switcherMatches,
    helpRows: rows,
    close: () => setOverlay(none),
    toggleSwitcher: () => setOverlay((o) => (o.kind === 'switcher' ? none : { kind: 'switcher', query: '', index: 0 })),
    showHelp: (entries) => setOverlay({ kind: 'help', offset: 0, entries }),
    showSearch: (query, hits) => setOverlay({ kind: 'search', query, hits, index: 0 }),
    showImage: () => setOverlay({ kind: 'image' }),
    showMembers: () => setOverlay((o) => (o.kind === 'members' ? none : { kind: 'members', offset: 0 })),
    toggleInbox: (mentions = false) =>
      setOverlay((o) => (o.kind === 'inbox' ? none : { kind: 'inbox', mentions, index: 0 })),
    move: (delta) =>
      setOverlay((o) => {
        const clamp = (i: number, n: number) => Math.max(0, Math.min(n - 1, i));
        if (o.kind === 'switcher') return { ...o, index: clamp(o.index + delta, switcherMatches.length) };
        if (o.kind === 'search') return { ...o, index: clamp(o.index + delta, o.hits.length) };
        if (o.kind === 'inbox') return { ...o, index: clamp(o.index + delta, opts.inboxEntries?.().length ?? 0) };
        if (o.kind === 'help') return { ...o, offset: Math.max(0, Math.min(rows.length - bodyRows, o.offset + delta)) };
        if (o.kind === 'members') return { ...o, offset: Math.max(0, Math.min(opts.memberRows() - bodyRows, o.offset + delta)) };
        return o;
      }),
    open: () => {
      if (overlay.kind === 'switcher') {
        const c = switcherMatches[overlay.index];
        if (c) opts.onSelect(c.id);
      } else if (overlay.kind === 'search') {
        const hit = overlay.hits[overlay.index];
        if (hit) {
          opts.onSelect(hit.message.conversationId);
          opts.onJump(hit.message);
        }
      } else if (overlay.kind === 'inbox') {
        const entry = opts.inboxEntries?.()[overlay.index];
        if (entry) {
          opts.onSelect(entry.message.conversationId);
          opts.onJump(entry.message);
        }
      }
      setOverlay(none);
    },
    input: (p) => {
      if (overlay.kind === 'inbox' && p.name === 'tab') setOverlay({ ...overlay, mentions: !overlay.mentions, index: 0 });
      if (overlay.kind !== 'switcher') return;
      if (p.name === 'backspace') setOverlay({ ...overlay, query: overlay.query.slice(0, -1), index: 0 });
      else if (p.text && !p.ctrl && !p.meta) {
        setOverlay({ ...overlay, query: overlay.query + p.text.replace(/[\r\n]/g, ' '), index: 0 });
      }
    },
  };
}
