/** One row of the composer; the cell under the cursor (a whole grapheme, or a space at the end) is inverted. */
import { Text } from 'ink';
import { graphemes } from './wrap.js';

export function ComposerRow({ text, cursorAt }: { text: string; cursorAt?: number }) {
  if (cursorAt === undefined) return <Text>{text || ' '}</Text>;
  const before = text.slice(0, cursorAt);
  const rest = text.slice(cursorAt);
  const at = graphemes(rest)[0];
  return (
    <Text>
      {before}
      <Text inverse>{at ?? ' '}</Text>
      {at === undefined ? '' : rest.slice(at.length)}
    </Text>
  );
}
