import { equal, throws } from "node:assert/strict";
import { berror, Egreg, error, errstrcpy, PlanError } from "./errors.ts";
import { errstrOf } from "../testdata/planerror.ts";

Deno.test("error: a PlanError whose message is the errstr", () => {
  throws(() => error(Egreg), (e: unknown) => {
    return e instanceof PlanError && e.errstr === "the front fell off" &&
      e.message === e.errstr && e.name === "PlanError";
  });
});

Deno.test("berror: a lib9 byte string becomes the Unicode text of its UTF-8", () => {
  equal(
    errstrOf(() => berror('unknown control message "\xc3\xa9"')),
    'unknown control message "é"',
  );
  equal(errstrOf(() => berror("\xf0\x9f\x98\x80")), "😀");
  equal(errstrOf(() => berror("plain")), "plain");
});

Deno.test("berror: bytes Unicode text cannot carry are not modeled", () => {
  // U+D800 as 9front's %q writes it back: not UTF-8 to a JS string.
  equal(
    errstrOf(() => berror('unknown control message "\xed\xa0\x80"')),
    "unimplemented: error string is not UTF-8",
  );
  equal(errstrOf(() => berror("\xff")), "unimplemented: error string is not UTF-8");
});

Deno.test("errstrcpy: ERRMAX-1 bytes, '...' at a UTF-8 boundary", () => {
  const fits = "x".repeat(127);
  equal(errstrcpy(fits), fits);
  equal(errstrcpy("x".repeat(128)), "x".repeat(123) + "...");
  equal(errstrcpy("x".repeat(300)), "x".repeat(123) + "...");
  // Byte 123 is the second byte of a 2-byte sequence starting at 122: cut before 122.
  equal(errstrcpy("x".repeat(122) + "é".repeat(10)), "x".repeat(122) + "...");
  // Byte 123 starts a sequence: cut before it.
  equal(errstrcpy("x".repeat(123) + "é".repeat(10)), "x".repeat(123) + "...");
  // A 3-byte sequence at 121..123: back up to its lead byte.
  equal(errstrcpy("x".repeat(121) + "€".repeat(10)), "x".repeat(121) + "...");
  // Counted in bytes: 63 é are 126 bytes and fit; 64 do not.
  equal(errstrcpy("é".repeat(63)), "é".repeat(63));
  equal(errstrcpy("é".repeat(64)), "é".repeat(61) + "...");
});
