import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { bytesToStr } from "./bytes.ts";
import { byteAt, chartorune, fullrune, Runeerror, runetochar, utflen, utfrune } from "./rune.ts";

const _b = (s: string) => bytesToStr(new TextEncoder().encode(s));

Deno.test("chartorune: valid sequences of each length", () => {
  deepEqual(chartorune("A", 0), [0x41, 1]);
  deepEqual(chartorune(_b("é"), 0), [0xe9, 2]);
  deepEqual(chartorune(_b("€"), 0), [0x20ac, 3]);
  deepEqual(chartorune(_b("😀"), 0), [0x1f600, 4]);
  deepEqual(chartorune("", 0), [0, 1]);
});

Deno.test("chartorune: bad sequences give Runeerror, length 1", () => {
  for (
    const bad of [
      "\x80", // stray continuation
      "\xc3", // truncated by the end (NUL)
      "\xc3A", // bad continuation
      "\xc0\x80", // overlong 2-byte
      "\xe0\x80\x80", // overlong 3-byte
      "\xf0\x80\x80\x80", // overlong 4-byte
      "\xf4\x90\x80\x80", // above Runemax
      "\xf8\x80\x80\x80\x80", // 5-byte lead
      "\xe2\x82", // truncated 3-byte
    ]
  ) deepEqual(chartorune(bad, 0), [Runeerror, 1], JSON.stringify(bad));
});

Deno.test("chartorune: encoded surrogates decode, as 9front's does", () => {
  deepEqual(chartorune("\xed\xa0\x80", 0), [0xd800, 3]);
});

Deno.test("runetochar: every length, Runeerror above Runemax", () => {
  equal(runetochar(0x41), "A");
  equal(runetochar(0xe9), _b("é"));
  equal(runetochar(0x20ac), _b("€"));
  equal(runetochar(0x1f600), _b("😀"));
  equal(runetochar(0x110000), _b("\ufffd"));
  deepEqual([0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0x10000].map((r) => runetochar(r).length), [
    1,
    2,
    2,
    3,
    3,
    4,
  ]);
});

Deno.test("runetochar inverts chartorune for every code point", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0x10ffff }), (r) => {
      deepEqual(chartorune(runetochar(r), 0), [r, runetochar(r).length]);
    }),
    { seed: 0x5eed, numRuns: 2000 },
  );
});

Deno.test("fullrune, utflen, byteAt", () => {
  equal(fullrune("", 0, 0), false);
  equal(fullrune("A", 0, 1), true);
  equal(fullrune("\xc3", 0, 1), false);
  equal(fullrune("\xc3\xa9", 0, 2), true);
  equal(fullrune("\xe2\x82", 0, 2), false);
  equal(fullrune("\xf0\x9f\x98", 0, 3), false);
  equal(fullrune("\xf0\x9f\x98\x80", 0, 4), true);
  equal(utflen(_b("aé€😀")), 4);
  equal(utflen("a\xffb"), 3);
  equal(utflen("ab\0cd"), 2);
  equal(byteAt("a", 0), 0x61);
  equal(byteAt("a", 1), 0);
});

Deno.test("utfrune: ASCII by strchr, others by decoding the set", () => {
  equal(utfrune(" \t", 0x20), true);
  equal(utfrune(" \t", 0x3d), false);
  equal(utfrune("=\0 ", 0x20), false);
  equal(utfrune(_b("a€b"), 0x20ac), true);
  equal(utfrune(_b("a€b"), 0xe9), false);
  equal(utfrune("a\xff", Runeerror), true);
});
