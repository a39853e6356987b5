import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { checkVectors, runOne } from "./_one.ts";
import { hexBytes } from "./_testing.ts";
import { DEC_INVALID } from "./insn.ts";

Deno.test("AAA AAS DAA DAS AAM AAD vectors (testdata/bcd.txt)", () => {
  const { bad, count } = checkVectors(
    Deno.readTextFileSync(new URL("./testdata/bcd.txt", import.meta.url)),
  );
  assertEquals(bad, []);
  assertEquals(count, 26);
});

Deno.test("the decimal adjusts are invalid in 64-bit mode", () => {
  for (const hex of ["37", "3f", "27", "2f", "d4 0a", "d5 0a"]) {
    const r = runOne(64, hexBytes(hex), { regs: [], rflags: 2, mem: new Uint8Array(0) });
    assertEquals(r.status, DEC_INVALID, hex);
  }
});
