import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KnownMembership, type MatrixEvent } from 'matrix-js-sdk';
import { CryptoEvent, VerificationPhase, VerifierEvent, type ShowSasCallbacks, type VerificationRequest } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { matrixTestTarget, type MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { waitFor } from '../../harness/wait-for.js';
import { enc, request, waitForAsync } from './support.js';
import { releaseSdkTimers, sdkClient, type SdkClient } from './sdk-client.js';

const target = matrixTestTarget();
let server: MatrixTestServer;
let alice: SdkClient;
let bob: SdkClient;
let sharedRoom: string | undefined;

before(async () => {
  server = await target.start();
  [alice, bob] = await Promise.all([sdkClient(server, 'alice'), sdkClient(server, 'bob')]);
});

after(async () => {
  alice?.stop();
  bob?.stop();
  await server?.stop();
  releaseSdkTimers();
});

/** Runs `fn`; on failure prints the tail of both SDK logs, which say why crypto did what it did. */
async function withLogs(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    for (const c of [alice, bob]) process.stderr.write(`--- ${c.userId} log tail ---\n${c.logs.slice(-80).join('\n')}\n`);
    throw e;
  }
}

test('crypto init found no backup (room_keys/version 404), then a created backup is the current version', async () => {
  await withLogs(async () => {
    const crypto = alice.client.getCrypto()!;
    assert.equal(await crypto.getActiveSessionBackupVersion(), null);
    const none = await request(server.url, 'GET', '/room_keys/version', { token: alice.client.getAccessToken()! });
    assert.equal(none.status, 404);
    assert.equal(none.body['errcode'], 'M_NOT_FOUND');
    await crypto.resetKeyBackup();
    const info = await crypto.getKeyBackupInfo();
    assert.ok(info?.version, 'backup version exists on the server');
    const current = await request(server.url, 'GET', '/room_keys/version', { token: alice.client.getAccessToken()! });
    assert.equal(current.status, 200);
    assert.equal(current.body['version'], info.version);
    assert.equal(current.body['algorithm'], 'm.megolm_backup.v1.curve25519-aes-sha2');
  });
});

test('encrypted room: alice invites, bob joins, alice sends, bob decrypts (Megolm key over to-device Olm)', async () => {
  await withLogs(async () => {
    const { room_id: roomId } = await alice.client.createRoom({
      name: 'secret room',
      invite: [bob.userId],
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    await waitFor(() => bob.client.getRoom(roomId)?.getMyMembership() === KnownMembership.Invite, 'bob sees the invite', 60_000);
    await bob.client.joinRoom(roomId);
    await waitFor(
      () => alice.client.getRoom(roomId)?.getMember(bob.userId)?.membership === KnownMembership.Join,
      'alice sees bob joined',
      60_000,
    );
    assert.equal(await alice.client.getCrypto()!.isEncryptionEnabledInRoom(roomId), true);
    sharedRoom = roomId;
    const { event_id: eventId } = await alice.client.sendTextMessage(roomId, 'the eagle lands at dawn');

    // On the wire it is m.room.encrypted with no plaintext.
    const raw = await request(server.url, 'GET', `/rooms/${enc(roomId)}/event/${enc(eventId)}`, { token: bob.client.getAccessToken()! });
    assert.equal(raw.body['type'], 'm.room.encrypted');
    assert.equal(raw.body['content']['algorithm'], 'm.megolm.v1.aes-sha2');
    assert.doesNotMatch(JSON.stringify(raw.body), /eagle/);

    let decrypted: MatrixEvent | undefined;
    await waitFor(() => {
      decrypted = bob.client.getRoom(roomId)?.findEventById(eventId);
      return decrypted && !decrypted.isDecryptionFailure() && decrypted.getType() === 'm.room.message';
    }, 'bob decrypts the message', 90_000);
    assert.equal(decrypted!.getContent()['body'], 'the eagle lands at dawn');
    assert.equal(decrypted!.isEncrypted(), true);
    assert.equal(decrypted!.getSender(), alice.userId);

    // And back: bob answers, alice decrypts (a second Megolm session, shared the other way).
    const { event_id: replyId } = await bob.client.sendTextMessage(roomId, 'copy that');
    let reply: MatrixEvent | undefined;
    await waitFor(() => {
      reply = alice.client.getRoom(roomId)?.findEventById(replyId);
      return reply && reply.getType() === 'm.room.message';
    }, 'alice decrypts the reply', 90_000);
    assert.equal(reply!.getContent()['body'], 'copy that');
  });
});

test('SAS verification between two users in their encrypted room (in-room m.key.verification.* events)', async () => {
  await withLogs(async () => {
    assert.ok(sharedRoom, 'room from the previous test');
    let incoming: VerificationRequest | undefined;
    bob.client.on(CryptoEvent.VerificationRequestReceived, (r) => {
      incoming = r;
    });
    // User verification needs cross-signing identities on both sides (device_signing/upload, first time without UIA).
    for (const c of [alice, bob]) {
      await c.client.getCrypto()!.bootstrapCrossSigning({
        authUploadDeviceSigningKeys: async (makeRequest) => {
          await makeRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: c.userId }, password: 'correct horse' });
        },
      });
    }
    // alice learns bob's identity through the device-list change in her sync and the keys/query after it.
    let outgoing: VerificationRequest | undefined;
    await waitForAsync(async () => (outgoing = await alice.client.getCrypto()!.requestVerificationDM(bob.userId, sharedRoom!)), 'alice knows bob\'s identity', 60_000);
    if (!outgoing) throw new Error('no request');
    await waitFor(() => incoming, 'bob gets the verification request', 60_000);
    assert.equal(incoming!.roomId, sharedRoom);
    await incoming!.accept();
    await waitFor(() => outgoing!.phase === VerificationPhase.Ready, 'request ready', 60_000);
    const verifier = await outgoing!.startVerification('m.sas.v1');
    await waitFor(() => incoming!.verifier, 'bob has a verifier', 60_000);
    const shown: string[][] = [];
    for (const v of [verifier, incoming!.verifier!]) {
      v.on(VerifierEvent.ShowSas, (sas: ShowSasCallbacks) => {
        shown.push((sas.sas.emoji ?? []).map(([emoji, name]) => `${emoji} ${name}`));
        void sas.confirm();
      });
    }
    await Promise.all([verifier.verify(), incoming!.verifier!.verify()]);
    assert.equal(shown.length, 2);
    assert.equal(shown[0]!.length, 7);
    assert.deepEqual(shown[0], shown[1]);
    await waitFor(() => outgoing!.phase === VerificationPhase.Done && incoming!.phase === VerificationPhase.Done, 'both done', 60_000);
    // alice's user-signing key signed bob's master key and the server handed that signature out.
    await waitForAsync(async () => (await alice.client.getCrypto()!.getUserVerificationStatus(bob.userId)).isCrossSigningVerified(), 'alice trusts bob', 60_000);
  });
});
