/**
 * OMEMO's PEP traffic (XEP-0163 over XEP-0060) for both versions: publishing the own device list and bundle with an
 * open access model (XEP-0384 v0.8 §5.3.2: contacts without a presence subscription must be able to fetch them;
 * XEP-0060 §7.1.5 publish-options), and fetching contacts' lists and bundles. Transport-agnostic: the caller passes
 * a function that sends an IQ and resolves with the result IQ (rejecting with an error that has the RFC 6120
 * `condition`, as both xmpp.js's caller and the adapter's `IqRequests` do).
 */
import xml, { type Element } from '@xmpp/xml';
import type { OmemoDevice } from './device.js';
import type { OmemoVersion } from './wire.js';
import type { Bundle } from './x3dh.js';
import { bundleItemId, buildDeviceList, NODES, parseBundle, parseDeviceList } from './xml.js';

export type IqRequest = (iq: Element) => Promise<Element>;

const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
const NS_DATA = 'jabber:x:data';

const conditionOf = (e: unknown): string | undefined => (e && typeof e === 'object' && 'condition' in e ? String((e as { condition: unknown }).condition) : undefined);

function publishOptions(fields: Record<string, string>): Element {
  return xml(
    'publish-options',
    {},
    xml(
      'x',
      { xmlns: NS_DATA, type: 'submit' },
      xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, 'http://jabber.org/protocol/pubsub#publish-options')),
      ...Object.entries(fields).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v))),
    ),
  );
}

/** Publishes one item to an own PEP node with publish-options (retrying with a numeric max_items if 'max' is refused). */
export async function publishItem(request: IqRequest, node: string, itemId: string, payload: Element, options: Record<string, string>): Promise<void> {
  const send = (opts: Record<string, string>) =>
    request(xml('iq', { type: 'set' }, xml('pubsub', { xmlns: NS_PUBSUB }, xml('publish', { node }, xml('item', { id: itemId }, payload)), publishOptions(opts))));
  try {
    await send(options);
  } catch (e) {
    if (options['pubsub#max_items'] !== 'max') throw e;
    await send({ ...options, 'pubsub#max_items': '1000' });
  }
}

/** Items of a PEP node of `jid` (an item id narrows it); [] when the node does not exist. */
export async function fetchItems(request: IqRequest, jid: string, node: string, itemId?: string): Promise<Element[]> {
  const items = xml('items', itemId ? { node } : { node, max_items: '1' }, itemId ? xml('item', { id: itemId }) : undefined);
  let answer: Element;
  try {
    answer = await request(xml('iq', { type: 'get', to: jid }, xml('pubsub', { xmlns: NS_PUBSUB }, items)));
  } catch (e) {
    if (conditionOf(e) === 'item-not-found') return [];
    throw e;
  }
  return answer.getChild('pubsub', NS_PUBSUB)?.getChild('items')?.getChildren('item') ?? [];
}

/** A contact's (or our own) device ids for one version; [] when none are published. */
export async function fetchDeviceList(request: IqRequest, jid: string, version: OmemoVersion): Promise<number[]> {
  const items = await fetchItems(request, jid, NODES[version].devices);
  const el = items[0]?.getChildElements()[0];
  return el ? parseDeviceList(el).ids : [];
}

/** One device's bundle, or undefined when it is not published. */
export async function fetchBundle(request: IqRequest, jid: string, version: OmemoVersion, deviceId: number): Promise<Bundle | undefined> {
  const items = await fetchItems(request, jid, NODES[version].bundle(deviceId), version === 'omemo2' ? String(deviceId) : undefined);
  const el = items[0]?.getChildElements()[0];
  return el ? parseBundle(el) : undefined;
}

export async function publishBundle(request: IqRequest, device: OmemoDevice, version: OmemoVersion): Promise<void> {
  const options: Record<string, string> = { 'pubsub#access_model': 'open' };
  if (version === 'omemo2') options['pubsub#max_items'] = 'max';
  await publishItem(request, NODES[version].bundle(device.deviceId), bundleItemId(version, device.deviceId), device.bundle(version), options);
}

export async function publishDeviceList(request: IqRequest, version: OmemoVersion, ids: number[]): Promise<void> {
  await publishItem(request, NODES[version].devices, 'current', buildDeviceList(version, ids.map((id) => ({ id }))), { 'pubsub#access_model': 'open' });
}

/**
 * On connect: publishes the own bundle for each version, then adds the own device id to the own device list when it
 * is missing (keeping the other devices; XEP-0384 v0.8 §5.3.1). Bundles go first so no one sees a listed device
 * without a bundle.
 */
export async function announceOwnDevice(request: IqRequest, ownJid: string, device: OmemoDevice, versions: readonly OmemoVersion[]): Promise<void> {
  for (const v of versions) {
    await publishBundle(request, device, v);
    const ids = await fetchDeviceList(request, ownJid, v);
    if (!ids.includes(device.deviceId)) await publishDeviceList(request, v, [...ids, device.deviceId]);
  }
}
