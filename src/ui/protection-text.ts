/**
 * Plain words for how a message was protected end to end — scheme (legacy OMEMO or OMEMO 2, Olm/Megolm, OpenPGP),
 * sending device and trust — shown on the status row while the message is selected. The 🔒 before each body says
 * only *that* a message was encrypted and, by its colour, whether the sender is trusted; this says *how*.
 */
import type { EncryptionInfo, Message } from '../core/model.js';

const schemeNames: Record<EncryptionInfo['scheme'], string> = {
  none: 'not end-to-end encrypted',
  'omemo:legacy': 'OMEMO (legacy, eu.siacs.conversations.axolotl)',
  'omemo:2': 'OMEMO 2',
  olm: 'Olm',
  megolm: 'Megolm',
  openpgp: 'OpenPGP',
};

const trustWords: Record<NonNullable<EncryptionInfo['trust']>, string> = {
  verified: 'verified',
  trusted: 'trusted (not verified)',
  unverified: 'unverified',
  untrusted: 'UNTRUSTED',
  unknown: 'trust unknown',
};

export function protectionText(e: EncryptionInfo): string {
  if (e.error) return `🔒 ${schemeNames[e.scheme]}: could not decrypt (${e.error})`;
  if (e.scheme === 'none') return schemeNames.none;
  const parts = [`🔒 ${schemeNames[e.scheme]}`];
  if (e.senderDevice) parts.push(`device ${e.senderDevice}`);
  if (e.trust) parts.push(trustWords[e.trust]);
  return parts.join(' · ');
}

/** The status row while a message is selected: who, how it was protected, and what the keys do. */
export function selectionSummary(m: Message): string {
  const who = m.direction === 'out' ? 'you' : m.senderName || m.senderId;
  const keys = m.direction === 'out' ? 'r reply · e edit · d delete · + react · Esc' : 'r reply · + react · Esc';
  return `${who}: ${protectionText(m.encryption)} — ${keys}`;
}
