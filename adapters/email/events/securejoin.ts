/**
 * SecureJoin handshake messages (the `Secure-Join` header; flow in ../securejoin.ts), v3 and the older flow that
 * starts in the clear (`vc-request` with `Secure-Join-Invitenumber`, answered by `vc-auth-required`). They are never
 * shown as chat; the outcome is: the peer's key marked verified, a 1:1 conversation (or group), and a notice.
 */
import { fingerprintOf } from '../pgp.js';
import { addMember } from '../editing.js';
import { getGroup } from '../groups.js';
import { authTokens, finishJoin, groupOfAuth, joins, KV_SJ_INVITENUMBER, sharedSecret, type Invite } from '../securejoin.js';
import { sendAuthRequired, sendContactConfirm, sendPubkey, sendRequestWithAuth } from '../securejoin-send.js';
import type { EmailState } from '../state.js';
import type { Inbound } from './types.js';

const fpr = (v: string | undefined) => v?.replace(/[\s:]/g, '').toUpperCase();

/** Handles a handshake step; returns true when the message should also be processed as chat (vg-member-added). */
export async function onSecureJoin(s: EmailState, m: Inbound): Promise<boolean> {
  const step = m.mail.header('secure-join')?.trim().toLowerCase();
  const { mail, from } = m;
  const log = s.log.child('securejoin');
  if (m.direction === 'out') return false;
  // The inviter's group message adding us: a group message like any other (it creates the group here).
  if (step === 'vg-member-added') return true;
  const own = fingerprintOf(await s.ac!.ownKey());
  // Older flow, inviter: a request in the clear carrying the invite number and the joiner's Autocrypt key. Any message
  // with the invite number counts as this step, whatever its Secure-Join header says (as in Delta Chat).
  const invitenumber = mail.header('secure-join-invitenumber')?.trim();
  if (invitenumber !== undefined) {
    if (invitenumber !== s.kv.get(KV_SJ_INVITENUMBER) || !(await s.ac!.peerKey(from.address))) {
      log.info('ignored a SecureJoin request with an unknown invite number or no key', { from: from.address });
      return false;
    }
    await sendAuthRequired(s, from.address, step?.startsWith('vg') ? 'vg' : 'vc');
    log.info('sent auth-required', { to: from.address });
    return false;
  }
  switch (step) {
    case 'vc-auth-required':
    case 'vg-auth-required': {
      // Older flow, joiner: encrypted and signed by the key the link named; then the same request-with-auth as v3.
      const invite = joins(s).find((j) => !j.v3 && j.addr === from.address && j.fingerprint === mail.encryption.senderDevice);
      if (!invite) {
        log.info('ignored auth-required that does not match a join in progress', { from: from.address, signer: mail.encryption.senderDevice });
        return false;
      }
      await continueJoin(s, invite);
      return false;
    }
    case 'vc-request-pubkey': {
      // Inviter: the joiner knows AUTH (the message opened with securejoin/<own fingerprint>/<auth>).
      const auth = mail.header('secure-join-auth')?.trim();
      if (!auth || !authTokens(s).includes(auth) || mail.symmetricSecret !== sharedSecret(own, auth)) {
        log.info('ignored vc-request-pubkey with an unknown auth code', { from: from.address });
        return false;
      }
      await sendPubkey(s, from.address, auth, mail.symmetricSecret);
      log.info('sent vc-pubkey', { to: from.address });
      return false;
    }
    case 'vc-pubkey': {
      // Joiner: the inviter's key, signed by the key whose fingerprint the link named.
      const invite = joins(s).find((j) => mail.symmetricSecret === sharedSecret(j.fingerprint, j.auth));
      if (!invite || from.address !== invite.addr || mail.encryption.senderDevice !== invite.fingerprint) {
        log.info('ignored vc-pubkey that does not match a join in progress', { from: from.address, signer: mail.encryption.senderDevice });
        return false;
      }
      await continueJoin(s, invite);
      return false;
    }
    case 'vc-request-with-auth':
    case 'vg-request-with-auth': {
      // Inviter: encrypted and signed by the key the joiner names, with a valid AUTH and our own key gossiped back.
      const auth = mail.header('secure-join-auth')?.trim();
      const claimed = fpr(mail.header('secure-join-fingerprint'));
      const signer = mail.encryption.senderDevice;
      const gossipsUs = mail.gossip.some((g) => g.addr === s.opts!.address);
      if (!auth || !authTokens(s).includes(auth) || !signer || signer !== claimed || !gossipsUs || mail.encryption.trust === 'untrusted') {
        log.info('ignored vc-request-with-auth', { from: from.address, authOk: Boolean(auth && authTokens(s).includes(auth)), signer, claimed, gossipsUs });
        return false;
      }
      const group = groupOfAuth(s, auth);
      if (step === 'vg-request-with-auth' && (!group || mail.header('secure-join-group')?.trim() !== group)) {
        log.info('ignored vg-request-with-auth for another group', { from: from.address });
        return false;
      }
      s.ac!.markVerified(from.address, signer);
      s.emit({ type: 'conversation', conversation: { remoteId: from.address, kind: 'direct', title: from.name || from.address, joined: true, encrypted: true } });
      if (step === 'vg-request-with-auth' && group) {
        // The group hears of the new member (with every key gossiped); the joiner learns the group from it.
        if (!getGroup(s, group)?.members.includes(from.address)) await addMember(s, group, from.address, [['Secure-Join', 'vg-member-added']]);
        s.emit({ type: 'notice', level: 'info', text: `${from.address} joined the group through your invite and is verified (SecureJoin)` });
        return false;
      }
      await sendContactConfirm(s, from.address);
      s.emit({ type: 'notice', level: 'info', text: `${from.address} joined through your invite and is verified (SecureJoin)` });
      return false;
    }
    case 'vc-contact-confirm': {
      if (mail.encryption.trust !== 'verified') return false;
      s.emit({ type: 'notice', level: 'info', text: `${from.address} confirmed the verified contact (SecureJoin)` });
      return false;
    }
    default:
      log.info('ignored a SecureJoin step natter does not handle', { step, from: from.address });
      return false;
  }
}

/** Joiner: the inviter's key is the one the link named: verified; prove AUTH to it (request-with-auth). */
async function continueJoin(s: EmailState, invite: Invite): Promise<void> {
  s.ac!.markVerified(invite.addr, invite.fingerprint);
  await sendRequestWithAuth(s, invite);
  finishJoin(s, invite.fingerprint);
  s.emit({ type: 'conversation', conversation: { remoteId: invite.addr, kind: 'direct', title: invite.name ?? invite.addr, joined: true, encrypted: true } });
  s.emit({
    type: 'notice',
    level: 'info',
    text: invite.grpid
      ? `${invite.addr} is verified (SecureJoin); waiting to be added to the group ${invite.groupName ?? invite.grpid}`
      : `${invite.addr} is verified (SecureJoin); waiting for their confirmation`,
  });
}
