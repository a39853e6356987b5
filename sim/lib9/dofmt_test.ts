import { equal, throws } from "node:assert/strict";
import { bytesToStr } from "./bytes.ts";
import { fmtX, Seprint, smprint, snprint } from "./dofmt.ts";

const _u = (s: string) => bytesToStr(new TextEncoder().encode(s));

Deno.test("%s, %c, %% and literals", () => {
  equal(smprint("%s %s", "cs", "0x8"), "cs 0x8");
  equal(smprint("[%5s|%-5s]", "ab", "ab"), "[   ab|ab   ]");
  equal(smprint("%.2s|%.*s", "abcd", 3, "abcd"), "ab|abc");
  equal(smprint("%s", "ab\0cd"), "ab");
  equal(smprint("%s", "a\xffbcd"), "a\xef\xbf\xbdbcd");
  equal(smprint("%s", "a\xffb"), "a");
  equal(smprint("%.1s", _u("éa")), _u("é"));
  equal(smprint("%c%c%c", 0x41, 0x141, 0xe9), "AA");
  equal(smprint("100%%"), "100%");
  equal(smprint(_u("é%d"), 1), _u("é1"));
  equal(smprint("a%"), "a");
  equal(smprint("%k|", 1), "%k%|");
});

Deno.test("unmodeled verbs and bad arguments throw", () => {
  throws(() => smprint("%f", 1), /verb %f is not modeled/);
  throws(() => smprint("%r"), /verb %r is not modeled/);
  throws(() => smprint(_u("%é")), /is not modeled/);
  throws(() => smprint("%d"), /too few arguments/);
  throws(() => smprint("%d", "x"), /%d of a string/);
  throws(() => smprint("%d", 1.5), /non-integer/);
  throws(() => smprint("%s", 1), /%s of 1/);
  throws(() => smprint("%c", "x"), /%c of a string/);
  throws(() => smprint("%*d", 1n, 1), /\* takes a number/);
});

Deno.test("Seprint: each print starts where the last stopped; at most size-1 bytes", () => {
  const b = new Seprint(10);
  b.print("%s ", "pc").print("%#llux", 0x1234n);
  equal(b.text, "pc 0x1234");
  equal(b.length, 9);
  b.print("x");
  equal(b.text, "pc 0x1234");
  equal(new Seprint(8).print("pc %#.*llux\n", 16, 0n).text, "pc 0x00");
  equal(new Seprint(1).print("abc").text, "");
  throws(() => new Seprint(0), RangeError);
});

Deno.test("Seprint: literal runes are not split", () => {
  const e = _u("€");
  equal(new Seprint(4).print("a" + e).text, "a");
  equal(new Seprint(5).print("a" + e + "b").text, "a" + e);
});

Deno.test("Seprint: a full buffer ends the print, later prints still try", () => {
  const b = new Seprint(6).print("%s%s", "abcd", "xyz");
  equal(b.text, "abcdx");
  b.print("q");
  equal(b.text, "abcdx");
  const c = new Seprint(6).print("%d", 123456);
  equal(c.text, "12345");
});

Deno.test("Seprint.strecpy: bytes while they fit", () => {
  equal(new Seprint(4).strecpy("ab").strecpy("cd").text, "abc");
  equal(new Seprint(4).strecpy("a\0b").text, "a");
  equal(new Seprint(3).strecpy(_u("é€")).text, _u("é"));
  equal(new Seprint(4).strecpy(_u("é€")).text, "\xc3\xa9\xe2");
});

Deno.test("snprint: len-1 bytes", () => {
  equal(snprint(4, "%s", "abcdef"), "abc");
  equal(snprint(256, "%s %#q\n", "dead", "x'y"), "dead 'x''y'\n");
  throws(() => snprint(0, "x"), RangeError);
});

Deno.test("snprint: devvmx's status line with a long error is cut inside %#q", () => {
  const err = "'".repeat(127);
  const line = snprint(256, "%s %#q\n", "dead", err);
  // 255 bytes: "dead ", the opening quote, 124 doubled quotes, the closing one.
  equal(line, "dead '" + "''".repeat(124) + "'");
  equal(line.length, 255);
});

Deno.test("fmtX; %#.*llux, %#p, %q, %#q as devvmx prints them", () => {
  equal(fmtX(0n), "0x0");
  equal(fmtX(0xa0000), "0xa0000");
  equal(fmtX(-1n), "0xffffffffffffffff");
  equal(smprint("%#.*llux", 16, 0x100000n), "0x0000000000100000");
  equal(smprint("%#.*llux", 4, 8), "0x0008");
  equal(smprint("%#.*llux", 8, 0xffffffff), "0xffffffff");
  equal(smprint("%#p", 0x100000), "0x100000");
  equal(smprint("%#p", 0), "0x0");
  equal(smprint("%q", "a b"), "'a b'");
  equal(smprint("%q", "ab"), "ab");
  equal(smprint("%#q", "ab"), "'ab'");
});
