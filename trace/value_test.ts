import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { BlobRef, sha256 } from "./codec.ts";
import { loadValue, storeValue } from "./value.ts";

const blobs = new Map<string, Uint8Array>();
const toBlob = (b: Uint8Array) => {
  const ref = new BlobRef(sha256(b));
  blobs.set(String(ref.hash), b);
  return ref;
};
const fromBlob = (r: BlobRef) => blobs.get(String(r.hash))!;

Deno.test("storeValue keeps exact values and moves large bytes to blobs", () => {
  const big = new Uint8Array(8).fill(1);
  const small = new Uint8Array([1, 2]);
  const v = { a: 1, b: -2.5, c: 2n ** 64n - 1n, d: "x", e: [true, null, small], f: big };
  const s = storeValue(v, toBlob, 8) as Record<string, unknown>;
  ok(s.f instanceof BlobRef);
  const e = s.e as unknown[];
  ok(e[2] !== small, "small bytes are copied");
  deepEqual(loadValue(s, fromBlob), v);
});

Deno.test("storeValue refuses what it cannot store exactly, naming where", () => {
  const cases: [unknown, RegExp][] = [
    [
      { a: 2 ** 53 },
      /^TypeError: record\.a: 9007199254740992 cannot be stored exactly \(use a bigint\)$/,
    ],
    [[NaN], /record\[0\]: NaN cannot/],
    [Infinity, /Infinity cannot/],
    [{ x: undefined }, /^TypeError: record\.x: undefined cannot be stored$/],
    [[1, , 2], /record\[1\]: undefined cannot be stored/],
    [() => 0, /a function cannot be stored/],
    [Symbol("s"), /a symbol cannot be stored/],
    [new Map(), /a Map cannot be stored/],
    [new Date(0), /a Date cannot be stored/],
    [Object.create(null), /a null-prototype object cannot be stored/],
    [2n ** 64n, /wider than 64 bits/],
    [-(2n ** 63n) - 1n, /wider than 64 bits/],
    [new Uint32Array(1), /a Uint32Array cannot be stored/],
  ];
  for (const [v, re] of cases) throws(() => storeValue(v, toBlob, 8), re);
});

Deno.test("loadValue normalises Buffers and refuses undefined or foreign objects", () => {
  const b = loadValue({ x: Buffer.from([1]) }, fromBlob) as { x: Uint8Array };
  equal(b.x.constructor, Uint8Array);
  throws(() => loadValue([undefined], fromBlob), /^TraceError: record holds an undefined value$/);
  throws(() => loadValue(new Map(), fromBlob), /^TraceError: record holds an unexpected Map$/);
});
