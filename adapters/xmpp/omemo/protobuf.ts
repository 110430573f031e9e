/**
 * A minimal protobuf codec: varint (wire type 0) and length-delimited (wire type 2) fields only, which is all the
 * OMEMO messages use (https://protobuf.dev/programming-guides/encoding/). Fields are written in the order given, which
 * callers keep ascending by field number as protobuf's deterministic serializers do: the MAC of both OMEMO versions
 * covers serialized bytes, so the layout must match what other implementations produce.
 */
import { concat } from './bytes.js';

export type Field = { no: number; varint: number } | { no: number; bytes: Uint8Array };

export class ProtobufError extends Error {}

function varint(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new ProtobufError(`varint out of range: ${n}`);
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return new Uint8Array(out);
}

export function encode(fields: Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    if ('varint' in f) parts.push(varint(f.no << 3), varint(f.varint));
    else parts.push(varint((f.no << 3) | 2), varint(f.bytes.length), f.bytes);
  }
  return concat(...parts);
}

/** Decoded fields by number (the last occurrence wins, as protobuf specifies for singular fields). */
export interface Decoded {
  varints: Map<number, number>;
  bytes: Map<number, Uint8Array>;
}

export function decode(data: Uint8Array): Decoded {
  const varints = new Map<number, number>();
  const bytes = new Map<number, Uint8Array>();
  let at = 0;
  const readVarint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= data.length) throw new ProtobufError('truncated varint');
      const b = data[at++]!;
      result += (b & 0x7f) * mul;
      if (!(b & 0x80)) {
        if (result > Number.MAX_SAFE_INTEGER) throw new ProtobufError('varint too large');
        return result;
      }
      mul *= 128;
    }
    throw new ProtobufError('varint too long');
  };
  while (at < data.length) {
    const key = readVarint();
    const no = Math.floor(key / 8);
    const type = key & 7;
    if (no === 0) throw new ProtobufError('field number 0');
    if (type === 0) varints.set(no, readVarint());
    else if (type === 2) {
      const len = readVarint();
      if (at + len > data.length) throw new ProtobufError('truncated field');
      bytes.set(no, data.subarray(at, at + len));
      at += len;
    } else if (type === 1) at += 8; // fixed64: skipped (unknown field)
    else if (type === 5) at += 4; // fixed32: skipped
    else throw new ProtobufError(`unsupported wire type ${type}`);
    if (at > data.length) throw new ProtobufError('truncated field');
  }
  return { varints, bytes };
}

export function requireVarint(d: Decoded, no: number, what: string): number {
  const v = d.varints.get(no);
  if (v === undefined) throw new ProtobufError(`${what}: field ${no} missing`);
  return v;
}

export function requireBytes(d: Decoded, no: number, what: string): Uint8Array {
  const v = d.bytes.get(no);
  if (v === undefined) throw new ProtobufError(`${what}: field ${no} missing`);
  return v;
}
