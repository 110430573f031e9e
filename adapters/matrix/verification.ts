/**
 * Interactive device verification with SAS emoji (spec §"Short Authentication String (SAS) verification"), and the
 * device list with verification state. One verification runs at a time per account; the commands act on it:
 * - `/verify <@user> <device>` asks that device; `/verify <@user>` in a room with them asks in the room (spec
 *   §"Key verification framework", in-room requests); `/verify` with the own user id asks our other devices.
 * - `/verify-accept` accepts a request from someone else; the side that asked then starts SAS by itself.
 * - The seven emoji and their names come as a notice; `/verify-confirm` if they match what the other side shows,
 *   `/verify-mismatch` if not (that cancels it), `/verify-cancel` at any time.
 * - `/devices <@user>` lists a user's devices and whether each is verified.
 */
import { CryptoEvent, VerificationPhase, VerificationRequestEvent, VerifierEvent, type ShowSasCallbacks, type VerificationRequest, type Verifier } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { MatrixClient } from 'matrix-js-sdk';
import { CommandError } from '../../src/core/errors.js';
import type { MatrixState } from './state.js';

/** The verification in progress, if any. */
export interface ActiveVerification {
  request: VerificationRequest;
  sas?: ShowSasCallbacks;
  /** Set once the verifier runs (it must be started only once). */
  verifying?: boolean;
}

const who = (r: VerificationRequest) => `${r.otherUserId}${r.otherDeviceId ? ` (device ${r.otherDeviceId})` : ''}`;

function notice(s: MatrixState, text: string, level: 'info' | 'warn' = 'info'): void {
  s.emit({ type: 'notice', level, text });
}

/** Follows a request through its phases: starts SAS when we asked and they accepted, shows the emoji, reports the end. */
function track(s: MatrixState, request: VerificationRequest): void {
  const active: ActiveVerification = { request };
  s.verification = active;
  const onChange = () => {
    if (s.verification !== active) return;
    if (request.phase === VerificationPhase.Ready && request.initiatedByMe && !active.verifying) {
      active.verifying = true;
      void request.startVerification('m.sas.v1').then(
        (v) => runVerifier(s, active, v),
        (e: unknown) => notice(s, `verification with ${who(request)} could not start: ${String(e)}`, 'warn'),
      );
    } else if (request.phase === VerificationPhase.Started && request.verifier && !active.verifying) {
      active.verifying = true;
      runVerifier(s, active, request.verifier);
    } else if (request.phase === VerificationPhase.Cancelled) {
      request.off(VerificationRequestEvent.Change, onChange);
      s.verification = undefined;
      notice(s, `verification with ${who(request)} was cancelled${request.cancellationCode ? ` (${request.cancellationCode})` : ''}`, 'warn');
    } else if (request.phase === VerificationPhase.Done) {
      request.off(VerificationRequestEvent.Change, onChange);
    }
  };
  request.on(VerificationRequestEvent.Change, onChange);
  onChange();
}

function runVerifier(s: MatrixState, active: ActiveVerification, verifier: Verifier): void {
  verifier.on(VerifierEvent.ShowSas, (sas) => {
    active.sas = sas;
    const emoji = sas.sas.emoji?.map(([e, name]) => `${e} ${name}`).join(', ');
    const text = emoji ?? sas.sas.decimal?.join(' ') ?? '?';
    notice(s, `verify ${who(active.request)}: compare ${text} — /verify-confirm if they match, /verify-mismatch if not`);
  });
  verifier.verify().then(
    () => {
      if (s.verification === active) s.verification = undefined;
      notice(s, `verified ${who(active.request)}`);
      void s.persist();
    },
    (e: unknown) => {
      if (s.verification === active) s.verification = undefined;
      notice(s, `verification with ${who(active.request)} failed: ${e instanceof Error ? e.message : String(e)}`, 'warn');
    },
  );
}

/** Reports verification requests from others (to-device or in a room). */
export function attachVerification(s: MatrixState, client: MatrixClient): void {
  client.on(CryptoEvent.VerificationRequestReceived, (request) => {
    if (s.client !== client) return;
    if (s.verification) {
      void request.cancel().catch(() => undefined);
      notice(s, `${who(request)} asked to verify while another verification runs; refused`, 'warn');
      return;
    }
    track(s, request);
    notice(s, `${who(request)} asks to verify${request.isSelfVerification ? ' this device' : ''}: /verify-accept or /verify-cancel`);
  });
}

function crypto(s: MatrixState) {
  const c = s.client?.getCrypto();
  if (!c) throw new CommandError('end-to-end encryption is not running on this account');
  return c;
}

function active(s: MatrixState): ActiveVerification {
  if (!s.verification) throw new CommandError('no verification in progress');
  return s.verification;
}

export async function runVerificationCommand(s: MatrixState, name: string, args: string[], room?: string): Promise<boolean> {
  switch (name) {
    case 'verify': {
      const c = crypto(s);
      if (s.verification) throw new CommandError('a verification is already in progress (/verify-cancel ends it)');
      const user = args[0] ?? s.userId;
      if (!/^@[^:\s]+:\S+$/.test(user)) throw new CommandError('usage: /verify <@user:server> [device]');
      const device = args[1];
      let request: VerificationRequest;
      if (device) request = await c.requestDeviceVerification(user, device);
      else if (user === s.userId) request = await c.requestOwnUserVerification();
      else if (room && s.client?.getRoom(room)?.getMember(user)) request = await c.requestVerificationDM(user, room);
      else throw new CommandError(`name a device of ${user} (/devices ${user}), or type /verify in a room with them`);
      track(s, request);
      notice(s, `asked ${who(request)} to verify; waiting for them to accept`);
      return true;
    }
    case 'verify-accept': {
      const v = active(s);
      if (v.request.initiatedByMe) throw new CommandError('this verification was asked by you; the other side accepts it');
      await v.request.accept();
      return true;
    }
    case 'verify-confirm': {
      const v = active(s);
      if (!v.sas) throw new CommandError('no emoji to confirm yet');
      await v.sas.confirm();
      return true;
    }
    case 'verify-mismatch': {
      const v = active(s);
      if (!v.sas) throw new CommandError('no emoji to compare yet');
      v.sas.mismatch();
      return true;
    }
    case 'verify-cancel': {
      const v = active(s);
      s.verification = undefined;
      await v.request.cancel();
      return true;
    }
    case 'devices': {
      const c = crypto(s);
      const user = args[0] ?? s.userId;
      const devices = (await c.getUserDeviceInfo([user], true)).get(user);
      if (!devices || devices.size === 0) {
        notice(s, `${user} has no devices with encryption keys`);
        return true;
      }
      const lines: string[] = [];
      for (const d of devices.values()) {
        const status = await c.getDeviceVerificationStatus(user, d.deviceId);
        const state = status?.isVerified() ? 'verified' : status?.signedByOwner ? 'signed by its owner, not verified by you' : 'not verified';
        const own = user === s.userId && d.deviceId === s.auth?.deviceId ? ' (this device)' : '';
        lines.push(`${d.deviceId}${d.displayName ? ` "${d.displayName}"` : ''}${own}: ${state}`);
      }
      notice(s, `devices of ${user}: ${lines.join('; ')}`);
      return true;
    }
    default:
      return false;
  }
}
