/**
 * SASL for the XMPP login (RFC 6120 §6): which mechanism to use, and SCRAM-SHA-256 (RFC 7677), which xmpp.js does not
 * ship. Order of preference: SCRAM-SHA-256, then SCRAM-SHA-1 (RFC 5802), then PLAIN (RFC 4616) — PLAIN sends the
 * password itself, so it is used only on an encrypted stream and refused otherwise with a plain-words error.
 *
 * The SCRAM class follows the `saslmechanisms` factory interface xmpp.js's SASL module drives (`name`, `clientFirst`,
 * `response(cred)`, `challenge(data)`).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** Mechanisms natter speaks, best first. */
export const MECHANISM_PREFERENCE = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'] as const;

/** The server's SCRAM proof (ServerSignature) was missing or wrong; `code` is read by close-reason.ts. */
export class ServerProofError extends Error {
  readonly code = 'SERVER_PROOF';
}

/** Raised when no offered mechanism may be used; `code` is read by close-reason.ts. */
export class SaslChoiceError extends Error {
  readonly code = 'NO_TLS';
}

/**
 * Picks the mechanism for a login: the most preferred one the server offers. PLAIN is chosen only when `secure`
 * (TLS is up); over plain text it is refused rather than exposing the password.
 */
export function chooseMechanism(offered: readonly string[], secure: boolean): string {
  for (const m of MECHANISM_PREFERENCE) {
    if (!offered.includes(m)) continue;
    if (m === 'PLAIN' && !secure) {
      throw new SaslChoiceError('the server offers only PLAIN login on an unencrypted connection; refusing to send the password in the clear');
    }
    return m;
  }
  throw new Error(`no supported login method (the server offers ${offered.join(', ') || 'none'})`);
}

/** RFC 5802 §5.1: `=` and `,` in a user name are escaped. */
function saslName(s: string): string {
  return s.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function parseAttrs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) m.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return m;
}

interface Credentials {
  username?: string | null;
  password?: string | null;
}

/** SCRAM-SHA-256 (RFC 7677), client side, without channel binding (gs2 header `n,,`). */
export class ScramSha256 {
  /** On the prototype, where the `saslmechanisms` factory reads a mechanism's name. */
  get name(): string {
    return 'SCRAM-SHA-256';
  }
  readonly clientFirst = true;
  private stage: 'initial' | 'challenge' | 'final' = 'initial';
  private nonce = '';
  private firstBare = '';
  private serverFirst = '';
  /** ServerSignature expected in the server's final message (`v=`). */
  expectedServerSignature = '';
  /** The server-final-message (`v=…` or `e=…`), from a last challenge or the additional data of `<success>`. */
  serverFinal = '';

  constructor(private readonly genNonce: () => string = () => randomBytes(18).toString('base64')) {}

  response(cred: Credentials): string {
    if (this.stage === 'initial') {
      this.nonce = this.genNonce();
      this.firstBare = `n=${saslName(cred.username ?? '')},r=${this.nonce}`;
      this.stage = 'challenge';
      return `n,,${this.firstBare}`;
    }
    if (this.stage === 'challenge') {
      const a = parseAttrs(this.serverFirst);
      const r = a.get('r') ?? '';
      const salt = Buffer.from(a.get('s') ?? '', 'base64');
      const iterations = Number.parseInt(a.get('i') ?? '', 10);
      // The server's nonce must extend ours (RFC 5802 §5.1), and the iteration count must be sane.
      if (!r.startsWith(this.nonce) || !Number.isFinite(iterations) || iterations < 1) throw new Error('invalid SCRAM challenge from the server');
      const finalNoProof = `c=${Buffer.from('n,,').toString('base64')},r=${r}`;
      const salted = pbkdf2Sync((cred.password ?? '').normalize('NFKC'), salt, iterations, 32, 'sha256');
      const clientKey = createHmac('sha256', salted).update('Client Key').digest();
      const storedKey = createHash('sha256').update(clientKey).digest();
      const authMessage = `${this.firstBare},${this.serverFirst},${finalNoProof}`;
      const clientSignature = createHmac('sha256', storedKey).update(authMessage).digest();
      const proof = Buffer.alloc(clientKey.length);
      for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!;
      const serverKey = createHmac('sha256', salted).update('Server Key').digest();
      this.expectedServerSignature = createHmac('sha256', serverKey).update(authMessage).digest('base64');
      this.stage = 'final';
      return `${finalNoProof},p=${proof.toString('base64')}`;
    }
    return '';
  }

  challenge(data: string): this {
    if (this.stage === 'challenge') this.serverFirst = data;
    else if (this.stage === 'final') this.serverFinal = data;
    return this;
  }

  /**
   * RFC 5802 §5 / §9: the server proves that it knows the password too (mutual authentication); a server that cannot
   * (an impostor that only accepted the login) must not get the session.
   */
  serverVerified(): boolean {
    return this.stage === 'final' && this.expectedServerSignature !== '' && this.serverFinal === `v=${this.expectedServerSignature}`;
  }
}
