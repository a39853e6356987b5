import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { Field } from "./fields.ts";

Deno.test("field layout the CPU relies on: GPRs by encoding, segments in SDM order, four fields each", () => {
  assertEquals([Field.RAX, Field.RSP, Field.R15, Field.RIP], [0, 4, 15, 16]);
  const segs = [
    Field.ES_SEL,
    Field.CS_SEL,
    Field.SS_SEL,
    Field.DS_SEL,
    Field.FS_SEL,
    Field.GS_SEL,
    Field.LDTR_SEL,
  ];
  assertEquals(segs.map((f) => f - Field.ES_SEL), [0, 4, 8, 12, 16, 20, 24]);
  assertEquals([Field.TR_AR - Field.ES_SEL, Field.KERNEL_GS_BASE + 1], [31, Field.COUNT]);
});
