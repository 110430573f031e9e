/**
 * SecureJoin v3 handshake messages (the `Secure-Join` header; flow in ../securejoin.ts). They are never shown as
 * chat; the outcome is: the peer's key marked verified, a 1:1 conversation, and a notice.
 */
import { fingerprintOf } from '../pgp.js';
import { authTokens, finishJoin, joins, sharedSecret } from '../securejoin.js';
import { sendContactConfirm, sendPubkey, sendRequestWithAuth } from '../securejoin-send.js';
import type { EmailState } from '../state.js';
import type { Inbound } from './types.js';

const fpr = (v: string | undefined) => v?.replace(/[\s:]/g, '').toUpperCase();

export async function onSecureJoin(s: EmailState, m: Inbound): Promise<void> {
  const step = m.mail.header('secure-join')?.trim().toLowerCase();
  const { mail, from } = m;
  const log = s.log.child('securejoin');
  if (m.direction === 'out') return;
  const own = fingerprintOf(await s.ac!.ownKey());
  switch (step) {
    case 'vc-request-pubkey': {
      // Inviter: the joiner knows AUTH (the message opened with securejoin/<own fingerprint>/<auth>).
      const auth = mail.header('secure-join-auth')?.trim();
      if (!auth || !authTokens(s).includes(auth) || mail.symmetricSecret !== sharedSecret(own, auth)) {
        log.info('ignored vc-request-pubkey with an unknown auth code', { from: from.address });
        return;
      }
      await sendPubkey(s, from.address, auth, mail.symmetricSecret);
      log.info('sent vc-pubkey', { to: from.address });
      return;
    }
    case 'vc-pubkey': {
      // Joiner: the inviter's key, signed by the key whose fingerprint the link named.
      const invite = joins(s).find((j) => mail.symmetricSecret === sharedSecret(j.fingerprint, j.auth));
      if (!invite || from.address !== invite.addr || mail.encryption.senderDevice !== invite.fingerprint) {
        log.info('ignored vc-pubkey that does not match a join in progress', { from: from.address, signer: mail.encryption.senderDevice });
        return;
      }
      s.ac!.markVerified(invite.addr, invite.fingerprint);
      await sendRequestWithAuth(s, invite);
      finishJoin(s, invite.fingerprint);
      s.emit({ type: 'conversation', conversation: { remoteId: invite.addr, kind: 'direct', title: invite.name ?? invite.addr, joined: true, encrypted: true } });
      s.emit({ type: 'notice', level: 'info', text: `${invite.addr} is verified (SecureJoin); waiting for their confirmation` });
      return;
    }
    case 'vc-request-with-auth': {
      // Inviter: encrypted and signed by the key the joiner names, with a valid AUTH and our own key gossiped back.
      const auth = mail.header('secure-join-auth')?.trim();
      const claimed = fpr(mail.header('secure-join-fingerprint'));
      const signer = mail.encryption.senderDevice;
      const gossipsUs = mail.gossip.some((g) => g.addr === s.opts!.address);
      if (!auth || !authTokens(s).includes(auth) || !signer || signer !== claimed || !gossipsUs || mail.encryption.trust === 'untrusted') {
        log.info('ignored vc-request-with-auth', { from: from.address, authOk: Boolean(auth && authTokens(s).includes(auth)), signer, claimed, gossipsUs });
        return;
      }
      s.ac!.markVerified(from.address, signer);
      await sendContactConfirm(s, from.address);
      s.emit({ type: 'conversation', conversation: { remoteId: from.address, kind: 'direct', title: from.name || from.address, joined: true, encrypted: true } });
      s.emit({ type: 'notice', level: 'info', text: `${from.address} joined through your invite and is verified (SecureJoin)` });
      return;
    }
    case 'vc-contact-confirm': {
      if (mail.encryption.trust !== 'verified') return;
      s.emit({ type: 'notice', level: 'info', text: `${from.address} confirmed the verified contact (SecureJoin)` });
      return;
    }
    default:
      log.info('ignored a SecureJoin step natter does not handle', { step, from: from.address });
  }
}
