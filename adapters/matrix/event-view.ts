/**
 * From the SDK's MatrixEvent (decrypted when it was encrypted) to the plain {@link EventView} the handlers take,
 * with what protected it: scheme `megolm`, the sending device and how far we trust it, or why decryption failed.
 */
import { EventShieldColour, EventShieldReason, type CryptoApi } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { MatrixEvent } from 'matrix-js-sdk';
import type { EncryptionInfo, TrustLevel } from '../../src/core/model.js';
import type { EventView } from './events/types.js';

/** Plain words for the SDK's DecryptionFailureCode values. */
const FAILURES: Record<string, string> = {
  MEGOLM_UNKNOWN_INBOUND_SESSION_ID: 'the room key has not arrived (yet)',
  MEGOLM_KEY_WITHHELD: 'the sender withheld the room key',
  MEGOLM_KEY_WITHHELD_FOR_UNVERIFIED_DEVICE: 'the sender does not share keys with unverified devices',
  OLM_UNKNOWN_MESSAGE_INDEX: 'the room key does not cover this message (sent before this device got it)',
  HISTORICAL_MESSAGE_NO_KEY_BACKUP: 'sent before this device existed, and there is no key backup',
  HISTORICAL_MESSAGE_BACKUP_UNCONFIGURED: 'sent before this device existed; key backup is not set up here',
  HISTORICAL_MESSAGE_WORKING_BACKUP: 'sent before this device existed; the key is not in the backup',
  HISTORICAL_MESSAGE_USER_NOT_JOINED: 'sent while you were not in the room',
  SENDER_IDENTITY_PREVIOUSLY_VERIFIED: "the sender's verified identity changed",
  UNSIGNED_SENDER_DEVICE: 'the sender did not verify the device it sent from',
  UNKNOWN_SENDER_DEVICE: 'sent from an unknown device',
  UNKNOWN_ERROR: 'unknown decryption error',
};

export function failureText(code: string | null | undefined): string {
  return (code && FAILURES[code]) ?? 'the message could not be decrypted';
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

/** What protected an event. Never throws: a crypto lookup that fails leaves trust `unknown`. */
export async function encryptionOf(ev: MatrixEvent, crypto: CryptoApi | undefined): Promise<EncryptionInfo> {
  if (!ev.isEncrypted()) return { scheme: 'none' };
  const wire = ev.getWireContent();
  let senderDevice = typeof wire.device_id === 'string' ? wire.device_id : undefined;
  if (ev.isDecryptionFailure()) {
    return { scheme: 'megolm', ...(senderDevice ? { senderDevice } : {}), error: failureText(ev.decryptionFailureReason) };
  }
  let trust: TrustLevel = 'unknown';
  try {
    const sender = ev.getSender();
    const senderKey = ev.getSenderKey();
    if (crypto && sender) {
      if (!senderDevice && senderKey) {
        // Newer senders leave device_id out of the wire content (MSC3700); find the device by its Curve25519 key.
        const devices = (await crypto.getUserDeviceInfo([sender])).get(sender);
        for (const d of devices?.values() ?? []) if (d.getIdentityKey() === senderKey) senderDevice = d.deviceId;
      }
      const info = await crypto.getEncryptionInfoForEvent(ev);
      const status = senderDevice ? await crypto.getDeviceVerificationStatus(sender, senderDevice) : null;
      // RED for a device its owner never cross-signed only means nobody vouched for it; other RED reasons
      // (mismatched sender key, authenticity not guaranteed) mean it should not be believed.
      if (info?.shieldColour === EventShieldColour.RED && info.shieldReason !== EventShieldReason.UNSIGNED_DEVICE) trust = 'untrusted';
      else if (status?.isVerified()) trust = 'verified';
      else if (status) trust = 'unverified';
    }
  } catch {
    trust = 'unknown';
  }
  return { scheme: 'megolm', ...(senderDevice ? { senderDevice } : {}), trust };
}

/** The handlers' view of an event; `encryption` comes from {@link encryptionOf}. */
export function viewOf(ev: MatrixEvent, encryption: EncryptionInfo, flags: { historical?: boolean; late?: boolean } = {}): EventView {
  const failed = ev.isDecryptionFailure();
  const view: EventView = {
    roomId: ev.getRoomId() ?? '',
    eventId: ev.getId() ?? '',
    type: failed ? 'm.room.encrypted' : ev.getType(),
    content: failed ? obj(ev.getWireContent()) : obj(ev.getContent()),
    sender: ev.getSender() ?? '',
    ts: ev.getTs(),
    encryption,
  };
  const stateKey = ev.getStateKey();
  if (stateKey !== undefined) view.stateKey = stateKey;
  const redacts = ev.event.redacts;
  if (typeof redacts === 'string') view.redacts = redacts;
  const prev = ev.getPrevContent();
  if (prev && Object.keys(prev).length > 0) view.prevContent = obj(prev);
  if (flags.historical) view.historical = true;
  if (flags.late) view.late = true;
  return view;
}
