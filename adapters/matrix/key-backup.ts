/**
 * Secure secret storage and key backup (spec §"Secret storage", §"Server-side key backups").
 * - `/backup-create [passphrase]`: makes a recovery key (from the passphrase when given), secret storage under it
 *   (holding the cross-signing keys and the backup key) and a new key backup; room keys are backed up from then on.
 *   The recovery key is shown once, as a notice, to be written down.
 * - `/backup-restore <recovery key | passphrase>`: on a new device, opens secret storage with the recovery key (or the
 *   key derived from the passphrase it was made from, spec §"Deriving keys from passphrases"), loads the backup
 *   key, restores the room keys (messages shown undecryptable become readable: the timeline's late decryption turns
 *   their placeholders into the text) and takes over the cross-signing keys, so this device is trusted too.
 * The recovery key lives in memory only, for the SDK's secret storage callback, and is never persisted.
 */
import { decodeRecoveryKey, deriveRecoveryKeyFromPassphrase } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { CryptoCallbacks } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { CommandError } from '../../src/core/errors.js';
import { registerSecret } from '../../src/core/logger.js';
import type { MatrixState } from './state.js';

/** The SDK's callback asking for the secret storage key: the one given by the user in this run, if any. */
export function cryptoCallbacks(s: MatrixState): CryptoCallbacks {
  return {
    getSecretStorageKey: async ({ keys }) => {
      const id = Object.keys(keys)[0];
      return s.secretStorageKey && id ? [id, s.secretStorageKey] : null;
    },
  };
}

function crypto(s: MatrixState) {
  const c = s.client?.getCrypto();
  if (!c) throw new CommandError('end-to-end encryption is not running on this account');
  return c;
}

export async function runBackupCommand(s: MatrixState, name: string, args: string[]): Promise<boolean> {
  switch (name) {
    case 'backup-create': {
      const c = crypto(s);
      const key = await c.createRecoveryKeyFromPassphrase(args.length ? args.join(' ') : undefined);
      s.secretStorageKey = key.privateKey;
      // Shown to the user once; never in a log line.
      registerSecret(key.encodedPrivateKey);
      await c.bootstrapSecretStorage({ createSecretStorageKey: async () => key, setupNewSecretStorage: true, setupNewKeyBackup: true });
      const version = await c.getActiveSessionBackupVersion();
      s.log.info('key backup created', { version });
      s.emit({
        type: 'notice',
        level: 'warn',
        text: `key backup ${version ?? ''} created. Recovery key (write it down, it is shown only now): ${key.encodedPrivateKey ?? '?'}`,
      });
      void s.persist();
      return true;
    }
    case 'backup-restore': {
      const c = crypto(s);
      const text = args.join(' ').trim();
      if (!text) throw new CommandError('usage: /backup-restore <recovery key or passphrase>');
      registerSecret(text);
      const { key, kind } = await secretStorageKeyFrom(s, text);
      s.secretStorageKey = key;
      try {
        await c.loadSessionBackupPrivateKeyFromSecretStorage();
      } catch (e) {
        throw new CommandError(`the ${kind} does not open this account's secret storage`, { cause: e });
      }
      await c.checkKeyBackupAndEnable();
      const result = await c.restoreKeyBackup();
      // The cross-signing keys are in secret storage too: this device signs itself with them.
      await c.bootstrapCrossSigning({}).catch((e: unknown) => s.log.warn('cross-signing keys not taken from secret storage', e));
      s.emit({ type: 'notice', level: 'info', text: `restored ${result.imported} of ${result.total} room keys from the key backup` });
      void s.persist();
      return true;
    }
    default:
      return false;
  }
}

/**
 * Recovery key or passphrase? A recovery key is base58 (spec appendix §"Cryptographic key representation": prefix
 * 0x8B 0x01, 32 key bytes, a parity byte; shown as 48 characters in groups of four, starting with "Es") and decodes
 * with a correct parity; anything else is taken for the passphrase of the secret storage key, when that key was
 * made from one (PBKDF2-SHA-512 with the key's salt and iterations). Either way the key must pass the key's check
 * (its MAC over zeros) before anything is tried with it.
 */
async function secretStorageKeyFrom(s: MatrixState, text: string): Promise<{ key: Uint8Array<ArrayBuffer>; kind: string }> {
  const client = s.client;
  if (!client) throw new CommandError('not connected');
  const compact = text.replace(/\s+/g, '');
  const looksLikeKey = /^E[1-9A-HJ-NP-Za-km-z]{47}$/.test(compact);
  let key: Uint8Array<ArrayBuffer> | undefined;
  try {
    key = decodeRecoveryKey(compact);
  } catch (e) {
    if (looksLikeKey) throw new CommandError('that recovery key has a typo (its check digit does not match)', { cause: e });
  }
  const found = await client.secretStorage.getKey();
  if (!found) throw new CommandError('this account has no secret storage (create a key backup with /backup-create first)');
  const [, info] = found;
  const kind = key ? 'recovery key' : 'passphrase';
  if (!key) {
    const pp = info.passphrase;
    if (!pp || pp.algorithm !== 'm.pbkdf2') {
      throw new CommandError('that is not a recovery key (48 characters in groups of four), and this account\'s key was not made from a passphrase');
    }
    key = await deriveRecoveryKeyFromPassphrase(text, pp.salt, pp.iterations, pp.bits);
  }
  if (!(await client.secretStorage.checkKey(key, info))) {
    throw new CommandError(`the ${kind} does not open this account's secret storage`);
  }
  return { key, kind };
}
