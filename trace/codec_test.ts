import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  asBytes,
  BLOB_EXT,
  BlobRef,
  hex,
  intField,
  pack,
  readInt,
  readString,
  sha256,
  unpack,
  unpackEach,
} from "./codec.ts";
import { TraceError } from "./errors.ts";

Deno.test("integers within 32 bits pack as msgpack ints, wider ones as 8-byte ints", () => {
  equal(hex(pack(intField(5))), "05");
  equal(hex(pack(intField(0xffffffff))), "ceffffffff");
  equal(hex(pack(intField(-0x80000000))), "d280000000");
  equal(hex(pack(intField(0x100000000))), "d30000000100000000");
  equal(hex(pack(intField(-0x80000001))), "d3ffffffff7fffffff");
  equal(hex(pack(intField(Number.MAX_SAFE_INTEGER))), "d3001fffffffffffff");
  equal(hex(pack(2n ** 63n)), "cf8000000000000000");
});

Deno.test("intField refuses numbers that are not exact integers", () => {
  throws(() => intField(2 ** 53), /is not an exact integer/);
  throws(() => intField(1.5), RangeError);
});

Deno.test("readInt gives numbers back and refuses anything inexact", () => {
  equal(readInt(7, "n"), 7);
  equal(readInt(unpack(pack(intField(0x100000000))), "n"), 0x100000000);
  equal(readInt(-5n, "n"), -5);
  throws(
    () => readInt(2n ** 53n, "offset"),
    /^TraceError: offset 9007199254740992 does not fit in 53 bits$/,
  );
  throws(() => readInt(1.5, "fd"), /^TraceError: fd is not an integer$/);
  throws(() => readInt("1", "fd"), TraceError);
});

Deno.test("readString refuses non-strings", () => {
  equal(readString("x", "path"), "x");
  throws(() => readString(1, "path"), /^TraceError: path is not a string$/);
});

Deno.test("a blob reference is an ext of type 0x48 carrying the 32-byte hash", () => {
  const h = sha256(new Uint8Array([1]));
  const b = pack(new BlobRef(h));
  equal(hex(b.subarray(0, 3)), "c72048");
  equal(BLOB_EXT, 0x48);
  const back = unpack(b);
  ok(back instanceof BlobRef);
  deepEqual(back.hash, h);
  throws(
    () => unpack(new Uint8Array([0xd4, 0x48, 0])),
    /^TraceError: blob reference of 1 bytes, not 32$/,
  );
});

Deno.test("unpack wants exactly one value; unpackEach yields each in order", () => {
  throws(() => unpack(new Uint8Array([1, 2])), /^TraceError: expected one msgpack value, found 2$/);
  throws(() => unpack(new Uint8Array([])), /found 0/);
  throws(() => unpack(new Uint8Array([0x92, 0x01])), /^TraceError: malformed msgpack: /);
  const got: unknown[] = [];
  unpackEach(new Uint8Array([1, 0xa1, 0x61, 0xc0]), (v) => got.push(v));
  deepEqual(got, [1, "a", null]);
});

Deno.test("sha256 and hex agree with the FIPS 180-2 example", () => {
  equal(
    hex(sha256(new TextEncoder().encode("abc"))),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("asBytes views Buffers as plain Uint8Arrays without copying", () => {
  const buf = Buffer.from([1, 2, 3]);
  const b = asBytes(buf);
  equal(b.constructor, Uint8Array);
  equal(b.buffer, buf.buffer);
  const plain = new Uint8Array(2);
  equal(asBytes(plain), plain);
});
