/** An in-memory PEP service (XEP-0163) for OMEMO unit tests: publish and items/item queries for several accounts. */
import xml, { type Element } from '@xmpp/xml';

const PUBSUB = 'http://jabber.org/protocol/pubsub';

/** A PEP service for several accounts: publish and items/item queries, item-not-found for missing nodes. */
export function pepService() {
  const nodes = new Map<string, Map<string, Element>>();
  const requests: string[] = [];
  const forAccount = (own: string) => async (iq: Element): Promise<Element> => {
    const pubsub = iq.getChild('pubsub', PUBSUB)!;
    const publish = pubsub.getChild('publish');
    if (publish) {
      const key = `${own} ${publish.attrs.node}`;
      const item = publish.getChild('item')!;
      const node = nodes.get(key) ?? new Map<string, Element>();
      node.set(item.attrs.id!, item);
      nodes.set(key, node);
      requests.push(`publish ${publish.attrs.node}`);
      return xml('iq', { type: 'result' });
    }
    const items = pubsub.getChild('items')!;
    const key = `${iq.attrs.to ?? own} ${items.attrs.node}`;
    requests.push(`items ${key}`);
    const node = nodes.get(key);
    if (!node) throw Object.assign(new Error('item-not-found'), { condition: 'item-not-found' });
    const wanted = items.getChild('item')?.attrs.id;
    const list = wanted ? [node.get(wanted)].filter((x): x is Element => !!x) : [...node.values()].slice(-1);
    return xml('iq', { type: 'result' }, xml('pubsub', { xmlns: PUBSUB }, xml('items', { node: items.attrs.node }, ...list)));
  };
  return { nodes, requests, forAccount };
}
