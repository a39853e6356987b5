/**
 * The msgpack codec every chunk payload goes through (msgpackr, configured
 * once here so every writer produces the same bytes), the blob-reference
 * extension, SHA-256, and the rules for the integer fields of the schema:
 * a value outside the 32-bit range is written as an 8-byte msgpack int,
 * never as a float, and read back only if it fits in 53 bits.
 *
 * @module
 */

import { addExtension, Packr, Unpackr } from "msgpackr/pack";
import { createHash } from "node:crypto";
import { TraceError } from "./errors.ts";

/** msgpack extension type of a blob reference; its 32 data bytes are the blob's SHA-256. */
export const BLOB_EXT = 0x48;

/** A reference to a blob chunk, standing where large bytes were. */
export class BlobRef {
  /** SHA-256 of the referenced bytes (32 bytes). */
  readonly hash: Uint8Array;
  /** Refer to the blob whose SHA-256 is `hash`. */
  constructor(hash: Uint8Array) {
    this.hash = hash;
  }
}

addExtension({
  Class: BlobRef,
  type: BLOB_EXT,
  pack: (ref: BlobRef) => ref.hash,
  unpack: (data: Uint8Array) => {
    if (data.length !== 32) throw new TraceError(`blob reference of ${data.length} bytes, not 32`);
    return new BlobRef(data.slice());
  },
});

const _packr = new Packr({ useRecords: false, variableMapSize: true });
const _unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** Encode one value as msgpack (a fresh copy the caller may keep). */
export function pack(value: unknown): Uint8Array {
  return _packr.pack(value).slice();
}

/** Decode exactly one msgpack value filling `bytes`. */
export function unpack(bytes: Uint8Array): unknown {
  let value: unknown;
  let count = 0;
  unpackEach(bytes, (v) => {
    value = v;
    count++;
  });
  if (count !== 1) throw new TraceError(`expected one msgpack value, found ${count}`);
  return value;
}

/** Decode the sequence of msgpack values filling `bytes`, in order. */
export function unpackEach(bytes: Uint8Array, each: (value: unknown) => void): void {
  if (bytes.length === 0) return;
  try {
    _unpackr.unpackMultiple(bytes, (v: unknown) => {
      each(v);
    });
  } catch (e) {
    if (e instanceof TraceError) throw e;
    throw new TraceError(`malformed msgpack: ${(e as Error).message}`);
  }
}

/** SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

const _HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** Lower-case hex of `bytes` (blob names are looked up by it, so it is kept quick). */
export function hex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += _HEX[bytes[i]];
  return s;
}

/**
 * The form in which an integer field is handed to msgpack: itself inside the
 * 32-bit range, else a bigint so that it is written as an 8-byte int.
 */
export function intField(n: number): number | bigint {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${n} is not an exact integer`);
  return n > 0xffffffff || n < -0x80000000 ? BigInt(n) : n;
}

/** Read back an integer field as a number, refusing anything inexact. */
export function readInt(v: unknown, what: string): number {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "bigint") {
    if (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) {
      return Number(v);
    }
    throw new TraceError(`${what} ${v} does not fit in 53 bits`);
  }
  throw new TraceError(`${what} is not an integer`);
}

/** Read back a string field. */
export function readString(v: unknown, what: string): string {
  if (typeof v !== "string") throw new TraceError(`${what} is not a string`);
  return v;
}

/** View decoded bin data as a plain Uint8Array (msgpackr may hand out Buffers). */
export function asBytes(v: Uint8Array): Uint8Array {
  return v.constructor === Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}
