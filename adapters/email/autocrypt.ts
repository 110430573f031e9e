/**
 * Autocrypt Level 1 (https://autocrypt.org/level1.html): the own key (made on first use, kept in the account's
 * key-value store, never logged), the `Autocrypt` header on outgoing mail, peer keys learned from `Autocrypt`
 * headers and `Autocrypt-Gossip` (§2.3, §2.4), and the encryption decision.
 *
 * Peer state per address (§2.3): the key, its fingerprint, the `Date` of the message that carried it (an older
 * message never replaces a newer key), prefer-encrypt, and whether it came only from gossip (a direct header wins).
 */
import type { KeyValue } from '../../src/core/contract.js';
import type { Logger } from '../../src/core/logger.js';
import { normalizeAddress } from './address.js';
import { fingerprintOf, generateOwnKey, readPrivate, readPublicBinary, usableFor, type PrivateKey, type PublicKey } from './pgp.js';

export const KV_OWN_KEY = 'autocrypt:own';
export const KV_PEER = 'autocrypt:peer:';
/** kv prefix: address → fingerprint verified out of band (SecureJoin); such a key is never replaced by Autocrypt. */
export const KV_VERIFIED = 'autocrypt:verified:';

export interface PeerState {
  /** Base64 of the binary transferable public key (Autocrypt keydata). */
  keydata: string;
  fingerprint: string;
  /** Date header (ms) of the message the key came from. */
  timestamp: number;
  preferEncrypt: 'mutual' | 'nopreference';
  gossip: boolean;
}

export interface AutocryptHeader {
  addr: string;
  preferEncrypt: 'mutual' | 'nopreference';
  keydata: Uint8Array;
}

/**
 * Parses an `Autocrypt` or `Autocrypt-Gossip` value (§2.1): `addr` and `keydata` are required; unknown attributes
 * starting with `_` are ignored, any other unknown critical attribute makes the header invalid (undefined).
 */
export function parseAutocrypt(value: string): AutocryptHeader | undefined {
  const attrs = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    const v = part.slice(eq + 1).trim();
    if (attrs.has(name)) return undefined;
    attrs.set(name, v);
  }
  for (const name of attrs.keys()) if (!['addr', 'prefer-encrypt', 'keydata'].includes(name) && !name.startsWith('_')) return undefined;
  const addr = attrs.get('addr');
  const keydata = attrs.get('keydata')?.replace(/\s+/g, '');
  if (!addr || !keydata || !/^[A-Za-z0-9+/]+=*$/.test(keydata)) return undefined;
  return {
    addr: normalizeAddress(addr),
    preferEncrypt: attrs.get('prefer-encrypt') === 'mutual' ? 'mutual' : 'nopreference',
    keydata: new Uint8Array(Buffer.from(keydata, 'base64')),
  };
}

/** Formats an Autocrypt header value, keydata folded in lines of 76 (the caller folds the header line itself). */
export function formatAutocrypt(addr: string, keydata: Uint8Array, preferEncrypt?: 'mutual'): string {
  const b64 = Buffer.from(keydata).toString('base64');
  const folded = b64.match(/.{1,76}/g)!.join('\r\n ');
  return `addr=${addr};${preferEncrypt ? ` prefer-encrypt=${preferEncrypt};` : ''} keydata=\r\n ${folded}`;
}

/** The own key and the peers' keys of one account. */
export class Autocrypt {
  private own?: PrivateKey;
  private ownLoading?: Promise<PrivateKey>;
  private readonly peerCache = new Map<string, PublicKey>();

  constructor(
    private readonly kv: KeyValue,
    private readonly address: string,
    private readonly log: Logger,
  ) {}

  /** The own private key, generated and stored on first use. */
  ownKey(): Promise<PrivateKey> {
    if (this.own) return Promise.resolve(this.own);
    this.ownLoading ??= (async () => {
      const stored = this.kv.get(KV_OWN_KEY);
      let key: PrivateKey;
      if (stored) {
        key = await readPrivate(stored);
      } else {
        key = await generateOwnKey(this.address);
        this.kv.set(KV_OWN_KEY, key.armor());
        this.log.info('generated the own Autocrypt key', { fingerprint: fingerprintOf(key) });
      }
      this.own = key;
      return key;
    })();
    return this.ownLoading;
  }

  async ownPublic(): Promise<PublicKey> {
    return (await this.ownKey()).toPublic();
  }

  async ownHeader(): Promise<string> {
    const pub = await this.ownPublic();
    return formatAutocrypt(this.address, pub.write(), 'mutual');
  }

  peer(address: string): PeerState | undefined {
    const raw = this.kv.get(KV_PEER + normalizeAddress(address));
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as PeerState;
    } catch {
      return undefined;
    }
  }

  async peerKey(address: string): Promise<PublicKey | undefined> {
    const state = this.peer(address);
    if (!state) return undefined;
    const cached = this.peerCache.get(state.fingerprint);
    if (cached) return cached;
    try {
      const key = await readPublicBinary(new Uint8Array(Buffer.from(state.keydata, 'base64')));
      this.peerCache.set(state.fingerprint, key);
      return key;
    } catch (e) {
      this.log.warn('stored peer key unreadable', { address, error: (e as Error).message });
      return undefined;
    }
  }

  /** The key in a header, when it is readable and usable for its address; nothing is stored. */
  async learnPreview(header: AutocryptHeader): Promise<PublicKey | undefined> {
    try {
      const key = await readPublicBinary(header.keydata);
      return (await usableFor(key, header.addr)) ? key : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Learns a key from a header of a message dated `date` (§2.3 update rules): a newer direct header replaces the
   * stored state; gossip (§2.4) only fills in an address without a direct key. Returns the key when it was taken.
   */
  async learn(header: AutocryptHeader, date: number, gossip: boolean): Promise<PublicKey | undefined> {
    if (header.addr === this.address) return undefined;
    let key: PublicKey;
    try {
      key = await readPublicBinary(header.keydata);
    } catch (e) {
      this.log.info('ignored an unreadable Autocrypt key', { addr: header.addr, error: (e as Error).message });
      return undefined;
    }
    if (!(await usableFor(key, header.addr))) {
      this.log.info('ignored an Autocrypt key that cannot encrypt or lacks the address', { addr: header.addr });
      return undefined;
    }
    const fingerprint = fingerprintOf(key);
    const verified = this.verifiedFingerprint(header.addr);
    if (verified && verified !== fingerprint) {
      this.log.info('ignored a key that differs from the verified one', { addr: header.addr, fingerprint });
      return undefined;
    }
    const current = this.peer(header.addr);
    if (current) {
      if (gossip && !current.gossip) return current.fingerprint === fingerprint ? key : undefined;
      if (date < current.timestamp) return current.fingerprint === fingerprint ? key : undefined;
      if (current.fingerprint !== fingerprint) this.log.info('peer key changed', { addr: header.addr, from: current.fingerprint, to: fingerprint });
    }
    const state: PeerState = {
      keydata: Buffer.from(key.write()).toString('base64'),
      fingerprint,
      timestamp: date,
      preferEncrypt: header.preferEncrypt,
      gossip,
    };
    this.kv.set(KV_PEER + header.addr, JSON.stringify(state));
    this.peerCache.set(fingerprint, key);
    return key;
  }

  /** The fingerprint verified for `address` (SecureJoin), if any. */
  verifiedFingerprint(address: string): string | undefined {
    return this.kv.get(KV_VERIFIED + normalizeAddress(address));
  }

  /** Records that `fingerprint` is `address`'s key, checked out of band; it must be the stored key already. */
  markVerified(address: string, fingerprint: string): void {
    this.kv.set(KV_VERIFIED + normalizeAddress(address), fingerprint);
  }

  /** Keys for every recipient, or undefined when one is missing (then the message cannot go encrypted). */
  async keysFor(recipients: string[]): Promise<PublicKey[] | undefined> {
    const keys: PublicKey[] = [];
    for (const r of recipients) {
      const k = await this.peerKey(r);
      if (!k) return undefined;
      keys.push(k);
    }
    return keys;
  }
}
