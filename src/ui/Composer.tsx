/**
 * The input box: a prompt and the multi-line text with the cursor shown as an inverted cell. Logical lines wrap to the
 * width; only the last `maxRows` rows around the cursor are drawn.
 */
import { Box, Text } from 'ink';
import type { EditorState } from './composer-state.js';
import { ComposerRow } from './ComposerRow.js';
import { graphemes, textWidth } from './wrap.js';

export interface ComposerProps {
  editor: EditorState;
  width: number;
  maxRows: number;
  prompt: string;
}

interface Row {
  text: string;
  /** Index into `text` of the cursor when this row holds it. */
  cursorAt?: number;
}

/** Wraps the editor text into rows and finds the row and column of the cursor. */
export function composerRows(editor: EditorState, width: number): Row[] {
  const rows: Row[] = [];
  let offset = 0;
  const logical = editor.text.split('\n');
  logical.forEach((line, li) => {
    const wrapped = hardWrap(line, width);
    let inLine = 0;
    wrapped.forEach((piece, pi) => {
      const start = offset + inLine;
      const end = start + piece.length;
      const last = pi === wrapped.length - 1;
      const row: Row = { text: piece };
      if (editor.cursor >= start && (editor.cursor < end || (last && editor.cursor === end))) {
        row.cursorAt = editor.cursor - start;
      }
      rows.push(row);
      inLine += piece.length;
    });
    offset += line.length + (li < logical.length - 1 ? 1 : 0);
  });
  return rows;
}

/** Character-exact wrapping (no dropped spaces), so the cursor maps to exactly one cell. */
function hardWrap(line: string, width: number): string[] {
  const w = Math.max(2, width);
  const out: string[] = [];
  let cur = '';
  let cw = 0;
  for (const g of graphemes(line)) {
    const gw = textWidth(g);
    // Keep one column free at the end of a row for the cursor.
    if (cw + gw > w - 1 && cur) {
      out.push(cur);
      cur = '';
      cw = 0;
    }
    cur += g;
    cw += gw;
  }
  out.push(cur);
  return out;
}

export function Composer({ editor, width, maxRows, prompt }: ComposerProps) {
  const promptW = textWidth(prompt);
  const rows = composerRows(editor, width - promptW);
  const cursorRow = Math.max(0, rows.findIndex((r) => r.cursorAt !== undefined));
  const start = Math.max(0, Math.min(cursorRow - maxRows + 1, rows.length - maxRows));
  const shown = rows.slice(start, start + maxRows);
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((row, i) => (
        <Box key={start + i} height={1} width={width}>
          <Text color="cyan">{i === 0 && start === 0 ? prompt : ' '.repeat(promptW)}</Text>
          <ComposerRow text={row.text} cursorAt={row.cursorAt} />
        </Box>
      ))}
    </Box>
  );
}

/** Rows the composer needs for this text (at least 1, at most `maxRows`). */
export function composerHeight(editor: EditorState, width: number, prompt: string, maxRows: number): number {
  return Math.max(1, Math.min(maxRows, composerRows(editor, width - textWidth(prompt)).length));
}
