import { deepEqual, equal, throws } from "node:assert/strict";
import { bytesToStr, cbytes, cstr, cut, strToBytes } from "./bytes.ts";

Deno.test("bytesToStr/strToBytes: one code unit per byte, both ways", () => {
  const all = new Uint8Array(256).map((_, i) => i);
  const s = bytesToStr(all);
  equal(s.length, 256);
  equal(s.charCodeAt(0xe9), 0xe9);
  deepEqual(strToBytes(s), all);
});

Deno.test("bytesToStr: large inputs (chunked)", () => {
  const big = new Uint8Array(100_000).fill(0x41);
  equal(bytesToStr(big), "A".repeat(100_000));
});

Deno.test("strToBytes: Unicode text is refused", () => {
  throws(() => strToBytes("é€"), /^RangeError: not a byte string: code unit 0x20ac at index 1$/);
});

Deno.test("cbytes/cstr/cut: C string views", () => {
  deepEqual(cbytes("ab"), new Uint8Array([0x61, 0x62, 0]));
  equal(cstr(cbytes("ab\0cd"), 0), "ab");
  equal(cstr(cbytes("ab\0cd"), 3), "cd");
  equal(cut("ab\0cd"), "ab");
  equal(cut("abc"), "abc");
  throws(() => cbytes("\u0100"), RangeError);
});
