import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { ALU_NAMES, CC_NAMES, OPDEFS, SHIFT_NAMES } from "./defs.ts";
import { AVX_DEFS } from "./defs_avx.ts";
import { AVX2_DEFS } from "./defs_avx2.ts";
import { SSE_DEFS } from "./defs_sse.ts";
import { SSE4_DEFS } from "./defs_sse4.ts";
import { SYSTEM_DEFS } from "./defs_system.ts";
import { X87_DEFS } from "./defs_x87.ts";
import { AF, ARITH } from "./operands.ts";

Deno.test("definitions: names, flags, and which rows decode but do not execute yet", () => {
  assertEquals([ALU_NAMES.length, CC_NAMES.length, SHIFT_NAMES.length], [8, 16, 8]);
  for (const d of OPDEFS) {
    assertEquals(d.mnem, d.mnem.toLowerCase());
    assertEquals(d.fu & ~d.fw, 0, `${d.enc}: undefined flags must be written flags`);
  }
  const logic = OPDEFS.filter((d) => ["and", "or", "xor", "test"].includes(d.mnem));
  assertEquals(logic.every((d) => d.fw === ARITH && d.fu === AF), true);
  // Every general-purpose row executes; x87, SIMD and some system rows decode only.
  const simd = new Set([X87_DEFS, SSE_DEFS, SSE4_DEFS, SYSTEM_DEFS, AVX_DEFS, AVX2_DEFS].flat());
  assertEquals(OPDEFS.filter((d) => d.h === "" && !simd.has(d)).map((d) => d.mnem), []);
});
