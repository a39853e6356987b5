import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { checkVectors, runOne } from "./_one.ts";
import { hexBytes } from "./_testing.ts";
import { DEC_INVALID } from "./insn.ts";

Deno.test("BMI1/BMI2 vectors (testdata/bmi.txt)", () => {
  const { bad, count } = checkVectors(
    Deno.readTextFileSync(new URL("./testdata/bmi.txt", import.meta.url)),
  );
  assertEquals(bad, []);
  assertEquals(count > 1000, true);
});

Deno.test("MULX writes the high half last (same destinations: the high half stays)", () => {
  // mulx rdx, rdx, rcx: both destinations RDX.
  const r = runOne(64, hexBytes("c4 e2 eb f6 d1"), {
    regs: [0n, 0x100000000n, 0x300000000n],
    rflags: 0x8d7,
    mem: new Uint8Array(0),
  });
  assertEquals([r.regs[2], r.rflags & 0x8d5], [3n, 0x8d5]);
});

Deno.test("VEX: L = 1 and a used-up vvvv other than 1111b are #UD; real mode is #UD", () => {
  const zero = { regs: [], rflags: 2, mem: new Uint8Array(0) };
  assertEquals(runOne(64, hexBytes("c4 e2 74 f2 c3"), zero).status, DEC_INVALID); // andn, L = 1
  assertEquals(runOne(64, hexBytes("c4 e3 6b f0 c1 05"), zero).status, DEC_INVALID); // rorx, vvvv 2
  assertEquals(runOne(64, hexBytes("66 c4 e2 78 f2 c3"), zero).status, DEC_INVALID); // 66 first
});
