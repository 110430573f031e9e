/**
 * Results of /search: one row per hit (time, conversation, sender, snippet with the matches highlighted).
 * Enter jumps to the hit's conversation.
 */
import { Box, Text } from 'ink';
import type { SearchHit } from '../core/model.js';
import { OverlayFrame, listStart, overlayBodyRows } from './OverlayFrame.js';
import { StyledLine } from './StyledLine.js';
import type { UiSpan } from './styles.js';
import { dayKey, hhmm } from './time-format.js';
import { textWidth, truncate, wrapSpans } from './wrap.js';

/** Turns a snippet with U+0002 … U+0003 match markers into spans (matches bold and underlined). */
export function snippetSpans(snippet: string): UiSpan[] {
  const out: UiSpan[] = [];
  // eslint-disable-next-line no-control-regex -- the search snippet's match markers are control characters
  const re = /\u0002([^\u0003]*)\u0003/g;
  let last = 0;
  for (let m = re.exec(snippet); m; m = re.exec(snippet)) {
    if (m.index > last) out.push({ text: snippet.slice(last, m.index) });
    out.push({ text: m[1] ?? '', bold: true, underline: true, fg: 'yellow' });
    last = m.index + m[0].length;
  }
  if (last < snippet.length) out.push({ text: snippet.slice(last) });
  // Any stray marker left (unbalanced) is dropped rather than shown.
  // eslint-disable-next-line no-control-regex -- as above
  return out.map((s) => ({ ...s, text: s.text.replace(/[\u0002\u0003\n]/g, ' ') })).filter((s) => s.text.length > 0);
}

export interface SearchOverlayProps {
  query: string;
  hits: SearchHit[];
  index: number;
  width: number;
  height: number;
}

export function SearchOverlay({ query, hits, index, width, height }: SearchOverlayProps) {
  const rows = overlayBodyRows(height);
  const start = listStart(index, hits.length, rows);
  const inner = width - 2;
  return (
    <OverlayFrame
      title={`Search “${query}” — ${hits.length} result${hits.length === 1 ? '' : 's'}`}
      footer="Enter open conversation · Up/Down select · Esc close"
      width={width}
      height={height}
    >
      {hits.length === 0 ? <Text dimColor>nothing found</Text> : null}
      {hits.slice(start, start + rows).map((h, i) => {
        const head = `${dayKey(h.message.sentAt)} ${hhmm(h.message.sentAt)} ${truncate(h.conversationTitle, 16)} <${truncate(h.message.senderName, 12)}> `;
        const rest = Math.max(1, inner - textWidth(head));
        const snippet = wrapSpans(snippetSpans(h.snippet), rest)[0] ?? [];
        const selected = start + i === index;
        return (
          <Box key={h.message.id} height={1}>
            <Text inverse={selected} dimColor={!selected}>
              {head}
            </Text>
            <StyledLine spans={snippet} />
          </Box>
        );
      })}
    </OverlayFrame>
  );
}
