/** fake-indexeddb's `auto` entry installs IndexedDB globals; it has no type declarations of its own. */
declare module 'fake-indexeddb/auto';
