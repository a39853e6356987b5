import { equal, throws } from "node:assert/strict";
import { ERRMAX, kstrcpy } from "./kstrcpy.ts";

Deno.test("kstrcpy: fits whole up to ns-1 bytes", () => {
  equal(kstrcpy("x".repeat(127), ERRMAX), "x".repeat(127));
  equal(kstrcpy("", ERRMAX), "");
  equal(kstrcpy("ab\0cd", 4), "ab");
});

Deno.test("kstrcpy: longer strings keep ns-5 bytes plus '...'", () => {
  equal(kstrcpy("x".repeat(128), ERRMAX), "x".repeat(123) + "...");
  equal(kstrcpy("x".repeat(500), ERRMAX), "x".repeat(123) + "...");
  equal(kstrcpy("abcdef", 6), "a...");
  equal(kstrcpy("abcdef", 5), "...");
  equal(kstrcpy("abcdef", 4), "...");
});

Deno.test("kstrcpy: '...' moves back over a split rune", () => {
  const e = "\xc3\xa9"; // é
  // Byte 123 is the continuation of an é starting at 122: it goes too.
  equal(kstrcpy("x".repeat(122) + e.repeat(10), ERRMAX), "x".repeat(122) + "...");
  equal(kstrcpy("x".repeat(121) + e.repeat(10), ERRMAX), "x".repeat(121) + e + "...");
  equal(kstrcpy("\x80".repeat(200), ERRMAX), "...");
});

Deno.test("kstrcpy: below 4 bytes just cut; below 1 a bug", () => {
  equal(kstrcpy("abcdef", 3), "ab");
  equal(kstrcpy("abcdef", 1), "");
  throws(() => kstrcpy("a", 0), RangeError);
});
