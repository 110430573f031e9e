/**
 * SecureJoin v3 (https://securejoin.delta.chat/, chatmail/core src/securejoin.rs) for setting up a verified contact,
 * both sides, as current Delta Chat runs it:
 *
 * inviter (`/invite`)                                   joiner (`/join <link>`)
 *   link `https://i.delta.chat/#FPR&v=3&i=INVITE&s=AUTH&a=ADDR&n=NAME`  ──────────▶ scanned or pasted
 *   ◀── `vc-request-pubkey`: encrypted to the password `securejoin/FPR/AUTH` (SKESK, salted S2K), unsigned
 *   ──▶ `vc-pubkey`: same password, signed, the inviter's key in the protected Autocrypt header; the joiner checks
 *        the signer's fingerprint against FPR from the link and marks the inviter verified
 *   ◀── `vc-request-with-auth`: encrypted to the inviter's key and signed, Secure-Join-Auth and the joiner's
 *        fingerprint, the inviter's own key gossiped back (Delta Chat checks it); the inviter checks AUTH and the
 *        fingerprint and marks the joiner verified
 *   ──▶ `vc-contact-confirm`: encrypted and signed; the joiner is done.
 *
 * Group invites (`x=<Chat-Group-ID>&g=<name>` in the link) run the same first steps; the joiner then sends
 * `vg-request-with-auth` with `Secure-Join-Group`, and the inviter adds the joiner to the group with a group message
 * carrying `Chat-Group-Member-Added` and `Secure-Join: vg-member-added` (every member's key gossiped), from which the
 * joiner learns the group. Links without `v=3` run the older flow: `vc-request` in the clear with the invite
 * number and the joiner's Autocrypt key, answered by `vc-auth-required` encrypted to that key and signed (its signer
 * checked against the link's fingerprint), then the same `vc-request-with-auth` and `vc-contact-confirm`.
 */
import { randomBytes } from 'node:crypto';
import { CommandError } from '../../src/core/errors.js';
import { normalizeAddress } from './address.js';
import { fingerprintOf } from './pgp.js';
import type { EmailState } from './state.js';

/** kv: JSON map of the auth tokens we handed out in invites → their creation time (ms). */
export const KV_SJ_AUTHS = 'securejoin:auths';
/** kv: JSON map auth token → Chat-Group-ID, for auth tokens of group invites. */
export const KV_SJ_AUTH_GROUPS = 'securejoin:authgroups';
/** kv: the invite number in our invites (stable, like Delta Chat's per-account invitenumber). */
export const KV_SJ_INVITENUMBER = 'securejoin:invitenumber';
/** kv: JSON list of the joins we started ({@link Invite}), until each completes. */
export const KV_SJ_JOINS = 'securejoin:joins';
/** Auth tokens older than this no longer verify (Delta Chat's VERIFICATION_TIMEOUT_SECONDS). */
export const AUTH_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export interface Invite {
  /** The inviter's key fingerprint, 40 uppercase hex digits. */
  fingerprint: string;
  addr: string;
  name?: string;
  invitenumber: string;
  auth: string;
  v3: boolean;
  /** Set for group invites: the group's Chat-Group-ID and name. */
  grpid?: string;
  groupName?: string;
}

/** Delta Chat's token form: random base64url. */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

const dec = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));

/**
 * Reads an invite link: `https://i.delta.chat/#FPR&v=3&…` (current) or `OPENPGP4FPR:FPR#a=…&i=…&s=…` (older QR
 * codes). Undefined when it is neither or lacks the fingerprint, address, invite number or auth token.
 */
export function parseInvite(link: string): Invite | undefined {
  const text = link.trim();
  let fpr: string | undefined;
  let query: string | undefined;
  const web = /^https:\/\/i\.delta\.chat\/#([0-9A-Fa-f]{40})&(.*)$/.exec(text);
  const legacy = /^openpgp4fpr:([0-9A-Fa-f]{40})#(.*)$/i.exec(text);
  if (web) [fpr, query] = [web[1], web[2]];
  else if (legacy) [fpr, query] = [legacy[1], legacy[2]];
  if (!fpr || query === undefined) return undefined;
  const params = new Map<string, string>();
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    try {
      params.set(part.slice(0, eq), dec(part.slice(eq + 1)));
    } catch {
      return undefined;
    }
  }
  const addr = params.get('a');
  const invitenumber = params.get('i') ?? params.get('j');
  const auth = params.get('s');
  if (!addr || !/^[^@\s]+@[^@\s]+$/.test(addr) || !invitenumber || !auth) return undefined;
  const grpid = params.get('x');
  return {
    fingerprint: fpr.toUpperCase(),
    addr: normalizeAddress(addr),
    ...(params.get('n') ? { name: params.get('n')! } : {}),
    invitenumber,
    auth,
    v3: params.get('v') === '3',
    ...(grpid ? { grpid } : {}),
    ...(grpid && params.get('g') ? { groupName: params.get('g')! } : {}),
  };
}

const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');

/** The shared secret of a v3 handshake: `securejoin/<inviter fingerprint>/<auth>`. */
export function sharedSecret(fingerprint: string, auth: string): string {
  return `securejoin/${fingerprint}/${auth}`;
}

/** The group an auth token invites to, if it was made for a group invite. */
export function groupOfAuth(s: EmailState, auth: string): string | undefined {
  try {
    return (JSON.parse(s.kv.get(KV_SJ_AUTH_GROUPS) ?? '{}') as Record<string, string>)[auth];
  } catch {
    return undefined;
  }
}

/**
 * Makes a new invite (fresh auth token, kept in kv) and returns its link: to a verified contact, or with `group` to
 * that group as well.
 */
export async function makeInvite(s: EmailState, name?: string, group?: { id: string; name: string }): Promise<string> {
  let invitenumber = s.kv.get(KV_SJ_INVITENUMBER);
  if (!invitenumber) {
    invitenumber = newToken();
    s.kv.set(KV_SJ_INVITENUMBER, invitenumber);
  }
  const auth = newToken();
  const now = s.ctx!.now();
  // Expired tokens are dropped whenever a new one is made, so the list stays short.
  const auths = Object.fromEntries(Object.entries(authMap(s)).filter(([, at]) => now - at < AUTH_MAX_AGE_MS));
  auths[auth] = now;
  s.kv.set(KV_SJ_AUTHS, JSON.stringify(auths));
  if (group) {
    let groups: Record<string, string> = {};
    try {
      groups = JSON.parse(s.kv.get(KV_SJ_AUTH_GROUPS) ?? '{}') as Record<string, string>;
    } catch {
      // start afresh
    }
    groups = Object.fromEntries(Object.entries(groups).filter(([a]) => a in auths));
    groups[auth] = group.id;
    s.kv.set(KV_SJ_AUTH_GROUPS, JSON.stringify(groups));
  }
  const fpr = fingerprintOf(await s.ac!.ownKey());
  const g = group ? `&x=${enc(group.id)}` : '';
  const gname = group ? `&g=${enc(group.name)}` : '';
  return `https://i.delta.chat/#${fpr}&v=3${g}&i=${enc(invitenumber)}&s=${enc(auth)}&a=${enc(s.opts!.address)}${name ? `&n=${enc(name)}` : ''}${gname}`;
}

/** The secrets that may open a password-encrypted handshake message: our own invites' and our joins'. */
export function candidateSecrets(s: EmailState, ownFingerprint: string | undefined): string[] {
  const out: string[] = [];
  for (const invite of joins(s)) out.push(sharedSecret(invite.fingerprint, invite.auth));
  if (ownFingerprint) for (const auth of authTokens(s)) out.push(sharedSecret(ownFingerprint, auth));
  return out;
}

function authMap(s: EmailState): Record<string, number> {
  try {
    return JSON.parse(s.kv.get(KV_SJ_AUTHS) ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

/** Auth tokens we handed out that are still valid, newest first. */
export function authTokens(s: EmailState): string[] {
  const now = s.ctx!.now();
  return Object.entries(authMap(s))
    .filter(([, at]) => now - at < AUTH_MAX_AGE_MS)
    .sort((a, b) => b[1] - a[1])
    .map(([auth]) => auth);
}

/** The joins we started that have not completed. */
export function joins(s: EmailState): Invite[] {
  try {
    return JSON.parse(s.kv.get(KV_SJ_JOINS) ?? '[]') as Invite[];
  } catch {
    return [];
  }
}

export function finishJoin(s: EmailState, fingerprint: string): void {
  s.kv.set(KV_SJ_JOINS, JSON.stringify(joins(s).filter((j) => j.fingerprint !== fingerprint)));
}

/** Checks an invite link for `/join` and remembers the join (the handshake starts with the next step). */
export function acceptInvite(s: EmailState, link: string): Invite {
  const invite = parseInvite(link);
  if (!invite) throw new CommandError('not a Delta Chat invite link (https://i.delta.chat/#… or OPENPGP4FPR:…)');
  if (invite.addr === s.opts!.address) throw new CommandError('this is your own invite link');
  s.kv.set(KV_SJ_JOINS, JSON.stringify([...joins(s).filter((j) => j.fingerprint !== invite.fingerprint), invite]));
  return invite;
}
