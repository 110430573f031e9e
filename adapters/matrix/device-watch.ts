/**
 * A warning when a user we verified adds a device that is not verified (a new login, or someone else's device
 * slipped into their account): messages we send to that user's room are then readable by that device too.
 * Devices seen when a user's list is first known never warn; each new device warns once per run.
 */
import type { MatrixClient } from 'matrix-js-sdk';
import { CryptoEvent } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { MatrixState } from './state.js';

export function attachDeviceWatch(s: MatrixState, client: MatrixClient): void {
  const known = new Map<string, Set<string>>();
  client.on(CryptoEvent.DevicesUpdated, (users: string[]) => {
    if (s.client !== client) return;
    void (async () => {
      const crypto = client.getCrypto();
      if (!crypto) return;
      const devices = await crypto.getUserDeviceInfo(users);
      for (const user of users) {
        const ids = [...(devices.get(user)?.keys() ?? [])];
        const before = known.get(user);
        known.set(user, new Set([...(before ?? []), ...ids]));
        if (!before || user === s.userId) continue;
        const fresh = ids.filter((id) => !before.has(id));
        if (fresh.length === 0 || !(await crypto.getUserVerificationStatus(user)).isVerified()) continue;
        for (const id of fresh) {
          const status = await crypto.getDeviceVerificationStatus(user, id);
          if (status?.isVerified()) continue;
          s.emit({ type: 'notice', level: 'warn', text: `${user}, whom you verified, has a new device ${id} that is not verified (/verify ${user} ${id})` });
        }
      }
    })().catch((e: unknown) => s.log.warn('device list check failed', e));
  });
}
