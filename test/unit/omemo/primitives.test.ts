/**
 * OMEMO primitives against published vectors (RFC 7748 X25519, RFC 8032 Ed25519, RFC 5869 HKDF) and against vectors
 * made by an independent implementation (libxeddsa through Debian's python3-xeddsa: test/fixtures/omemo/).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fromHex, toHex, utf8 } from '../../../adapters/xmpp/omemo/bytes.js';
import {
  curveToEd, dh, ed25519Sign, ed25519Verify, edToCurve, hkdf, hkdfNode, randomKeyPair, seedKeys, verifyCurveSignature,
  x25519Public, xeddsaSign, xeddsaVerify,
} from '../../../adapters/xmpp/omemo/primitives.js';

interface Vectors {
  xeddsa: Array<{ priv: string; nonce: string; msg: string; sig: string; curvePub: string; edPub: string }>;
  seeds: Array<{ seed: string; edPub: string; curvePub: string; priv: string; msg: string; legacySig: string }>;
}
const vectors = JSON.parse(readFileSync(new URL('../../../../test/fixtures/omemo/xeddsa-vectors.json', import.meta.url), 'utf8')) as Vectors;

describe('X25519 (RFC 7748)', () => {
  it('§5.2 scalar multiplication vector', () => {
    const k = fromHex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4');
    const u = fromHex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c');
    assert.equal(toHex(dh(k, u)), 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
  });
  it('§6.1 Diffie-Hellman vector', () => {
    const a = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const b = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    assert.equal(toHex(x25519Public(a)), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    assert.equal(toHex(x25519Public(b)), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    assert.equal(toHex(dh(a, x25519Public(b))), shared);
    assert.equal(toHex(dh(b, x25519Public(a))), shared);
  });
  it('rejects a low-order point', () => {
    assert.throws(() => dh(randomKeyPair().priv, new Uint8Array(32)));
  });
});

describe('Ed25519 (RFC 8032 §7.1)', () => {
  it('TEST 2', () => {
    const seed = fromHex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');
    const { edPub } = seedKeys(seed);
    assert.equal(toHex(edPub), '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c');
    const sig = ed25519Sign(seed, fromHex('72'));
    assert.equal(toHex(sig), '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00');
    assert.ok(ed25519Verify(sig, fromHex('72'), edPub));
    assert.ok(!ed25519Verify(sig, fromHex('73'), edPub));
  });
});

describe('HKDF-SHA-256 (RFC 5869 appendix A)', () => {
  it('A.1 basic', () => {
    const okm = hkdf(fromHex('0b'.repeat(22)), fromHex('000102030405060708090a0b0c'), fromHex('f0f1f2f3f4f5f6f7f8f9'), 42);
    assert.equal(toHex(okm), '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });
  it('agrees with node:crypto HKDF for many lengths and inputs', () => {
    for (const length of [1, 31, 32, 33, 64, 80, 100]) {
      const ikm = randomKeyPair().priv;
      const salt = length % 2 ? new Uint8Array(0) : randomKeyPair().pub;
      assert.equal(toHex(hkdf(ikm, salt, utf8('OMEMO Payload'), length)), toHex(hkdfNode(ikm, salt, utf8('OMEMO Payload'), length)));
    }
  });
  it('A.3 zero-length salt and info', () => {
    const okm = hkdf(fromHex('0b'.repeat(22)), new Uint8Array(0), new Uint8Array(0), 42);
    assert.equal(toHex(okm), '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
  });
});

describe('Edwards ↔ Montgomery', () => {
  it('matches libxeddsa for seeds with either sign bit, and X25519 of the seed scalar', () => {
    const signs = new Set<number>();
    for (const v of vectors.seeds) {
      const keys = seedKeys(fromHex(v.seed));
      assert.equal(toHex(keys.edPub), v.edPub);
      assert.equal(toHex(edToCurve(keys.edPub)), v.curvePub);
      assert.equal(toHex(keys.curve.pub), v.curvePub);
      const sign = (fromHex(v.edPub)[31]! >> 7) as 0 | 1;
      signs.add(sign);
      assert.equal(toHex(curveToEd(fromHex(v.curvePub), sign)), v.edPub);
    }
    assert.deepEqual([...signs].sort(), [0, 1]);
  });
  it('round-trips random keys', () => {
    for (let i = 0; i < 20; i++) {
      const { edPub } = seedKeys(randomKeyPair().priv);
      assert.equal(toHex(curveToEd(edToCurve(edPub), (edPub[31]! >> 7) as 0 | 1)), toHex(edPub));
    }
  });
});

describe('XEdDSA', () => {
  it('verifies libxeddsa XEdDSA signatures (private keys with either Edwards sign bit)', () => {
    const signs = new Set<number>();
    for (const v of vectors.xeddsa) {
      signs.add(fromHex(v.edPub)[31]! >> 7);
      assert.equal(toHex(x25519Public(fromHex(v.priv))), v.curvePub);
      assert.ok(xeddsaVerify(fromHex(v.curvePub), fromHex(v.msg), fromHex(v.sig)));
      assert.ok(verifyCurveSignature(fromHex(v.curvePub), fromHex(v.msg), fromHex(v.sig)));
      assert.ok(!xeddsaVerify(fromHex(v.curvePub), fromHex(v.msg).length ? fromHex(v.msg).slice(1) : utf8('x'), fromHex(v.sig)));
      // Our own signature with the same private key verifies against the same public key.
      assert.ok(xeddsaVerify(fromHex(v.curvePub), fromHex(v.msg), xeddsaSign(fromHex(v.priv), fromHex(v.msg), fromHex(v.nonce))));
    }
    assert.deepEqual([...signs].sort(), [0, 1]);
  });
  it('round-trips and rejects tampering', () => {
    const kp = randomKeyPair();
    const msg = utf8('hello');
    const sig = xeddsaSign(kp.priv, msg);
    assert.ok(xeddsaVerify(kp.pub, msg, sig));
    assert.ok(!xeddsaVerify(kp.pub, utf8('hellp'), sig));
    const bad = Uint8Array.from(sig);
    bad[5]! ^= 1;
    assert.ok(!xeddsaVerify(kp.pub, msg, bad));
    assert.ok(!xeddsaVerify(randomKeyPair().pub, msg, sig));
  });
  it('verifies legacy signatures of Ed25519-seed identities with either sign bit (sign bit in byte 63)', () => {
    for (const v of vectors.seeds) {
      const sig = fromHex(v.legacySig);
      assert.ok(verifyCurveSignature(fromHex(v.curvePub), fromHex(v.msg), sig), `sign ${fromHex(v.edPub)[31]! >> 7}`);
      const flipped = Uint8Array.from(sig);
      flipped[63]! ^= 0x80;
      assert.ok(!verifyCurveSignature(fromHex(v.curvePub), fromHex(v.msg), flipped));
    }
  });
});
