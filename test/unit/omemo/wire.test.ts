/** Protobuf codec and the OMEMO messages of both versions: layouts checked byte for byte, round trips, bad input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../../adapters/xmpp/omemo/bytes.js';
import { decode, encode, ProtobufError } from '../../../adapters/xmpp/omemo/protobuf.js';
import { decodeKeyExchange, encodeKeyExchange, encodeMessageBody, openMessage, sealMessage } from '../../../adapters/xmpp/omemo/wire.js';

const key = (b: number) => new Uint8Array(32).fill(b);

describe('protobuf codec', () => {
  it('encodes varints and length-delimited fields as protobuf does', () => {
    // Field 1 = 150 is the protobuf documentation's example: 08 96 01.
    assert.equal(toHex(encode([{ no: 1, varint: 150 }])), '089601');
    assert.equal(toHex(encode([{ no: 2, bytes: new TextEncoder().encode('testing') }])), '120774657374696e67');
    assert.equal(toHex(encode([{ no: 6, varint: 0 }])), '3000');
    const d = decode(encode([{ no: 1, varint: 0xffffffff }, { no: 4, bytes: new Uint8Array([1, 2]) }]));
    assert.equal(d.varints.get(1), 0xffffffff);
    assert.deepEqual([...d.bytes.get(4)!], [1, 2]);
  });
  it('rejects truncated input and unsupported wire types', () => {
    assert.throws(() => decode(new Uint8Array([0x12, 0x05, 0x01])), ProtobufError);
    assert.throws(() => decode(new Uint8Array([0x08, 0x96])), ProtobufError);
    assert.throws(() => decode(new Uint8Array([0x0b])), ProtobufError);
  });
});

describe('legacy messages', () => {
  it('WhisperMessage: version byte 0x33, 0x05-prefixed ratchet key, fields 1-4, 8-byte MAC', () => {
    const body = encodeMessageBody('legacy', { dh: key(7), n: 3, pn: 2 }, new Uint8Array([0xaa]));
    assert.equal(toHex(body), `330a2105${'07'.repeat(32)}100318022201aa`);
    const sealed = sealMessage('legacy', body, new Uint8Array(8).fill(9));
    const m = openMessage('legacy', sealed);
    assert.deepEqual(m.header, { dh: key(7), n: 3, pn: 2 });
    assert.equal(toHex(m.mac), '09'.repeat(8));
    assert.equal(toHex(m.macInput), toHex(body));
    assert.throws(() => openMessage('legacy', Uint8Array.from([0x32, ...sealed.subarray(1)])));
  });
  it('PreKeyWhisperMessage round trip with field 6 for the signed prekey id', () => {
    const k = { preKeyId: 42, signedPreKeyId: 7, identityKey: key(1), ephemeralKey: key(2), message: new Uint8Array([0x33, 1, 2]) };
    const data = encodeKeyExchange('legacy', k);
    assert.equal(data[0], 0x33);
    assert.ok(toHex(data).endsWith('3007'));
    assert.deepEqual(decodeKeyExchange('legacy', data), k);
  });
});

describe('OMEMO 2 messages', () => {
  it('OMEMOMessage fields n=1, pn=2, dh_pub=3 (raw), ciphertext=4 inside OMEMOAuthenticatedMessage', () => {
    const body = encodeMessageBody('omemo2', { dh: key(5), n: 1, pn: 0 }, new Uint8Array([0xbb]));
    assert.equal(toHex(body), `080110001a20${'05'.repeat(32)}2201bb`);
    const sealed = sealMessage('omemo2', body, new Uint8Array(16).fill(4));
    const m = openMessage('omemo2', sealed);
    assert.deepEqual(m.header, { dh: key(5), n: 1, pn: 0 });
    assert.equal(toHex(m.mac), '04'.repeat(16));
    assert.equal(toHex(m.macInput), toHex(body));
  });
  it('OMEMOKeyExchange round trip', () => {
    const k = { preKeyId: 1, signedPreKeyId: 2, identityKey: key(3), ephemeralKey: key(4), message: new Uint8Array([9, 9]) };
    assert.deepEqual(decodeKeyExchange('omemo2', encodeKeyExchange('omemo2', k)), k);
    assert.throws(() => decodeKeyExchange('omemo2', encode([{ no: 1, varint: 1 }])), ProtobufError);
  });
});
