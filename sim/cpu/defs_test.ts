import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { ALU_NAMES, CC_NAMES, OPDEFS, SHIFT_NAMES } from "./defs.ts";
import { AF, ARITH } from "./operands.ts";

Deno.test("definitions: names, flags, and which rows decode but do not execute yet", () => {
  assertEquals([ALU_NAMES.length, CC_NAMES.length, SHIFT_NAMES.length], [8, 16, 8]);
  for (const d of OPDEFS) {
    assertEquals(d.mnem, d.mnem.toLowerCase());
    assertEquals(d.fu & ~d.fw, 0, `${d.enc}: undefined flags must be written flags`);
  }
  const logic = OPDEFS.filter((d) => ["and", "or", "xor", "test"].includes(d.mnem));
  assertEquals(logic.every((d) => d.fw === ARITH && d.fu === AF), true);
  assertEquals(OPDEFS.filter((d) => d.h === "").map((d) => d.mnem), []);
});
