import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { AF, ARITH, Attr, CF, OF, Opk, PF, SF, ZF } from "./operands.ts";

Deno.test("flag and attribute vocabulary", () => {
  assertEquals(ARITH, CF | PF | AF | ZF | SF | OF);
  assertEquals(Opk.COUNT < 64, true);
  assertEquals(Attr.NP, 0x200);
});
