/** aesgcm:// file transfer (XEP-0454): a vector from pyca/cryptography, round trips, links, both IV lengths. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AesgcmError, aesgcmUrl, decryptFile, encryptFile, parseAesgcmUrl } from '../../../adapters/xmpp/omemo/aesgcm.js';
import { fromHex, toHex } from '../../../adapters/xmpp/omemo/bytes.js';
import { aesGcmEncrypt } from '../../../adapters/xmpp/omemo/primitives.js';

// Made with Python's cryptography AESGCM (an independent implementation): ciphertext with the tag appended.
const VECTOR = {
  key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  iv: '6465666768696a6b6c6d6e6f',
  plain: '6e61747465722066696c6520000102206e61747465722066696c6520000102206e61747465722066696c6520000102206e61747465722066696c6520000102206e61747465722066696c652000010220',
  cipher: '267aaa121c9b76f8570e3ac8da6468dd2ca3727eee1ed314cebdc968fba2a768fa8834b42960bb62949f1d1ffd43c8ef753aec934538614e939dc9f6ef80a7aa66edaf7ab3391b63e2038863118b33c6b09ab4bb1db6094ef219682e78895bce',
};

describe('aesgcm file transfer', () => {
  it('decrypts a file encrypted by another implementation', () => {
    assert.equal(toHex(decryptFile(fromHex(VECTOR.cipher), fromHex(VECTOR.key), fromHex(VECTOR.iv))), VECTOR.plain);
    const { ciphertext, tag } = aesGcmEncrypt(fromHex(VECTOR.key), fromHex(VECTOR.iv), fromHex(VECTOR.plain));
    assert.equal(toHex(ciphertext) + toHex(tag), VECTOR.cipher);
  });
  it('round-trips and refuses damaged files', () => {
    const plain = new Uint8Array(100_000).map((_, i) => i & 0xff);
    const f = encryptFile(plain);
    assert.equal(f.data.length, plain.length + 16);
    assert.deepEqual(decryptFile(f.data, f.key, f.iv), plain);
    const bad = Uint8Array.from(f.data);
    bad[10]! ^= 1;
    assert.throws(() => decryptFile(bad, f.key, f.iv), AesgcmError);
  });
  it('makes and reads aesgcm:// links (12- and 16-byte IVs)', () => {
    const f = encryptFile(new Uint8Array([1, 2, 3]));
    const link = aesgcmUrl('https://upload.example.org/slot/abc/photo%20one.jpg', f.key, f.iv);
    assert.match(link, /^aesgcm:\/\/upload\.example\.org\/slot\/abc\/photo%20one\.jpg#[0-9a-f]{88}$/);
    const parsed = parseAesgcmUrl(link)!;
    assert.equal(parsed.httpsUrl, 'https://upload.example.org/slot/abc/photo%20one.jpg');
    assert.deepEqual(parsed.key, f.key);
    assert.deepEqual(parsed.iv, f.iv);
    const old = parseAesgcmUrl(`aesgcm://h.example/f#${'11'.repeat(16)}${'22'.repeat(32)}`)!;
    assert.equal(old.iv.length, 16);
    assert.equal(toHex(old.key), '22'.repeat(32));
    assert.equal(parseAesgcmUrl('https://h.example/f#00'), undefined);
    assert.equal(parseAesgcmUrl(`aesgcm://h.example/f#${'1'.repeat(87)}`), undefined);
    assert.throws(() => aesgcmUrl('http://insecure.example/f', f.key, f.iv), AesgcmError);
  });
});
