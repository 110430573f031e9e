/** One row of styled spans (an already wrapped timeline line); truncates instead of wrapping as a last resort. */
import { memo } from 'react';
import { Text } from 'ink';
import { inkColor, type UiSpan } from './styles.js';

function StyledLineView({ spans }: { spans: readonly UiSpan[] }) {
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
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

/** Memoized: wrapped lines are cached arrays, so an unchanged row skips rendering entirely. */
export const StyledLine = memo(StyledLineView);
