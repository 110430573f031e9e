// Shared fixtures for the store tests: a fresh profile directory per test and compact message builders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { openStore } from '../../../src/store/open-store.js';
import type { NewMessage, Store } from '../../../src/store/types.js';
import type { Conversation } from '../../../src/core/model.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A new empty directory under the OS temp dir, removed after the test file. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'natter-store-test-'));
  dirs.push(d);
  return d;
}

export interface Fixture {
  dir: string;
  store: Store;
  conv: Conversation;
}

/** A store in a fresh profile with account `acct` (irc) and one channel `#chan`. */
export function fixture(): Fixture {
  const dir = join(tempDir(), 'profile');
  const store = openStore(dir);
  store.upsertAccount({ id: 'acct', protocol: 'irc' });
  const conv = store.upsertConversation({ accountId: 'acct', remoteId: '#Chan', key: '#chan', kind: 'channel' });
  after(() => store.close());
  return { dir, store, conv };
}

let counter = 0;
/** An incoming text message with sensible defaults; override anything. */
export function msg(conversationId: string, over: Partial<NewMessage> = {}): NewMessage {
  counter++;
  return {
    id: `m${counter}`,
    accountId: 'acct',
    conversationId,
    senderId: 'bob',
    senderName: 'Bob',
    direction: 'in',
    kind: 'text',
    body: `message ${counter}`,
    sentAt: 1_700_000_000_000 + counter * 1000,
    receivedAt: 1_700_000_000_000 + counter * 1000,
    encryption: { scheme: 'none' },
    mentionsMe: false,
    countsUnread: false,
    ...over,
  };
}

/** Inserts and returns the stored message, failing the test if it was a duplicate. */
export function put(store: Store, m: NewMessage) {
  const r = store.insertMessage(m);
  if (!r.inserted) throw new Error(`unexpected duplicate ${m.id}`);
  return r.message;
}

/** A second, raw connection to the profile database (to inspect plans, pragmas, integrity). */
export function rawDb(dir: string): DatabaseSync {
  const db = new DatabaseSync(join(dir, 'natter.db'));
  db.function('natter_fold', { deterministic: true }, (v) => (typeof v === 'string' ? v.toLowerCase() : v));
  after(() => db.close());
  return db;
}
