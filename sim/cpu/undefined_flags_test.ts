import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { hexBytes } from "./_testing.ts";
import { ByteSource, decode } from "./decode.ts";
import { OPDEFS } from "./defs.ts";
import { Insn } from "./insn.ts";
import { AF, ARITH, CF, OF } from "./operands.ts";
import { UNDEFINED_CHOICES, undefinedFlags, undefinedResult } from "./undefined_flags.ts";

function _i(mode: number, hex: string): Insn {
  const i = new Insn();
  decode(new ByteSource(hexBytes(hex)), 0, mode, i);
  return i;
}

Deno.test("shift masks by count: none for 0, AF for 1, AF OF above 1, CF too from the size on", () => {
  const shl8 = _i(32, "d2 e0"), sar32 = _i(32, "d3 f8"), rol64 = _i(64, "48 d3 c0");
  assertEquals([0, 1, 2, 7, 8, 32].map((n) => undefinedFlags(shl8, n)), [
    0,
    AF,
    AF | OF,
    AF | OF,
    AF | OF | CF,
    0, // masked to 0
  ]);
  assertEquals([1, 31, 33].map((n) => undefinedFlags(sar32, n)), [AF, AF | OF, AF]);
  assertEquals([0, 1, 2, 64, 65].map((n) => undefinedFlags(rol64, n)), [0, 0, OF, 0, 0]);
});

Deno.test("SHLD/SHRD: a 16-bit count above 16 leaves every flag and the result undefined", () => {
  const shld16 = _i(32, "66 0f a5 d8"), shrd32 = _i(32, "0f ad d8");
  assertEquals([undefinedFlags(shld16, 17), undefinedResult(shld16, 17)], [ARITH, true]);
  assertEquals([undefinedFlags(shld16, 16), undefinedResult(shld16, 16)], [AF | OF, false]);
  assertEquals([undefinedFlags(shrd32, 1), undefinedResult(shrd32, 31)], [AF, false]);
  assertEquals(undefinedResult(_i(32, "66 0f c8"), 0), true); // bswap ax
  assertEquals(undefinedResult(_i(32, "0f c8"), 0), false);
});

Deno.test("other rows: their fu; every row's undefined flags have a documented value", () => {
  assertEquals(undefinedFlags(_i(64, "48 f7 e1"), 0), 0xd4); // mul: SF ZF AF PF
  assertEquals(undefinedFlags(_i(64, "48 01 c8"), 0), 0); // add
  for (const d of OPDEFS) {
    if (d.fu === 0) continue;
    const covered = UNDEFINED_CHOICES.filter((c) =>
      d.mnem.split("/").some((m) => c.mnems.includes(m))
    )
      .reduce((m, c) => m | c.flags, 0);
    assertEquals(
      d.fu & ~covered,
      0,
      `${d.mnem} ${d.enc}: undefined flags without a documented value`,
    );
  }
});
