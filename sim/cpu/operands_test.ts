import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { AF, ARITH, Attr, CF, OF, Opk, Osz, oszBytes, PF, SF, ZF } from "./operands.ts";

Deno.test("flag and attribute vocabulary", () => {
  assertEquals(ARITH, CF | PF | AF | ZF | SF | OF);
  // A ROW_OPS entry holds the kind in its low byte and the size in the high one.
  assertEquals(Opk.COUNT <= 256 && Osz.fstate < 256, true);
  assertEquals([oszBytes(Osz.x, 0), oszBytes(Osz.x, 1), oszBytes(Osz.xh, 1), oszBytes(Osz.xo, 0)], [
    16,
    32,
    16,
    2,
  ]);
  assertEquals(Attr.NP, 0x200);
});
