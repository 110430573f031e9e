/**
 * OMEMO policy, commands and encrypted files through the XMPP adapter on a private Prosody (mod_http_file_share on
 * loopback HTTPS), with python-omemo (test/harness/omemo-peer.py) as carol and two natter adapters (alice, bob):
 * - an upload with OMEMO on is encrypted before it leaves (XEP-0454): python-omemo decrypts a body holding the
 *   `aesgcm://` link, the stanza carries neither the link nor an OOB element in the clear, the server holds
 *   ciphertext, and decrypting the downloaded bytes with the link's key gives the file; bob's `/download` does the
 *   same into his download_dir;
 * - SendResult.encryption says how each message went; `/omemo on` never sends in the clear; `/omemo off` needs
 *   `confirm` where the contact uses OMEMO; distrusting every device refuses the message in plain words;
 * - `/omemo` lists carol's device with its fingerprint; a second device of carol leaves an unmistakable line;
 * - a correction of an encrypted message is encrypted as well.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SendRejected, type AdapterEvent } from '../../../src/core/contract.js';
import { CommandError } from '../../../src/core/errors.js';
import { decryptFile, parseAesgcmUrl } from '../../../adapters/xmpp/omemo/aesgcm.js';
import { groupFingerprint } from '../../../adapters/xmpp/omemo/commands.js';
import { OmemoPeer, omemoPeerUnavailable } from '../../harness/omemo-peer.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { waitFor } from '../../harness/wait-for.js';
import { client, PASSWORD, skipReason, type Client, type MessageEvent } from './support.js';

function skip(): string | false {
  const s = skipReason();
  if (s) return s;
  if (process.env.CI === 'true') return false;
  return omemoPeerUnavailable() ?? false;
}

function download(url: string, ca: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
type SystemLine = Extract<AdapterEvent, { type: 'message' }>;
const isLine = (e: AdapterEvent, conversation: string, pattern: RegExp): boolean =>
  e.type === 'message' && e.message.kind === 'system' && e.message.conversation.remoteId === conversation && pattern.test(e.message.body);

describe('OMEMO policy, commands and encrypted files', { skip: skip(), timeout: 400_000 }, () => {
  let server: ProsodyServer;
  let alice: Client;
  let bob: Client;
  let carol: OmemoPeer;
  let carolDevice: number;
  let dir: string;
  let downloads: string;
  const C = 'carol@localhost';
  const DAVE = 'dave@localhost';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'natter-omemo-files-'));
    downloads = join(dir, 'downloads');
    server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD, carol: PASSWORD, dave: PASSWORD }, uploadLimit: 4 * 1024 * 1024 });
    alice = await client(server, 'alice', { omemo: true });
    bob = await client(server, 'bob', { omemo: true, download_dir: downloads });
    for (const c of [alice, bob]) await waitFor(() => c.ctx.logs.some((l) => l.includes('omemo device announced')), `${c.jid} announced`, 30_000);
    carol = new OmemoPeer({ jid: C, password: PASSWORD, host: server.host, port: server.port, cafile: server.caFile });
    carolDevice = (await carol.waitEvent((e) => e.event === 'ready', 'carol ready')).deviceId as number;
  });

  after(async () => {
    await carol?.stop();
    await alice?.adapter.stop();
    await bob?.adapter.stop();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a file to python-omemo goes encrypted (XEP-0454): the link only inside OMEMO, the download decrypts to the file', async () => {
    const bytes = randomBytes(300_000);
    const path = join(dir, 'holiday photo.jpg');
    writeFileSync(path, bytes);
    const mark = carol.events.length;
    const r = await alice.adapter.send({
      localId: 'ef-1',
      conversation: { remoteId: C, kind: 'direct' },
      kind: 'text',
      body: 'the photo',
      attachment: { path, name: 'holiday photo.jpg', size: bytes.length, mime: 'image/jpeg' },
    });
    assert.equal(r.encryption?.scheme, 'omemo:2', 'SendResult says how it was protected');
    assert.equal(r.encryption?.trust, 'unverified');
    const got = await carol.waitEvent((e) => (e.event === 'message' && typeof e.body === 'string' && e.body.startsWith('the photo\n')) || e.event === 'decrypt-error', 'carol decrypts', mark);
    assert.equal(got.event, 'message', JSON.stringify(got));
    const link = (got.body as string).split('\n')[1]!;
    assert.match(link, new RegExp(`^aesgcm://localhost:${server.httpsPort}/\\S+#[0-9a-f]{88}$`));
    assert.ok(!link.includes('holiday'), 'the slot name tells the server nothing');
    const stanza = got.stanza as string;
    assert.ok(!stanza.includes('aesgcm') && !stanza.includes(`localhost:${server.httpsPort}`), 'no link in the clear');
    assert.ok(!stanza.includes('jabber:x:oob'), 'no OOB element');
    const parsed = parseAesgcmUrl(link)!;
    const dl = await download(parsed.httpsUrl, readFileSync(server.caFile));
    assert.equal(dl.status, 200);
    assert.equal(dl.body.length, bytes.length + 16, 'ciphertext + GCM tag');
    assert.notEqual(sha(dl.body.subarray(0, bytes.length)), sha(bytes), 'the server holds ciphertext');
    assert.equal(sha(decryptFile(new Uint8Array(dl.body), parsed.key, parsed.iv)), sha(bytes), 'decrypts to the file');
    // The own echo tells the engine the link (with its key) in place of the local file.
    const echo = alice.ctx.ofType('message').map((e) => e.message).find((m) => m.localId === 'ef-1');
    assert.deepEqual(echo?.attachments, [{ url: link, name: 'holiday photo.jpg', size: bytes.length, mime: 'image/jpeg' }]);
  });

  it('natter to natter: bob gets the encrypted file link and /download decrypts it into his download_dir', async () => {
    const bytes = randomBytes(70_000);
    const path = join(dir, 'report.pdf');
    writeFileSync(path, bytes);
    const from = bob.ctx.events.length;
    const r = await alice.adapter.send({ localId: 'ef-2', conversation: { remoteId: bob.jid, kind: 'direct' }, kind: 'text', body: '', attachment: { path, name: 'report.pdf', size: bytes.length, mime: 'application/pdf' } });
    assert.equal(r.encryption?.scheme, 'omemo:2');
    const e = (await bob.ctx.waitFor((x) => x.type === 'message' && x.message.senderId === alice.jid && (x.message.attachments?.length ?? 0) > 0, 'bob gets the file', 60_000, from)) as MessageEvent;
    assert.equal(e.message.encryption?.scheme, 'omemo:2');
    assert.match(e.message.attachments![0]!.url, /^aesgcm:\/\//);
    const lines = bob.ctx.events.length;
    await bob.adapter.command('download', [], alice.jid);
    const saved = (await bob.ctx.waitFor((x) => isLine(x, alice.jid, /^saved /), 'download line', 30_000, lines)) as SystemLine;
    const file = /^saved (.+) \((\d+) bytes, decrypted\)$/.exec(saved.message.body)!;
    assert.equal(file[1]!.startsWith(downloads), true, saved.message.body);
    assert.equal(sha(readFileSync(file[1]!)), sha(bytes), 'the downloaded file decrypts to the original');
    assert.equal(statSync(file[1]!).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(downloads).length, 1);
  });

  it('/omemo shows the contact\'s device with its fingerprint in groups of 8 and the trust', async () => {
    const from = alice.ctx.events.length;
    await alice.adapter.command('omemo', [], C);
    const line = (await alice.ctx.waitFor((x) => isLine(x, C, /^OMEMO is on/), '/omemo status', 30_000, from)) as SystemLine;
    const m = new RegExp(`device ${carolDevice}: ((?:[0-9a-f]{8} ){7}[0-9a-f]{8})  trusted blindly`).exec(line.message.body);
    assert.ok(m, line.message.body);
    assert.equal(groupFingerprint(m[1]!), m[1]);
  });

  it('/omemo on never sends in the clear to a contact without OMEMO; the default does, and says so (no encryption)', async () => {
    const plain = await alice.adapter.send({ localId: 'pol-1', conversation: { remoteId: DAVE, kind: 'direct' }, kind: 'text', body: 'dave has no OMEMO' });
    assert.equal(plain.encryption, undefined);
    await alice.adapter.command('omemo', ['on'], DAVE);
    await assert.rejects(
      alice.adapter.send({ localId: 'pol-2', conversation: { remoteId: DAVE, kind: 'direct' }, kind: 'text', body: 'must not leak' }),
      (e: unknown) => e instanceof SendRejected && !e.retryable && /not sent: OMEMO is on in this conversation.*dave@localhost publishes no OMEMO devices; \/omemo off/.test(e.reason),
    );
    await alice.adapter.command('omemo', ['off'], DAVE);
  });

  it('/omemo off needs confirm where the contact uses OMEMO; then messages go plain, and /omemo on encrypts again', async () => {
    await assert.rejects(alice.adapter.command('omemo', ['off'], bob.jid), (e: unknown) => e instanceof CommandError && /uses OMEMO.*\/omemo off confirm/.test(e.message));
    await alice.adapter.command('omemo', ['off', 'confirm'], bob.jid);
    const from = bob.ctx.events.length;
    const r = await alice.adapter.send({ localId: 'pol-3', conversation: { remoteId: bob.jid, kind: 'direct' }, kind: 'text', body: 'in the clear, as chosen' });
    assert.equal(r.encryption, undefined);
    const got = (await bob.ctx.waitFor((x) => x.type === 'message' && x.message.body === 'in the clear, as chosen', 'plain message', 30_000, from)) as MessageEvent;
    assert.equal(got.message.encryption, undefined);
    await alice.adapter.command('omemo', ['on'], bob.jid);
    const r2 = await alice.adapter.send({ localId: 'pol-4', conversation: { remoteId: bob.jid, kind: 'direct' }, kind: 'text', body: 'encrypted again' });
    assert.equal(r2.encryption?.scheme, 'omemo:2');
    const got2 = (await bob.ctx.waitFor((x) => x.type === 'message' && x.message.body === 'encrypted again', 'encrypted message', 30_000, from)) as MessageEvent;
    assert.equal(got2.message.encryption?.scheme, 'omemo:2');
  });

  it('distrusting every device of the contact: not sent, in plain words; trusting it again sends', async () => {
    await alice.adapter.command('omemo', ['distrust', String(carolDevice)], C);
    await assert.rejects(
      alice.adapter.send({ localId: 'pol-5', conversation: { remoteId: C, kind: 'direct' }, kind: 'text', body: 'not for a distrusted device' }),
      (e: unknown) => e instanceof SendRejected && new RegExp(`none of the OMEMO devices of ${C} can receive it \\(${C}: ${carolDevice} distrusted\\).*/omemo trust.*/omemo off`).test(e.reason),
    );
    await alice.adapter.command('omemo', ['trust', String(carolDevice)], C);
    const mark = carol.events.length;
    const r = await alice.adapter.send({ localId: 'pol-6', conversation: { remoteId: C, kind: 'direct' }, kind: 'text', body: 'verified now' });
    assert.equal(r.encryption?.trust, 'verified');
    const got = await carol.waitEvent((e) => (e.event === 'message' && e.body === 'verified now') || e.event === 'decrypt-error', 'carol decrypts', mark);
    assert.equal(got.event, 'message', JSON.stringify(got));
  });

  it('a correction (XEP-0308) of an encrypted message is encrypted too: its new text never goes in the clear', async () => {
    const mark = carol.events.length;
    const r = await alice.adapter.send({ localId: 'fix-1', conversation: { remoteId: C, kind: 'direct' }, kind: 'text', body: 'teh typo' });
    await carol.waitEvent((e) => e.event === 'message' && e.body === 'teh typo', 'carol got the original', mark);
    await alice.adapter.edit!(r.remoteId!, C, 'the fix');
    const got = await carol.waitEvent((e) => (e.event === 'message' && e.body === 'the fix') || e.event === 'decrypt-error', 'carol decrypts the correction', mark);
    assert.equal(got.event, 'message', JSON.stringify(got));
    const stanza = got.stanza as string;
    assert.match(stanza, /<replace xmlns="urn:xmpp:message-correct:0" id="fix-1"/);
    assert.ok(!stanza.includes('the fix'), 'the corrected text is not in the clear');
  });

  it('a second device of carol leaves an unmistakable line in her conversation, and gets the next message', async () => {
    // Contacts' PEP notifications (XEP-0163 §4.3.1) go to those subscribed to their presence: carol in alice's
    // roster both ways (slixmpp approves by itself; /accept pre-approves carol's request).
    await alice.adapter.command('add', [C]);
    await alice.adapter.command('accept', [C]);
    const phone = new OmemoPeer({ jid: C, password: PASSWORD, host: server.host, port: server.port, cafile: server.caFile });
    try {
      const phoneDevice = (await phone.waitEvent((e) => e.event === 'ready', 'carol phone ready')).deviceId as number;
      await waitFor(() => alice.ctx.logs.some((l) => l.includes('omemo device list update') && l.includes(String(phoneDevice))), 'device-list notification', 60_000);
      const from = alice.ctx.events.length;
      const mark = phone.events.length;
      await alice.adapter.send({ localId: 'pol-7', conversation: { remoteId: C, kind: 'direct' }, kind: 'text', body: 'to both of carol\'s devices' });
      const line = (await alice.ctx.waitFor((x) => isLine(x, C, /HAS A NEW OMEMO DEVICE/), 'new device line', 30_000, from)) as SystemLine;
      assert.ok(line.message.body.includes(`${C} HAS A NEW OMEMO DEVICE ${phoneDevice}`), line.message.body);
      assert.ok(line.message.body.includes(`/omemo distrust ${phoneDevice}`));
      const got = await phone.waitEvent((e) => (e.event === 'message' && e.body === 'to both of carol\'s devices') || e.event === 'decrypt-error', 'phone decrypts', mark);
      assert.equal(got.event, 'message', JSON.stringify(got));
    } finally {
      await phone.stop();
    }
  });

  it('/omemo verify draws the QR code of the verification URI', async () => {
    const from = alice.ctx.events.length;
    await alice.adapter.command('omemo', ['verify'], C);
    const line = (await alice.ctx.waitFor((x) => isLine(x, C, /^this device/), 'verify lines', 30_000, from)) as SystemLine;
    const lines = line.message.body.split('\n');
    assert.match(lines.at(-1)!, /^xmpp:alice@localhost\?omemo-sid-\d+=[0-9a-f]{64}$/);
    const qr = lines.slice(2, -1);
    assert.ok(qr.length > 10 && qr.every((l) => /^[█▀▄ ]+$/.test(l) && l.length === qr[0]!.length), 'a block of half-block lines');
  });
});
