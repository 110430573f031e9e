import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MatrixEvent } from 'matrix-js-sdk';
import { CryptoEvent, VerificationPhase, VerifierEvent, type GeneratedSecretStorageKey, type ShowSasCallbacks, type VerificationRequest } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { matrixTestTarget, type MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { waitFor } from '../../harness/wait-for.js';
import { request, waitForAsync } from './support.js';
import { releaseSdkTimers, sdkClient, type SdkClient } from './sdk-client.js';

const PASSWORD = 'correct horse';
const target = matrixTestTarget();
let server: MatrixTestServer;
let first: SdkClient;
let second: SdkClient | undefined;
let recoveryKey: GeneratedSecretStorageKey | undefined;

// Both devices answer secret-storage prompts with the recovery key (what a user types in).
const cryptoCallbacks = {
  getSecretStorageKey: async ({ keys }: { keys: Record<string, unknown> }): Promise<[string, Uint8Array<ArrayBuffer>] | null> => {
    const keyId = Object.keys(keys)[0];
    return keyId && recoveryKey ? [keyId, new Uint8Array(recoveryKey.privateKey)] : null;
  },
};

before(async () => {
  server = await target.start();
  first = await sdkClient(server, 'alice', PASSWORD, { cryptoCallbacks });
});

after(async () => {
  first?.stop();
  second?.stop();
  await server?.stop();
  releaseSdkTimers();
});

async function withLogs(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    for (const c of [first, second]) if (c) process.stderr.write(`--- ${c.deviceId} log tail ---\n${c.logs.slice(-80).join('\n')}\n`);
    throw e;
  }
}

test('cross-signing + secret storage + key backup on one device; a new device restores the backup and reads old history', async () => {
  await withLogs(async () => {
    const crypto = first.client.getCrypto()!;
    recoveryKey = await crypto.createRecoveryKeyFromPassphrase();
    await crypto.bootstrapCrossSigning({
      authUploadDeviceSigningKeys: async (makeRequest) => {
        await makeRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: first.userId }, password: PASSWORD });
      },
    });
    await crypto.bootstrapSecretStorage({ createSecretStorageKey: async () => recoveryKey!, setupNewKeyBackup: true });
    assert.equal(await crypto.isCrossSigningReady(), true);
    assert.equal(await crypto.isSecretStorageReady(), true);
    const backup = await crypto.getActiveSessionBackupVersion();
    assert.ok(backup, 'key backup active');

    const { room_id: roomId } = await first.client.createRoom({
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    // matrix-js-sdk sends in plaintext to a room it has not synced yet: wait until it knows the room is encrypted.
    await waitForAsync(async () => first.client.getRoom(roomId) && (await crypto.isEncryptionEnabledInRoom(roomId)), 'room known encrypted', 60_000);
    const { event_id: eventId } = await first.client.sendTextMessage(roomId, 'note to future self');
    const raw = await request(server.url, 'GET', `/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(eventId)}`, { token: first.client.getAccessToken()! });
    assert.equal(raw.body['type'], 'm.room.encrypted');
    // The Megolm session reaches the server-side backup.
    await waitForAsync(async () => {
      const r = await request(server.url, 'GET', '/room_keys/version', { token: first.client.getAccessToken()! });
      return (r.body['count'] as number) > 0;
    }, 'session backed up', 60_000);

    second = await sdkClient(server, 'alice', PASSWORD, { loginAs: { userId: first.userId, password: PASSWORD }, cryptoCallbacks });
    const crypto2 = second.client.getCrypto()!;
    await crypto2.loadSessionBackupPrivateKeyFromSecretStorage();
    const restored = await crypto2.restoreKeyBackup();
    assert.ok(restored.imported >= 1, `imported ${restored.imported} of ${restored.total}`);
    let ev: MatrixEvent | undefined;
    await waitFor(() => {
      ev = second!.client.getRoom(roomId)?.findEventById(eventId);
      return ev && !ev.isDecryptionFailure() && ev.getType() === 'm.room.message';
    }, 'new device decrypts old history', 60_000);
    assert.equal(ev!.getContent()['body'], 'note to future self');
  });
});

test('SAS emoji verification between two devices of one user (to-device), both sides see the same emoji', async () => {
  await withLogs(async () => {
    assert.ok(second, 'second device from the previous test');
    let incoming: VerificationRequest | undefined;
    second!.client.on(CryptoEvent.VerificationRequestReceived, (r) => {
      incoming = r;
    });
    // The first device must know the second one (keys/query after the device-list change).
    await waitForAsync(
      async () => (await first.client.getCrypto()!.getUserDeviceInfo([first.userId], true)).get(first.userId)?.has(second!.deviceId),
      'first device knows the second',
      60_000,
    );
    const outgoing = await first.client.getCrypto()!.requestOwnUserVerification();
    await waitFor(() => incoming, 'verification request arrives', 60_000);
    await incoming!.accept();
    await waitFor(() => outgoing.phase === VerificationPhase.Ready, 'request ready', 60_000);
    const verifier = await outgoing.startVerification('m.sas.v1');
    await waitFor(() => incoming!.verifier, 'other side has a verifier', 60_000);
    const shown: string[][] = [];
    const confirmOn = (v: typeof verifier): void => {
      v.on(VerifierEvent.ShowSas, (sas: ShowSasCallbacks) => {
        shown.push((sas.sas.emoji ?? []).map(([emoji, name]) => `${emoji} ${name}`));
        void sas.confirm();
      });
    };
    confirmOn(verifier);
    confirmOn(incoming!.verifier!);
    await Promise.all([verifier.verify(), incoming!.verifier!.verify()]);
    assert.equal(shown.length, 2);
    assert.equal(shown[0]!.length, 7);
    assert.deepEqual(shown[0], shown[1]);
    // The first device holds the self-signing key: it signs the second one (keys/signatures/upload), and after the
    // device-list round trip the second device is cross-signing verified.
    await waitForAsync(
      async () => (await first.client.getCrypto()!.getDeviceVerificationStatus(first.userId, second!.deviceId))?.crossSigningVerified,
      'second device cross-signed',
      60_000,
    );
    const q = await request(server.url, 'POST', '/keys/query', { token: first.client.getAccessToken()!, body: { device_keys: { [first.userId]: [second!.deviceId] } } });
    const sigs = q.body['device_keys'][first.userId][second!.deviceId]['signatures'][first.userId] as Record<string, string>;
    assert.ok(Object.keys(sigs).length >= 2, 'device signature plus the self-signing key signature on the server');
  });
});
