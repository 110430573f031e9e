/**
 * F1 / `?`: every key binding from the keymap table (the same table the key router uses) and every slash command
 * from the command registry (or the entries a /help action returned).
 */
import { Box, Text } from 'ink';
import type { HelpEntry } from '../core/actions.js';
import { formatKeys, keymap, type KeyScope } from './keymap.js';
import { OverlayFrame, overlayBodyRows } from './OverlayFrame.js';
import { fit, truncate } from './wrap.js';

export interface HelpLine {
  key: string;
  left: string;
  right: string;
  heading?: boolean;
}

const scopeTitle: Record<KeyScope, string> = {
  global: 'Everywhere',
  chat: 'Conversation',
  composer: 'Composer',
  overlay: 'Overlays',
};

/** All help rows: bindings grouped by scope, then commands. */
export function helpLines(commands: readonly HelpEntry[]): HelpLine[] {
  const out: HelpLine[] = [];
  for (const scope of ['global', 'chat', 'composer', 'overlay'] as const) {
    out.push({ key: `h:${scope}`, left: scopeTitle[scope], right: '', heading: true });
    keymap
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

export interface HelpOverlayProps {
  lines: HelpLine[];
  offset: number;
  width: number;
  height: number;
}

export function HelpOverlay({ lines, offset, width, height }: HelpOverlayProps) {
  const rows = overlayBodyRows(height);
  const inner = width - 2;
  const leftW = Math.min(28, Math.floor(inner / 2));
  const start = Math.max(0, Math.min(offset, lines.length - rows));
  return (
    <OverlayFrame title="natter — keys and commands" footer="Up/Down/PgUp/PgDn scroll · Esc close" width={width} height={height}>
      {lines.slice(start, start + rows).map((l) => (
        <Box key={l.key} height={1}>
          {l.heading ? (
            <Text bold underline>
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
