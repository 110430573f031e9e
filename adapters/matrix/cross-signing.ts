/**
 * Cross-signing (spec §"Cross-signing"). A new account (no cross-signing keys on the server) gets them made and
 * uploaded at the first start, authorized with the account password (user-interactive auth, `m.login.password`);
 * this device is then signed by them. An account that has keys already needs this device verified from another one
 * (`/verify` with the own user id), which a notice says. `/cross-signing` re-runs the set-up by hand.
 */
import type { MatrixClient } from 'matrix-js-sdk';
import type { MatrixState } from './state.js';

export async function ensureCrossSigning(s: MatrixState, client: MatrixClient, force = false): Promise<void> {
  const crypto = client.getCrypto();
  if (!crypto) return;
  if (!force && (await crypto.isCrossSigningReady())) return;
  const exists = await crypto.userHasCrossSigningKeys(s.userId, true);
  if (exists && !force) {
    s.emit({ type: 'notice', level: 'info', text: `${s.userId}: verify this device from another one of yours (/verify ${s.userId}) to trust it` });
    return;
  }
  if (!s.password) {
    s.emit({ type: 'notice', level: 'warn', text: `${s.userId}: cross-signing needs the account password to be set up` });
    return;
  }
  const password = s.password;
  await crypto.bootstrapCrossSigning({
    setupNewCrossSigning: force || !exists,
    authUploadDeviceSigningKeys: async (makeRequest) => {
      await makeRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: s.userId }, password } as never);
    },
  });
  s.log.info('cross-signing set up');
  s.emit({ type: 'notice', level: 'info', text: `${s.userId}: cross-signing keys created; this device is signed` });
  void s.persist();
}
