import { equal, throws } from "node:assert/strict";
import { Fmt, fmtchar, fmtcpy, FmtFull, FmtLeft, fmtpad, FmtPrec, fmtrune } from "./fmtbuf.ts";

Deno.test("fmtchar/fmtrune: fill to stop, never split a rune", () => {
  const f = new Fmt("ab", 4, []);
  fmtchar(f, 0x63);
  throws(() => fmtrune(f, 0xe9), FmtFull);
  equal(f.out, "abc");
  fmtrune(f, 0x64);
  equal(f.out, "abcd");
  throws(() => fmtchar(f, 0x65), FmtFull);
  equal(f.unbounded, false);
  equal(new Fmt("", Infinity, []).unbounded, true);
});

Deno.test("fmtpad and fmtcpy: width, left, precision in runes", () => {
  const f = new Fmt("", Infinity, []);
  f.width = 4;
  fmtcpy(f, "xab", 1, 2, 2);
  equal(f.out, "  ab");
  f.flags = FmtLeft;
  fmtcpy(f, "cd", 0, 2, 2);
  equal(f.out, "  abcd  ");
  f.flags = FmtPrec;
  f.prec = 1;
  f.width = 0;
  fmtcpy(f, "\xc3\xa9z", 0, 2, 3);
  equal(f.out, "  abcd  \xc3\xa9");
  fmtpad(f, -1);
  equal(f.out, "  abcd  \xc3\xa9");
});

Deno.test("Fmt.arg: in order, then a TypeError", () => {
  const f = new Fmt("", Infinity, [1, "s"]);
  equal(f.arg(), 1);
  equal(f.arg(), "s");
  throws(() => f.arg(), TypeError);
});
