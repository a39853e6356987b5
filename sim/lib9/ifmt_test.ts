import { equal } from "node:assert/strict";
import { smprint } from "./dofmt.ts";

Deno.test("%#llux and %#ullx: 0x always, 0x0 for zero", () => {
  equal(smprint("%#llux", 0n), "0x0");
  equal(smprint("%#ullx", 0xdeadbeefn), "0xdeadbeef");
  equal(smprint("%#llux", -1n), "0xffffffffffffffff");
  equal(smprint("%#llux", 2n ** 64n + 5n), "0x5");
  equal(smprint("%#llX", 0xabn), "0XAB");
  equal(smprint("%llux", 0xabn), "ab");
});

Deno.test("%#.*llux: zero padding to the precision, capped as buf[70] caps it", () => {
  equal(smprint("%#.*llux", 16, 0n), "0x0000000000000000");
  equal(smprint("%#.*llux", 4, 0xffffn), "0xffff");
  equal(smprint("%#.*llux", 4, 0x12345n), "0x12345");
  equal(smprint("%#.*ullx", 8, 0x31), "0x00000031");
  equal(smprint("%#.4ux", 0x4402), "0x4402");
  equal(smprint("%#.16ullx", 1n), "0x0000000000000001");
  equal(smprint("%.100d", 7), "0".repeat(65) + "7");
  equal(smprint("%.*d", -3, 7), "7");
});

Deno.test("%#p is a 64-bit unsigned %#llux", () => {
  equal(smprint("%#p", 0), "0x0");
  equal(smprint("%#p", 0x7fff0000n), "0x7fff0000");
  equal(smprint("%#p", -1), "0xffffffffffffffff");
  equal(smprint("%p", 0x10), "10");
});

Deno.test("%d widths: int and long 32 bits, vlong 64, h 16, hh 8", () => {
  equal(smprint("%d", -1), "-1");
  equal(smprint("%ud", -1), "4294967295");
  equal(smprint("%d", 2 ** 31), "-2147483648");
  equal(smprint("%ld", 2 ** 32 + 3), "3");
  equal(smprint("%lld", 2n ** 63n), "-9223372036854775808");
  equal(smprint("%llud", 2n ** 63n), "9223372036854775808");
  equal(smprint("%hd", 0x18000), "-32768");
  equal(smprint("%hud", -1), "65535");
  equal(smprint("%hhd", 0xff), "-1");
  equal(smprint("%hhud", 0x1ff), "255");
  equal(smprint("%zd", -1n), "-1");
});

Deno.test("integer flags: width, left, zero, sign, space, comma, octal and binary", () => {
  equal(smprint("%5d|%-5d|%05d", 42, 42, 42), "   42|42   |00042");
  equal(smprint("%05d", -42), "-0042");
  equal(smprint("%+d %+d % d", 1, -1, 1), "+1 -1  1");
  equal(smprint("%,d", 1234567), "1,234,567");
  equal(smprint("%#o %#o %o", 8, 0, 8), "010 0 10");
  equal(smprint("%b %#b", 5, 5), "101 101");
  equal(smprint("%#08x", 0x1f), "0x00001f");
  equal(smprint("%-#8x|", 0x1f), "0x1f    |");
  equal(smprint("%08.3d", 5), "     005");
});
