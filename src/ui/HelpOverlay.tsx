/**
 * F1 / `?`: every key binding from the keymap table (the same table the key router uses) and every slash command
 * from the command registry (or the entries a /help action returned).
 */
import { Box, Text } from 'ink';
import type { HelpEntry } from '../core/actions.js';
import { formatKeys, keymap, type Binding, type KeyScope } from './keymap.js';
import { OverlayFrame, overlayBodyRows } from './OverlayFrame.js';
import { fit, textWidth, truncate } from './wrap.js';

export interface HelpLine {
  key: string;
  left: string;
  right: string;
  heading?: boolean;
  /** The left text takes the whole row (too wide for the column). */
  wide?: boolean;
}

const scopeTitle: Record<KeyScope, string> = {
  global: 'Everywhere',
  chat: 'Conversation',
  composer: 'Composer',
  overlay: 'Overlays',
  selection: 'Selected message (Up in an empty composer)',
  picker: 'Reaction picker (+ on a selected message)',
  confirm: 'Delete? (d on a selected message)',
  normal: 'Normal mode (vim keymap: Esc in the composer)',
  cmdline: 'Command line (vim keymap: : or /)',
};

/** All help rows: the bindings of the active keymap grouped by scope (scopes it has), then commands. */
export function helpLines(commands: readonly HelpEntry[], bindings: readonly Binding[] = keymap): HelpLine[] {
  const out: HelpLine[] = [];
  for (const scope of ['global', 'chat', 'composer', 'normal', 'cmdline', 'selection', 'picker', 'confirm', 'overlay'] as const) {
    if (!bindings.some((b) => b.scope === scope)) continue;
    out.push({ key: `h:${scope}`, left: scopeTitle[scope], right: '', heading: true });
    bindings
      .filter((b) => b.scope === scope)
      .forEach((b, i) => out.push({ key: `k:${scope}:${i}`, left: formatKeys(b), right: b.description }));
  }
  out.push({ key: 'h:commands', left: 'Commands', right: '', heading: true });
  for (const c of commands) {
    const aliases = c.aliases && c.aliases.length ? ` (/${c.aliases.join(', /')})` : '';
    out.push({ key: `c:${c.name}`, left: c.usage, right: c.summary + aliases });
  }
  return out;
}

/** Column width for the keys/usage column at this inner width. */
export function helpLeftWidth(inner: number): number {
  return Math.min(30, Math.floor(inner / 2));
}

/**
 * Lays the help lines out for a width: an entry whose keys or usage do not fit the left column gets a row of its own
 * with the description on the row below, so nothing is cut off.
 */
export function helpRows(lines: readonly HelpLine[], inner: number): HelpLine[] {
  const leftW = helpLeftWidth(inner);
  const out: HelpLine[] = [];
  for (const l of lines) {
    if (l.heading || textWidth(l.left) <= leftW) out.push(l);
    else {
      out.push({ key: `${l.key}:1`, left: l.left, right: '', wide: true });
      out.push({ key: `${l.key}:2`, left: '', right: l.right });
    }
  }
  return out;
}

export interface HelpOverlayProps {
  lines: HelpLine[];
  offset: number;
  width: number;
  height: number;
}

export function HelpOverlay({ lines, offset, width, height }: HelpOverlayProps) {
  const rows = overlayBodyRows(height);
  const inner = width - 2;
  const leftW = helpLeftWidth(inner);
  const start = Math.max(0, Math.min(offset, lines.length - rows));
  return (
    <OverlayFrame title="natter — keys and commands" footer="Up/Down/PgUp/PgDn scroll · Esc close" width={width} height={height}>
      {lines.slice(start, start + rows).map((l) => (
        <Box key={l.key} height={1}>
          {l.heading || l.wide ? (
            <Text bold={l.heading} underline={l.heading} color={l.wide ? 'cyan' : undefined}>
              {truncate(l.left, inner)}
            </Text>
          ) : (
            <Text wrap="truncate-end">
              <Text color="cyan">{fit(l.left, leftW)}</Text> {truncate(l.right, inner - leftW - 1)}
            </Text>
          )}
        </Box>
      ))}
    </OverlayFrame>
  );
}
