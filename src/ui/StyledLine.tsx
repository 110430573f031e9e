/** One row of styled spans (an already wrapped timeline line); truncates instead of wrapping as a last resort. */
import { memo, useContext } from 'react';
import { Text } from 'ink';
import { HyperlinkContext } from './HyperlinkContext.js';
import { OSC8_CLOSE, osc8Open } from './links.js';
import { inkColor, type UiSpan } from './styles.js';

/**
 * A link span's text wrapped in OSC 8 when hyperlinks are on and its target is safe (links.ts). Ink 8 keeps OSC
 * sequences through its layout and measures widths without them, so the row's width arithmetic is unchanged.
 */
function linkText(s: UiSpan, hyperlinks: boolean): string {
  if (!hyperlinks || s.href === undefined) return s.text;
  const open = osc8Open(s.href);
  return open === undefined ? s.text : `${open}${s.text}${OSC8_CLOSE}`;
}

function StyledLineView({ spans }: { spans: readonly UiSpan[] }) {
  const hyperlinks = useContext(HyperlinkContext);
  // An empty Text would take no row at all; a blank line still has to take one.
  if (spans.every((s) => s.text === '')) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {spans.map((s, i) => (
        <Text
          key={i}
          bold={s.bold}
          italic={s.italic}
          underline={s.underline || s.href !== undefined}
          strikethrough={s.strike}
          dimColor={s.dim}
          inverse={s.inverse}
          color={s.code ? 'cyan' : inkColor(s.fg)}
          backgroundColor={inkColor(s.bg)}
        >
          {linkText(s, hyperlinks)}
        </Text>
      ))}
    </Text>
  );
}

/** Memoized: wrapped lines are cached arrays, so an unchanged row skips rendering entirely. */
export const StyledLine = memo(StyledLineView);
