import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { cpuWith } from "./_testing.ts";
import { Insn } from "./insn.ts";
import { DS, ZERO_LANE } from "./state.ts";

Deno.test("a fresh record has no operands and refuses to run", () => {
  const i = new Insn();
  assertEquals([i.row, i.rm, i.base, i.index, i.seg, i.posModrm, i.segPfx], [
    -1,
    -1,
    ZERO_LANE,
    ZERO_LANE,
    DS,
    -1,
    -1,
  ]);
  throws(() => i.fn(cpuWith("").cpu, i), /before its handler was resolved/);
});
