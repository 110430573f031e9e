/**
 * The unified inbox's entries while its overlay is open: read through EngineApi.inbox and re-read whenever a
 * ChangeSet could move them (a conversation's row or list, a timeline, accounts). Nothing is read while closed.
 */
import { useEffect, useMemo, useState } from 'react';
import type { InboxEntry } from '../core/engine-api.js';
import { useEngineContext } from './EngineContext.js';

/** Entries the overlay lists at most (the store's default too). */
export const INBOX_LIMIT = 200;

export function useInbox(open: boolean, mentions: boolean): InboxEntry[] {
  const { engine } = useEngineContext();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!open) return undefined;
    return engine.subscribe((c) => {
      if (c.accounts || c.conversations === true || c.conversations.length > 0 || c.timelines.length > 0) {
        setVersion((v) => v + 1);
      }
    });
  }, [engine, open]);
  return useMemo(
    () => (open ? engine.inbox({ mentionsOnly: mentions, limit: INBOX_LIMIT }) : []),
    // version: re-read after changes while open.
    [engine, open, mentions, version],
  );
}
