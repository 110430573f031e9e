/**
 * The XEP-0420 (Stanza Content Encryption) envelope that OMEMO 2 encrypts (XEP-0384 v0.8 §4.4): the message's
 * sensitive children in `<content/>`, and the affix elements `<rpad/>` (random padding hiding the length), `<time/>`,
 * `<to/>` and `<from/>` (bare JIDs, so a relay cannot present the ciphertext as coming from or going to someone else).
 */
import { randomBytes, randomInt } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import parse from '@xmpp/xml/lib/parse.js';

export const NS_SCE = 'urn:xmpp:sce:1';

export class EnvelopeError extends Error {}

/** Builds the envelope around a body (more content elements may be passed in `extra`). */
export function buildEnvelope(o: { body: string; from: string; to: string; extra?: Element[]; now?: Date }): string {
  const pad = randomBytes(randomInt(0, 33)).toString('base64');
  return xml(
    'envelope',
    { xmlns: NS_SCE },
    xml('content', {}, xml('body', { xmlns: 'jabber:client' }, o.body), ...(o.extra ?? [])),
    xml('rpad', {}, pad),
    xml('time', { stamp: (o.now ?? new Date()).toISOString() }),
    xml('to', { jid: o.to }),
    xml('from', { jid: o.from }),
  ).toString();
}

export interface Envelope {
  body?: string;
  content: Element;
  from?: string;
  to?: string;
  time?: string;
}

/** Parses a decrypted envelope; throws {@link EnvelopeError} when it is not one. */
export function parseEnvelope(text: string): Envelope {
  let el: Element;
  try {
    el = parse(text);
  } catch (e) {
    throw new EnvelopeError('the decrypted payload is not XML', { cause: e });
  }
  if (!el.is('envelope', NS_SCE)) throw new EnvelopeError('the decrypted payload is not an SCE envelope');
  const content = el.getChild('content');
  if (!content) throw new EnvelopeError('the SCE envelope has no content');
  const body = content.getChild('body', 'jabber:client') ?? content.getChildren('body').find((b) => !b.attrs.xmlns || b.attrs.xmlns === 'jabber:client');
  return {
    body: body ? body.text() : undefined,
    content,
    from: el.getChild('from')?.attrs.jid,
    to: el.getChild('to')?.attrs.jid,
    time: el.getChild('time')?.attrs.stamp,
  };
}
