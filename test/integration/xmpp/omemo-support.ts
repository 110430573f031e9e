/**
 * natter's OMEMO code on a raw XMPP connection (the adapter's own `createXmppClient`, no adapter around it), for the
 * interop tests: announces the device over PEP, encrypts for a contact's devices (fetching bundles for devices without
 * a session) and decrypts every incoming `<encrypted/>` of either version.
 */
import xml, { type Element } from '@xmpp/xml';
import { createXmppClient, type XmppClient } from '../../../adapters/xmpp/client.js';
import { readOptions } from '../../../adapters/xmpp/options.js';
import { OmemoDecryptError, OmemoDevice, VERSIONS, type DecryptResult, type Recipient } from '../../../adapters/xmpp/omemo/device.js';
import { announceOwnDevice, fetchBundle, fetchDeviceList, publishBundle, type IqRequest } from '../../../adapters/xmpp/omemo/pep.js';
import { versionOfNamespace } from '../../../adapters/xmpp/omemo/xml.js';
import type { OmemoVersion } from '../../../adapters/xmpp/omemo/wire.js';
import type { KeyValue } from '../../../src/core/contract.js';
import type { ProsodyServer } from '../../harness/prosody.js';
import { waitFor } from '../../harness/wait-for.js';

export interface Received {
  from: string;
  result?: DecryptResult;
  error?: OmemoDecryptError;
}

import { memoryKv } from '../../../src/core/memory-kv.js';

export { memoryKv };

/** A fresh device whose Ed25519 identity key has the wanted sign bit (new seeds until one matches). */
export function deviceWithSignBit(jid: string, signBit: 0 | 1): { device: OmemoDevice; kv: KeyValue } {
  for (;;) {
    const kv = memoryKv();
    const device = OmemoDevice.open(kv, jid, { preKeyCount: 25 });
    if (device.identityKey('omemo2')[31]! >> 7 === signBit) return { device, kv };
  }
}

export class NatterOmemoClient {
  readonly received: Received[] = [];
  private constructor(
    readonly jid: string,
    readonly client: XmppClient,
    readonly device: OmemoDevice,
    readonly request: IqRequest,
  ) {}

  static async connect(server: ProsodyServer, user: string, password: string, device: OmemoDevice): Promise<NatterOmemoClient> {
    const jid = `${user}@${server.domain}`;
    const client = createXmppClient(readOptions({ jid, host: server.host, port: server.port, tls: 'starttls', ca_file: server.caFile }), password);
    client.entity.on('error', () => {});
    await client.entity.start();
    // As the adapter does (connection.ts afterBind): first traffic waits until stream management is enabled, or
    // xmpp.js miscounts stanzas crossing <enable/> and Prosody ends the stream.
    await waitFor(() => client.sm.enabled, 'stream management enabled', 5000).catch(() => {});
    const request: IqRequest = (iq) => client.iq.request(iq, 20_000);
    const c = new NatterOmemoClient(jid, client, device, request);
    client.entity.on('stanza', (el: Element) => c.onStanza(el));
    await client.entity.send(xml('presence', {}));
    await announceOwnDevice(request, jid, device, VERSIONS);
    return c;
  }

  private onStanza(el: Element): void {
    if (!el.is('message')) return;
    const from = (el.attrs.from ?? '').split('/')[0]!;
    for (const enc of el.getChildren('encrypted')) {
      if (!versionOfNamespace(enc.getNS())) continue;
      try {
        const result = this.device.decrypt(enc, from);
        this.received.push({ from, result });
        if (result.republishBundle) void publishBundle(this.request, this.device, result.version).catch(() => {});
      } catch (e) {
        if (e instanceof OmemoDecryptError) this.received.push({ from, error: e });
        else throw e;
      }
    }
  }

  /** Encrypts `body` for all of `to`'s devices published for `version` and sends it; returns what encrypt reported. */
  async send(to: string, version: OmemoVersion, body: string): Promise<ReturnType<OmemoDevice['encrypt']>> {
    const ids = await fetchDeviceList(this.request, to, version);
    const recipients: Recipient[] = [];
    for (const deviceId of ids) {
      if (this.device.hasSession(version, to, deviceId)) recipients.push({ jid: to, deviceId });
      else recipients.push({ jid: to, deviceId, bundle: await fetchBundle(this.request, to, version, deviceId) });
    }
    const r = this.device.encrypt(version, body, recipients, { to });
    if (r.encryptedFor.length) {
      await this.client.entity.send(
        xml('message', { to, type: 'chat', id: `omemo-${Date.now()}` }, r.element, xml('body', {}, 'I sent you an OMEMO encrypted message.'), xml('store', { xmlns: 'urn:xmpp:hints' })),
      );
    }
    return r;
  }

  async stop(): Promise<void> {
    await this.client.entity.stop().catch(() => {});
  }
}

/**
 * Creates a non-anonymous, members-only, persistent room as Conversations expects for OMEMO (XEP-0384 §6): the owner
 * joins, submits the room configuration (whois = anyone) and makes `members` members. Returns the owner's client.
 */
export async function createOmemoRoom(server: ProsodyServer, owner: string, password: string, room: string, members: string[]): Promise<XmppClient> {
  const jid = `${owner}@${server.domain}`;
  const client = createXmppClient(readOptions({ jid, host: server.host, port: server.port, tls: 'starttls', ca_file: server.caFile }), password);
  client.entity.on('error', () => {});
  await client.entity.start();
  await waitFor(() => client.sm.enabled, 'stream management enabled', 5000).catch(() => {});
  let created = false;
  client.entity.on('stanza', (el: Element) => {
    if (el.is('presence') && el.attrs.from === `${room}/${owner}`) {
      const x = el.getChild('x', 'http://jabber.org/protocol/muc#user');
      if (x?.getChildren('status').some((st) => st.attrs.code === '201' || st.attrs.code === '110')) created = true;
    }
  });
  await client.entity.send(xml('presence', { to: `${room}/${owner}` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
  await waitFor(() => created, `room ${room} created`, 20_000);
  const field = (v: string, value: string) => xml('field', { var: v }, xml('value', {}, value));
  await client.iq.request(
    xml('iq', { type: 'set', to: room }, xml('query', { xmlns: 'http://jabber.org/protocol/muc#owner' }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
      field('FORM_TYPE', 'http://jabber.org/protocol/muc#roomconfig'),
      field('muc#roomconfig_whois', 'anyone'),
      field('muc#roomconfig_membersonly', '1'),
      field('muc#roomconfig_persistentroom', '1'),
    ))),
    20_000,
  );
  // One affiliation change per request: Prosody 0.12 applies only the first item of a request.
  for (const m of members) {
    await client.iq.request(xml('iq', { type: 'set', to: room }, xml('query', { xmlns: 'http://jabber.org/protocol/muc#admin' }, xml('item', { affiliation: 'member', jid: m }))), 20_000);
  }
  return client;
}
