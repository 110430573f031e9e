/**
 * The `/omemo` commands (Adapter.command for XMPP, issue #4), over a small {@link OmemoCommandHost} so unit tests run
 * them against an in-memory PEP service:
 * - `/omemo`: this conversation's setting and every device of the contact (room: of each member) with its
 *   fingerprint in 8-digit groups and its trust;
 * - `/omemo on`, `/omemo off` (`/omemo off confirm` where the contact uses OMEMO: sending in the clear is a choice);
 * - `/omemo trust <device id | fingerprint>`, `/omemo distrust <…>`: a device id trusts the key shown by `/omemo`;
 *   a changed key is accepted only by its new fingerprint;
 * - `/omemo verify`: the own fingerprint and a QR code of the `xmpp:` URI that Conversations scans;
 * - `/omemo devices`, `/omemo remove-device <id>…`: the account's own devices, removing stale ones.
 * `/download [n | aesgcm link]` (XEP-0454): the newest (or n-th newest) encrypted file of the conversation, decrypted
 * into the download directory.
 * Output goes to the conversation as lines (`show`), or to the status line outside one.
 */
import type { KeyValue } from '../../../src/core/contract.js';
import { CommandError } from '../../../src/core/errors.js';
import { qrLines } from '../../../src/core/qr-lines.js';
import { conversationOmemo, setConversationOmemo } from './conversation-policy.js';
import type { IqRequest } from './pep.js';
import { recentFileLinks, type OmemoPipeline } from './pipeline.js';

export const OMEMO_COMMANDS = ['omemo', 'download'] as const;

export interface OmemoCommandHost {
  pipeline: OmemoPipeline;
  kv: KeyValue;
  /** Own bare JID. */
  own: string;
  /** The current connection's IQ sender; undefined while offline. */
  request?: IqRequest;
  /** Whether `conversation` is a room, and its members' real bare JIDs (non-anonymous rooms). */
  room(conversation: string): { members: string[] } | undefined;
  /** Shows lines in `conversation` (or on the status line without one). */
  show(conversation: string | undefined, lines: string[]): void;
  /** Downloads and decrypts an aesgcm link; resolves with where the file went. */
  download(link: string): Promise<{ path: string; size: number }>;
}

const TRUST_WORDS = { blind: 'trusted blindly (not verified)', verified: 'verified', distrusted: 'DISTRUSTED: gets nothing' } as const;

/** Runs `/omemo …` or `/download …`; false when `name` is not one of them. */
export async function runOmemoCommand(h: OmemoCommandHost, name: string, args: string[], conversation?: string): Promise<boolean> {
  if (name === 'download') {
    await download(h, args, conversation);
    return true;
  }
  if (name !== 'omemo') return false;
  const [sub = '', ...rest] = args;
  switch (sub.toLowerCase()) {
    case '':
    case 'status':
      await status(h, need(conversation, '/omemo'));
      return true;
    case 'on':
      setConversationOmemo(h.kv, need(conversation, '/omemo on'), 'on');
      h.show(conversation, ['OMEMO is on in this conversation: messages that cannot be encrypted are not sent.']);
      return true;
    case 'off':
      await off(h, need(conversation, '/omemo off'), rest[0]?.toLowerCase() === 'confirm');
      return true;
    case 'trust':
    case 'verify-device':
      trust(h, need(conversation, `/omemo ${sub}`), rest.join(''), 'verified');
      return true;
    case 'distrust':
      trust(h, need(conversation, '/omemo distrust'), rest.join(''), 'distrusted');
      return true;
    case 'verify':
      h.show(conversation, verifyLines(h.pipeline));
      return true;
    case 'devices':
      await ownDevices(h, conversation);
      return true;
    case 'remove-device': {
      const ids = rest.map((a) => Number(a));
      if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id <= 0)) throw new CommandError('usage: /omemo remove-device <device id> … (see /omemo devices)');
      if (ids.includes(h.pipeline.device.deviceId)) throw new CommandError(`${h.pipeline.device.deviceId} is this device: it cannot remove itself`);
      const removed = await h.pipeline.removeOwnDevices(ids, online(h));
      const missing = ids.filter((id) => !removed.includes(id));
      h.show(conversation, [
        removed.length ? `removed from the device lists: ${removed.join(', ')}` : 'nothing removed',
        ...(missing.length ? [`not in the device lists: ${missing.join(', ')}`] : []),
      ]);
      return true;
    }
    default:
      throw new CommandError('usage: /omemo [on | off | trust <id|fingerprint> | distrust <id|fingerprint> | verify | devices | remove-device <id>]');
  }
}

function need(conversation: string | undefined, usage: string): string {
  if (!conversation) throw new CommandError(`${usage} works in a conversation: open one first`);
  return conversation.split('/')[0]!.toLowerCase();
}

function online(h: OmemoCommandHost): IqRequest {
  if (!h.request) throw new CommandError('not connected to the XMPP server');
  return h.request;
}

/** Fingerprints are shown in groups of 8 hex digits (the form other clients show). */
export function groupFingerprint(fp: string): string {
  return (fp.replace(/[^0-9a-f]/gi, '').toLowerCase().match(/.{1,8}/g) ?? []).join(' ');
}

/** Who a conversation's messages are encrypted for: the contact, or the room's members. */
function peersOf(h: OmemoCommandHost, conversation: string): string[] {
  const room = h.room(conversation);
  if (!room) return [conversation];
  return [...new Set(room.members.map((m) => m.split('/')[0]!.toLowerCase()))].filter((m) => m !== h.own);
}

async function status(h: OmemoCommandHost, conversation: string): Promise<void> {
  const setting = conversationOmemo(h.kv, conversation);
  const peers = peersOf(h, conversation);
  const published = new Map<string, number[]>();
  if (h.request) for (const p of peers) published.set(p, await h.pipeline.publishedDevices(p, h.request));
  const anyDevices = [...published.values()].some((ids) => ids.length > 0) || peers.some((p) => h.pipeline.devices(p).length > 0);
  const lines = [
    setting === 'off'
      ? 'OMEMO is OFF in this conversation (/omemo off): messages go without end-to-end encryption. /omemo on encrypts again.'
      : setting === 'on'
        ? 'OMEMO is ON in this conversation (/omemo on): messages that cannot be encrypted are not sent.'
        : anyDevices
          ? 'OMEMO is on (default): messages are encrypted.'
          : 'OMEMO is on (default), but no one here publishes OMEMO devices: messages go without end-to-end encryption.',
  ];
  for (const peer of peers) {
    const known = h.pipeline.devices(peer);
    const listed = published.get(peer);
    const ids = [...new Set([...known.map((d) => d.deviceId), ...(listed ?? [])])];
    if (ids.length === 0) {
      lines.push(`${peer}: no OMEMO devices${h.request ? '' : ' known (offline: not asked)'}`);
      continue;
    }
    lines.push(`${peer}:`);
    for (const id of ids) {
      const d = known.find((k) => k.deviceId === id);
      const gone = listed && !listed.includes(id) ? ' (no longer published)' : '';
      if (!d) lines.push(`  device ${id}: no key fetched yet (the next message fetches it)${gone}`);
      else {
        lines.push(`  device ${id}: ${groupFingerprint(d.fingerprint)}  ${TRUST_WORDS[d.trust]}${gone}`);
        if (d.pending) lines.push(`    KEY CHANGED to ${groupFingerprint(d.pending)}: gets nothing until you compare it and type /omemo trust ${d.pending.replace(/ /g, '')}`);
      }
    }
  }
  lines.push(`this device ${h.pipeline.device.deviceId}: ${groupFingerprint(h.pipeline.ownFingerprint())} (/omemo verify shows it as a QR code)`);
  h.show(conversation, lines);
}

async function off(h: OmemoCommandHost, conversation: string, confirmed: boolean): Promise<void> {
  if (!confirmed) {
    const peers = peersOf(h, conversation);
    let uses = peers.filter((p) => h.pipeline.devices(p).length > 0);
    if (h.request) for (const p of peers) if (!uses.includes(p) && (await h.pipeline.publishedDevices(p, h.request)).length > 0) uses = [...uses, p];
    if (uses.length > 0) {
      throw new CommandError(`${uses.join(', ')} ${uses.length === 1 ? 'uses' : 'use'} OMEMO: /omemo off would send this conversation's messages unencrypted. Type /omemo off confirm to do that.`);
    }
  }
  setConversationOmemo(h.kv, conversation, 'off');
  h.show(conversation, ['OMEMO is OFF in this conversation: messages go without end-to-end encryption. /omemo on encrypts again.']);
}

/** Finds the device `what` (a device id, or a fingerprint in any spacing) names among the conversation's peers and own devices. */
function trust(h: OmemoCommandHost, conversation: string, what: string, level: 'verified' | 'distrusted'): void {
  const word = level === 'verified' ? 'trust' : 'distrust';
  if (!what) throw new CommandError(`usage: /omemo ${word} <device id | fingerprint> (see /omemo)`);
  const clean = what.replace(/[^0-9a-f]/gi, '').toLowerCase();
  const candidates = [...peersOf(h, conversation), h.own].flatMap((jid) => h.pipeline.devices(jid).map((d) => ({ jid, ...d })));
  const byId = /^\d+$/.test(what) ? candidates.filter((d) => String(d.deviceId) === what) : [];
  const byFp = clean.length >= 16 ? candidates.filter((d) => d.fingerprint.replace(/ /g, '') === clean || d.pending?.replace(/ /g, '') === clean) : [];
  const found = byFp.length ? byFp : byId;
  if (found.length === 0) throw new CommandError(`no known OMEMO device ${what} here: /omemo lists the devices of this conversation`);
  if (found.length > 1) throw new CommandError(`${what} names several devices (${found.map((d) => `${d.jid} ${d.deviceId}`).join(', ')}): give the fingerprint`);
  const d = found[0]!;
  // By id: the key /omemo shows. By fingerprint: that key, which may be a changed one waiting for a decision.
  const fp = byFp.length ? clean : d.fingerprint;
  if (!byFp.length && d.pending) throw new CommandError(`the key of ${d.jid}'s device ${d.deviceId} changed: compare the new fingerprint (/omemo) and give it instead of the id`);
  if (!h.pipeline.setTrust(d.jid, d.deviceId, fp, level)) throw new CommandError(`the key of ${d.jid}'s device ${d.deviceId} is not the one named: check /omemo again`);
  h.show(conversation, [
    level === 'verified'
      ? `${d.jid}'s device ${d.deviceId} (${groupFingerprint(fp)}) is now verified.`
      : `${d.jid}'s device ${d.deviceId} (${groupFingerprint(fp)}) is now distrusted: it gets no more messages.`,
  ]);
}

/** The own fingerprint and a QR code of the verification URI (what Conversations scans to verify this device). */
export function verifyLines(p: OmemoPipeline): string[] {
  const uri = p.verificationUri();
  return [
    `this device ${p.device.deviceId}, fingerprint ${groupFingerprint(p.ownFingerprint())}`,
    'scan this with the other client (Conversations: "Scan QR code"), or compare the fingerprint by eye:',
    ...qrLines(uri, { quietZone: 2 }),
    uri,
  ];
}

async function ownDevices(h: OmemoCommandHost, conversation: string | undefined): Promise<void> {
  const self = h.pipeline.device.deviceId;
  const listed = h.request ? await h.pipeline.publishedDevices(h.own, h.request) : [];
  const known = h.pipeline.devices(h.own);
  const ids = [...new Set([self, ...listed, ...known.map((d) => d.deviceId)])];
  const lines = [`devices of ${h.own}:`];
  for (const id of ids) {
    const d = known.find((k) => k.deviceId === id);
    const fp = id === self ? h.pipeline.ownFingerprint() : d?.fingerprint;
    const note = id === self ? 'this device' : !listed.includes(id) && h.request ? 'no longer published' : d ? TRUST_WORDS[d.trust] : 'key not fetched yet';
    lines.push(`  ${id}: ${fp ? groupFingerprint(fp) : '(unknown key)'}  ${note}`);
  }
  if (ids.length > 1) lines.push('/omemo remove-device <id> takes a stale one out of the device lists.');
  h.show(conversation, lines);
}

async function download(h: OmemoCommandHost, args: string[], conversation: string | undefined): Promise<void> {
  const arg = args[0];
  let link: string | undefined;
  if (arg?.startsWith('aesgcm://')) link = arg;
  else {
    const n = arg === undefined ? 1 : Number(arg);
    if (!Number.isInteger(n) || n < 1) throw new CommandError('usage: /download [n | aesgcm://…]: the newest (or n-th newest) encrypted file here');
    const links = recentFileLinks(h.kv, need(conversation, '/download'));
    link = links[links.length - n];
    if (!link) throw new CommandError(links.length ? `only ${links.length} encrypted file${links.length === 1 ? '' : 's'} here` : 'no encrypted file (aesgcm link) arrived in this conversation');
  }
  let got: { path: string; size: number };
  try {
    got = await h.download(link);
  } catch (e) {
    throw new CommandError(`/download failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  h.show(conversation, [`saved ${got.path} (${got.size} bytes, decrypted)`]);
}
