/** Accounts with their connection state; re-read when a ChangeSet says `accounts`. */
import type { Account } from '../core/model.js';
import { useEngineValue } from './useEngineValue.js';

export function useEngineAccounts(): Account[] {
  return useEngineValue(['accounts'], (e) => e.accounts());
}
