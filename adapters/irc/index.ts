/**
 * IRC adapter entry point. `createIrcAdapter()` returns a fresh {@link Adapter} for one IRC account; see adapter.ts
 * for behaviour and options.ts for the config keys it reads.
 */
import type { Adapter } from '../../src/core/contract.js';
import { IrcAdapter } from './adapter.js';

export function createIrcAdapter(): Adapter {
  return new IrcAdapter();
}

export { IrcAdapter };
export { parseFormatting, stripFormatting, mircColour } from './formatting.js';
export { foldCase, parseCaseMapping, type CaseMapping } from './casemapping.js';
