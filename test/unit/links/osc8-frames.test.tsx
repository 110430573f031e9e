// OSC 8 hyperlinks in the timeline's styled rows: exact frames as Ink writes them, widths unchanged, unsafe targets
// never inside an OSC 8 sequence.
import '../ui/force-color.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Box, Text } from 'ink';
import { HyperlinkContext } from '../../../src/ui/HyperlinkContext.js';
import { StyledLine } from '../../../src/ui/StyledLine.js';
import type { UiSpan } from '../../../src/ui/styles.js';
import { renderFrame } from './frame.js';

const ESC = '\x1b';
const row = (spans: UiSpan[], hyperlinks: boolean, width = 30) =>
  renderFrame(
    <HyperlinkContext.Provider value={hyperlinks}>
      <Box flexDirection="row" width={width}>
        <Box width={width - 2}>
          <StyledLine spans={spans} />
        </Box>
        <Text>|#</Text>
      </Box>
    </HyperlinkContext.Provider>,
    width,
  );

const spans: UiSpan[] = [{ text: 'see ' }, { text: 'https://x.org/a', href: 'https://x.org/a' }, { text: ' ok' }];

test('a link span is written as an OSC 8 hyperlink around its underlined text; the column after it does not move', async () => {
  const frame = await row(spans, true);
  assert.equal(
    frame,
    `see ${ESC}[4m${ESC}]8;;https://x.org/a${ESC}\\https://x.org/a${ESC}]8;;${ESC}\\${ESC}[24m ok      |#`,
  );
});

test('with hyperlinks off the same row has no OSC 8, only the underline, and the same padding', async () => {
  const frame = await row(spans, false);
  assert.equal(frame, `see ${ESC}[4mhttps://x.org/a${ESC}[24m ok      |#`);
});

test('a target with control characters or non-ASCII is shown but never written inside OSC 8', async () => {
  for (const href of ['https://x.org/\x07evil', 'https://x.org/\x1b]8;;https://bad\x1b\\', 'https://x.org/ä b', 'https://x.org/\x9c']) {
    const frame = await row([{ text: 'link', href }], true);
    assert.ok(!frame.includes(`${ESC}]8`), JSON.stringify(frame));
    assert.ok(frame.includes('link'), JSON.stringify(frame));
  }
});
