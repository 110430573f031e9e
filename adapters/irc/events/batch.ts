/**
 * IRCv3 batch (https://ircv3.net/specs/extensions/batch): tracks open batches so that messages inside `chathistory`
 * or ZNC playback batches are marked historical and labeled-response batches resolve their request.
 */
import type { BatchState } from '../session.js';
import type { HandlerTable } from './types.js';

export const batchHandlers: HandlerTable = {
  BATCH: (s, line) => {
    const ref = line.params[0];
    if (!ref || ref.length < 2) return;
    const id = ref.slice(1);
    if (ref[0] === '+') {
      const batch: BatchState = {
        id,
        type: line.params[1] ?? '',
        params: line.params.slice(2),
        ...(line.tags.label ? { label: line.tags.label } : {}),
        ...(line.tags.batch ? { parent: line.tags.batch } : {}),
      };
      s.batches.set(id, batch);
      s.hooks.batchStarted(batch);
    } else if (ref[0] === '-') {
      const batch = s.batches.get(id);
      if (!batch) return;
      // Keep the batch open while its end is handled so that nested lookups still work, then forget it.
      s.hooks.batchEnded(batch);
      s.batches.delete(id);
    }
  },
};
