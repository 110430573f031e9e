/**
 * Secure secret storage and key backup (spec §"Secret storage", §"Server-side key backups").
 * - `/backup-create [passphrase]`: makes a recovery key (from the passphrase when given), secret storage under it
 *   (holding the cross-signing keys and the backup key) and a new key backup; room keys are backed up from then on.
 *   The recovery key is shown once, as a notice, to be written down.
 * - `/backup-restore <recovery key>`: on a new device, opens secret storage with the recovery key, loads the backup
 *   key, restores the room keys (messages shown undecryptable become readable: the timeline's late decryption turns
 *   their placeholders into the text) and takes over the cross-signing keys, so this device is trusted too.
 * The recovery key lives in memory only, for the SDK's secret storage callback, and is never persisted.
 */
import { decodeRecoveryKey } from 'matrix-js-sdk/lib/crypto-api/index.js';
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
      if (!text) throw new CommandError('usage: /backup-restore <recovery key>');
      registerSecret(text);
      let key: Uint8Array<ArrayBuffer>;
      try {
        key = decodeRecoveryKey(text);
      } catch (e) {
        throw new CommandError('that is not a recovery key (48 characters in groups of four)', { cause: e });
      }
      s.secretStorageKey = key;
      try {
        await c.loadSessionBackupPrivateKeyFromSecretStorage();
      } catch (e) {
        throw new CommandError('the recovery key does not open this account\'s secret storage', { cause: e });
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
