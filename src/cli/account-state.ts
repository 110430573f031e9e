/**
 * The stored state of one account (its adapter's key-value space) for one-shot commands (`natter send`, `natter
 * doctor`). Accounts that keep lasting state — an XMPP account's OMEMO identity, a Matrix device and its keys, an email
 * account's Autocrypt key — must connect with it, or each run would announce a new device or key to the contacts. The
 * state lives in the profile, which only one natter may hold at a time.
 */
import type { KeyValue } from '../core/contract.js';
import { ProfileLockedError } from '../core/errors.js';
import type { Protocol } from '../core/model.js';
import { acquireProfileLock } from '../store/lock.js';
import { openStore } from '../store/open-store.js';

export interface AccountState {
  kv: KeyValue;
  close(): void;
}

/** IRC keeps nothing that a scratch session could fork; every other protocol does. */
export function keepsLastingState(protocol: Protocol): boolean {
  return protocol !== 'irc';
}

/** Opens the account's state, or explains (as a ProfileLockedError) that another natter holds the profile. */
export function openAccountState(dataDir: string, accountId: string): AccountState | ProfileLockedError {
  let lock;
  try {
    lock = acquireProfileLock(dataDir);
  } catch (error) {
    if (error instanceof ProfileLockedError) return error;
    throw error;
  }
  try {
    const store = openStore(dataDir);
    return {
      kv: store.kv(accountId),
      close: () => {
        store.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
