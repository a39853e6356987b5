import { deepEqual, equal, throws } from "node:assert/strict";
import { bytesToStr, cbytes, concat, cstr, cut, fromUtf8, strToBytes, toUtf8 } from "./bytes.ts";

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

Deno.test("toUtf8/fromUtf8: Unicode text and its UTF-8 byte string, cut at NUL", () => {
  equal(toUtf8("#g/é€"), "#g/\xc3\xa9\xe2\x82\xac");
  equal(toUtf8("#g/a\0b"), "#g/a");
  equal(toUtf8(""), "");
  equal(fromUtf8("#g/\xc3\xa9\xe2\x82\xac"), "#g/é€");
  equal(fromUtf8(toUtf8("😀")), "😀");
});

Deno.test("fromUtf8: bytes that are not UTF-8 are refused, surrogate runes too", () => {
  throws(() => fromUtf8("a\xc3"), /^RangeError: not UTF-8: "a\\xc3"$/);
  throws(() => fromUtf8("\xff"), RangeError);
  // U+D800 as 9front's runetochar writes it: not UTF-8 to anyone else.
  throws(() => fromUtf8("\xed\xa0\x80"), RangeError);
  throws(() => fromUtf8("\u0100"), /not a byte string/);
});

Deno.test("concat: parts in order, a new array", () => {
  const a = Uint8Array.of(1, 2);
  deepEqual(concat([a, new Uint8Array(0), Uint8Array.of(3)]), Uint8Array.of(1, 2, 3));
  deepEqual(concat([]), new Uint8Array(0));
  const one = concat([a]);
  deepEqual(one, a);
  one[0] = 9;
  equal(a[0], 1);
});
