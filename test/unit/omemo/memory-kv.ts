/** The in-memory KeyValue for OMEMO unit tests: natter's own (src/core/memory-kv.ts). */
export { memoryKv } from '../../../src/core/memory-kv.js';
