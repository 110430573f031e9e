/**
 * Contact management typed as commands (until the core has roster actions): `/add <jid> [name]` asks for a
 * subscription and adds the contact (RFC 6121 §2.3, §3.1), `/remove <jid>` removes it (§2.5), `/accept <jid>` and
 * `/deny <jid>` answer a subscription request (§3.1.3–§3.1.4), `/block <jid>` and `/unblock <jid>` use the blocking
 * command (XEP-0191).
 */
import xml, { type Element } from '@xmpp/xml';
import { CommandError } from '../../src/core/errors.js';
import { bareJid } from './jid.js';
import { xmlSafe } from './xml-text.js';

const NS_ROSTER = 'jabber:iq:roster';
const NS_BLOCKING = 'urn:xmpp:blocking';

export const ROSTER_COMMANDS = ['add', 'remove', 'accept', 'deny', 'block', 'unblock'] as const;

export interface RosterIo {
  /** Writes a stanza. */
  write(el: Element): void;
  /** Sends an IQ and resolves with the result (rejects with the server's error). */
  iq(type: 'get' | 'set', child: Element): Promise<Element>;
}

export async function rosterCommand(io: RosterIo, name: (typeof ROSTER_COMMANDS)[number], args: string[]): Promise<void> {
  const jid = bareJid(args[0]);
  if (!jid || !jid.includes('@')) throw new CommandError(`/${name} needs an address such as bob@example.org`);
  switch (name) {
    case 'add': {
      const label = xmlSafe(args.slice(1).join(' ').trim());
      await io.iq('set', xml('query', { xmlns: NS_ROSTER }, xml('item', { jid, ...(label ? { name: label } : {}) })));
      io.write(xml('presence', { to: jid, type: 'subscribe' }));
      return;
    }
    case 'remove':
      await io.iq('set', xml('query', { xmlns: NS_ROSTER }, xml('item', { jid, subscription: 'remove' })));
      return;
    case 'accept':
      io.write(xml('presence', { to: jid, type: 'subscribed' }));
      // Most clients make it mutual: ask for theirs too (a no-op for the server when we already have it).
      io.write(xml('presence', { to: jid, type: 'subscribe' }));
      return;
    case 'deny':
      io.write(xml('presence', { to: jid, type: 'unsubscribed' }));
      return;
    case 'block':
      await io.iq('set', xml('block', { xmlns: NS_BLOCKING }, xml('item', { jid })));
      return;
    case 'unblock':
      await io.iq('set', xml('unblock', { xmlns: NS_BLOCKING }, xml('item', { jid })));
      return;
  }
}
