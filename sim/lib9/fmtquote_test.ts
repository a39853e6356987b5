import { equal } from "node:assert/strict";
import { bytesToStr } from "./bytes.ts";
import { Seprint, smprint } from "./dofmt.ts";

const _u = (s: string) => bytesToStr(new TextEncoder().encode(s));

Deno.test("%q quotes only when needed", () => {
  equal(smprint("%q", "abc"), "abc");
  equal(smprint("%q", ""), "''");
  equal(smprint("%q", "a b"), "'a b'");
  equal(smprint("%q", "it's"), "'it''s'");
  equal(smprint("%q", "'"), "''''");
  equal(smprint("%q", "a\tb"), "'a\tb'");
  equal(smprint("%q", "\x01"), "'\x01'");
  equal(smprint("%q", "a\x7fb"), "a\x7fb");
  equal(smprint("%q", "#bp,,1"), "#bp,,1");
  equal(smprint("%q", 'x"y'), 'x"y');
  equal(smprint("%q", _u("é")), _u("é"));
  equal(smprint("%q", "ab\0c d"), "ab");
});

Deno.test("%#q always quotes", () => {
  equal(smprint("%#q", "abc"), "'abc'");
  equal(smprint("%#q", ""), "''");
  equal(smprint("%#q", "vmx: ending"), "'vmx: ending'");
  equal(smprint("%#q", "it's"), "'it''s'");
});

Deno.test("%q: a bad byte prints as Runeerror, or ends the string near its end", () => {
  equal(smprint("%q", "a\xffbcd"), "a\xef\xbf\xbdbcd");
  equal(smprint("%q", "a\xff bcd"), "'a\xef\xbf\xbd bcd'");
  // _fmtcpy and qstrfmt stop at a byte >= 0x80 that has fewer than UTFmax
  // bytes after it and does not start a whole rune.
  equal(smprint("%q", "a\xffb"), "a");
  equal(smprint("%q", "a \xffb"), "'a '");
});

Deno.test("%q with precision takes that many runes", () => {
  equal(smprint("%.2q", "abcd"), "ab");
  equal(smprint("%.0q", "abcd"), "''");
  equal(smprint("%.3q", "a bcd"), "'a b'");
});

Deno.test("%q with width pads by output bytes", () => {
  equal(smprint("%6q|", "a b"), " 'a b'|");
  equal(smprint("%-6q|", "a b"), "'a b' |");
  equal(smprint("%5q|", "ab"), "   ab|");
});

Deno.test("%q in a bounded buffer takes what fits with its closing quote", () => {
  const q = (size: number, s: string, fmt = "%q") => new Seprint(size).print(fmt, s).text;
  equal(q(6, "a b c"), "'a b'");
  equal(q(5, "a b c"), "'a '");
  // Quoting turns out to be needed where the quotes no longer fit: the part
  // before is printed unquoted.
  equal(q(5, "abc d"), "abc");
  equal(q(6, "abc d"), "abc");
  equal(q(7, "abc d"), "'abc '");
  equal(q(2, ""), "");
  equal(q(3, ""), "''");
  equal(q(7, "a'b", "%#q"), "'a''b'");
  equal(q(6, "a'b", "%#q"), "'a'''");
  equal(q(5, "a'b", "%#q"), "'a'");
  equal(q(2, "x", "%#q"), "");
  equal(q(4, "abcdef"), "abc");
});

Deno.test("%q in a bounded buffer never splits a rune", () => {
  const e = _u("€");
  equal(new Seprint(5).print("%q", "a" + e).text, "a" + e);
  equal(new Seprint(4).print("%q", "a" + e).text, "a");
  // A bad byte counts one byte in the measure but prints three: the print
  // stops where it no longer fits, leaving the quote open.
  const re = "\xef\xbf\xbd";
  equal(new Seprint(12).print("%q", " " + "\xff".repeat(8)).text, "' " + re.repeat(3));
  equal(smprint("%q", " " + "\xff".repeat(8)), "' " + re.repeat(5) + "'");
});
