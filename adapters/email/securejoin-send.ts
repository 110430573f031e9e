/**
 * The SecureJoin v3 handshake messages natter sends (see securejoin.ts for the flow). Each is a hidden system
 * message: `Secure-Join` names the step, the body repeats it for clients that show it.
 */
import { formatAutocrypt } from './autocrypt.js';
import { buildEncrypted, buildInner, buildPlain, newMessageId, type HeaderList, type OutgoingMail } from './mime-out.js';
import { encryptSymmetric, fingerprintOf } from './pgp.js';
import { render } from './sending.js';
import { submit } from './smtp.js';
import { sharedSecret, type Invite } from './securejoin.js';
import type { EmailState } from './state.js';

function handshake(s: EmailState, to: string, step: string, extra: HeaderList, chat: boolean): OutgoingMail {
  return {
    from: s.opts!.address,
    to: [to],
    subject: chat ? `Message from ${s.opts!.address}` : 'Secure-Join',
    date: new Date(s.ctx!.now()),
    messageId: newMessageId(s.opts!.domain),
    extra: [['Secure-Join', step], ...extra],
    body: chat ? `Secure-Join: ${step}` : 'Secure-Join',
    chat,
  };
}

async function sendSymmetric(s: EmailState, mail: OutgoingMail, secret: string, sign: boolean): Promise<void> {
  const armored = await encryptSymmetric(buildInner(mail), secret, sign ? await s.ac!.ownKey() : undefined);
  await submit(s, { from: mail.from, to: mail.to }, buildEncrypted(mail, armored));
}

/** Joiner, step 1: asks the inviter for its key, encrypted to the secret from the link (unsigned, no key attached). */
export async function sendRequestPubkey(s: EmailState, invite: Invite): Promise<void> {
  const mail = handshake(s, invite.addr, 'vc-request-pubkey', [['Secure-Join-Auth', invite.auth]], false);
  await sendSymmetric(s, mail, sharedSecret(invite.fingerprint, invite.auth), false);
}

/** Inviter, step 2: the own key, signed, under the same shared secret. */
export async function sendPubkey(s: EmailState, to: string, auth: string, secret: string): Promise<void> {
  const mail = handshake(s, to, 'vc-pubkey', [['Secure-Join-Auth', auth], ['Autocrypt', await s.ac!.ownHeader()]], false);
  await sendSymmetric(s, mail, secret, true);
}

/**
 * Joiner, step 3: proves knowledge of AUTH to the key from the link, encrypted and signed, with the own fingerprint
 * and the inviter's key gossiped back (Delta Chat drops the step when its own key is not gossiped).
 */
export async function sendRequestWithAuth(s: EmailState, invite: Invite): Promise<void> {
  const ac = s.ac!;
  const key = await ac.peerKey(invite.addr);
  if (!key) throw new Error(`no key for ${invite.addr}`);
  const own = fingerprintOf(await ac.ownKey());
  const mail = handshake(
    s,
    invite.addr,
    invite.grpid ? 'vg-request-with-auth' : 'vc-request-with-auth',
    [
      ['Secure-Join-Auth', invite.auth],
      ['Secure-Join-Fingerprint', own],
      ...(invite.grpid ? [['Secure-Join-Group', invite.grpid] as [string, string]] : []),
      ['Autocrypt', await ac.ownHeader()],
      ['Autocrypt-Gossip', formatAutocrypt(invite.addr, key.write())],
    ],
    true,
  );
  await submit(s, { from: mail.from, to: mail.to }, await render(s, mail, [key], false));
}

/** Inviter, step 4: the joiner is verified. */
export async function sendContactConfirm(s: EmailState, to: string): Promise<void> {
  const ac = s.ac!;
  const key = await ac.peerKey(to);
  if (!key) throw new Error(`no key for ${to}`);
  const mail = handshake(s, to, 'vc-contact-confirm', [['Autocrypt', await ac.ownHeader()], ['Autocrypt-Gossip', formatAutocrypt(to, key.write())]], true);
  await submit(s, { from: mail.from, to: mail.to }, await render(s, mail, [key], false));
}

/**
 * Older flow, joiner step 1: the request in the clear with the invite number and our Autocrypt key (the inviter
 * needs it to answer encrypted). Delta Chat accepts this unencrypted mail only as a SecureJoin step.
 */
export async function sendRequest(s: EmailState, invite: Invite): Promise<void> {
  const step = invite.grpid ? 'vg-request' : 'vc-request';
  const mail = handshake(s, invite.addr, step, [['Secure-Join-Invitenumber', invite.invitenumber], ['Autocrypt', await s.ac!.ownHeader()]], true);
  await submit(s, { from: mail.from, to: mail.to }, buildPlain(mail));
}

/** Older flow, inviter step 2: encrypted to the joiner's key from the request, signed, with our key inside. */
export async function sendAuthRequired(s: EmailState, to: string, prefix: 'vc' | 'vg'): Promise<void> {
  const key = await s.ac!.peerKey(to);
  if (!key) throw new Error(`no key for ${to}`);
  const mail = handshake(s, to, `${prefix}-auth-required`, [['Autocrypt', await s.ac!.ownHeader()]], true);
  await submit(s, { from: mail.from, to: mail.to }, await render(s, mail, [key], false));
}
