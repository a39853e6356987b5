import { deepEqual } from "node:assert/strict";
import fc from "fast-check";
import { bytesToStr } from "./bytes.ts";
import { getfields } from "./getfields.ts";

Deno.test("getfields mflag: delimiter runs are one, empty fields vanish", () => {
  deepEqual(getfields(" a  b ", 10, true, " "), ["a", "b"]);
  deepEqual(getfields("pc\t 0x10", 10, true, " \t"), ["pc", "0x10"]);
  deepEqual(getfields("", 10, true, " "), []);
  deepEqual(getfields("   ", 10, true, " "), []);
  deepEqual(getfields("a=b", 10, true, "="), ["a", "b"]);
  deepEqual(getfields("a==b=", 10, true, "="), ["a", "b"]);
});

Deno.test("getfields without mflag: every delimiter ends a field", () => {
  deepEqual(getfields(" a  b ", 10, false, " "), ["", "a", "", "b", ""]);
  deepEqual(getfields("", 10, false, " "), [""]);
  deepEqual(getfields("a=b", 10, false, "="), ["a", "b"]);
  deepEqual(getfields("==", 10, false, "="), ["", "", ""]);
});

Deno.test("getfields: at max the last field keeps the rest, delimiters and all", () => {
  deepEqual(getfields("a b c", 2, true, " "), ["a", "b c"]);
  deepEqual(getfields("a b ", 2, true, " "), ["a", "b "]);
  deepEqual(getfields("a b  c d", 2, true, " "), ["a", "b  c d"]);
  deepEqual(getfields("a b c", 1, true, " "), ["a b c"]);
  deepEqual(getfields(" a b", 1, true, " "), ["a b"]);
  deepEqual(getfields("a b c", 2, false, " "), ["a", "b c"]);
  deepEqual(getfields("a  b", 2, false, " "), ["a", " b"]);
  deepEqual(getfields("a b", 0, true, " "), []);
  deepEqual(getfields("a b", -1, false, " "), []);
});

Deno.test("getfields: stops at NUL; delimiters are runes", () => {
  deepEqual(getfields("a b\0c d", 10, true, " "), ["a", "b"]);
  const u = (s: string) => bytesToStr(new TextEncoder().encode(s));
  deepEqual(getfields(u("a€b€€c"), 10, true, u("€")), ["a", "b", "c"]);
  deepEqual(getfields(u("aéb"), 10, true, u("€")), [u("aéb")]);
  // A bad byte decodes to Runeerror, which matches a bad byte in the set.
  deepEqual(getfields("a\xffb", 10, true, "\xfe"), ["a", "b"]);
});

Deno.test("getfields mflag: fields are the non-empty pieces of a plain split", () => {
  const s = fc.string({ unit: fc.constantFrom("a", "b", " ", "\t", "="), maxLength: 40 });
  fc.assert(
    fc.property(s, (str) => {
      const plain = getfields(str, 1000, false, " \t=");
      deepEqual(plain, str.split(/[ \t=]/));
      deepEqual(getfields(str, 1000, true, " \t="), plain.filter((f) => f !== ""));
    }),
    { seed: 0x5eed, numRuns: 1000 },
  );
});
