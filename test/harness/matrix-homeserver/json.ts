/** Small typed readers for request bodies: a wrong shape is `M_BAD_JSON` / `M_MISSING_PARAM`, never a crash. */
import { badJson, missingParam } from './errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The body as an object (requests that take JSON must send an object). */
export function asObject(v: unknown, what = 'body'): JsonObject {
  if (!isObject(v)) throw badJson(`${what} must be a JSON object`);
  return v;
}

export function optString(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badJson(`${key} must be a string`);
  return v;
}

export function reqString(o: JsonObject, key: string): string {
  const v = optString(o, key);
  if (v === undefined) throw missingParam(key);
  return v;
}

export function optObject(o: JsonObject, key: string): JsonObject | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw badJson(`${key} must be an object`);
  return v;
}

export function optArray(o: JsonObject, key: string): Json[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw badJson(`${key} must be an array`);
  return v;
}

/** Deep copy of JSON data, so stored state never aliases what a handler hands out or receives. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Canonical-ish comparison of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}
