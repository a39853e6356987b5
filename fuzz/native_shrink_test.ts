import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { type GenCase, generateCase } from "./gen_insn.ts";
import { INSN_TEMPLATES } from "./gen_insn_table.ts";
import { shrinkCase } from "./native_shrink.ts";

/** A case with more than one snippet containing a form of class `cls`. */
function _caseWith(cls: string): GenCase {
  for (let k = 0;; k++) {
    const c = generateCase(0x5eed, k, { templates: INSN_TEMPLATES }).case;
    if (c.insns.length > 8 && c.insns.some((i) => i.cls === cls)) return c;
  }
}

Deno.test("shrinkCase: down to the one instruction and the state that still fail", async () => {
  const c = _caseWith("mul");
  const r = c.regs.findIndex((v, n) => n !== 4 && !(c.pinned & (1 << n)) && v !== 0n);
  ok(r >= 0);
  const fails = (k: GenCase) => k.insns.some((i) => i.cls === "mul") && k.regs[r] !== 0n;
  let batches = 0;
  const small = await shrinkCase(c, (cands) => {
    batches++;
    return Promise.resolve(cands.map(fails));
  });
  assertEquals(small.insns.length, 1);
  assertEquals(small.insns[0].cls, "mul");
  assertEquals(
    small.regs.filter((v, n) => n !== 4 && !(small.pinned & (1 << n)) && v !== 0n).length,
    1,
  );
  assertEquals(small.regs[r], c.regs[r]);
  assertEquals(small.rflags, 0n);
  assertEquals(small.mem.every((m) => m.bytes.every((b) => b === 0)), true);
  assertEquals([small.seed, small.index, small.pinned], [c.seed, c.index, c.pinned]);
  ok(batches < 200, `${batches} batches`);
});

Deno.test("shrinkCase: memory shrinks to the bytes that matter; the budget bounds the work", async () => {
  const c = _caseWith("xchg");
  const at = c.mem[0].bytes.findIndex((b) => b !== 0);
  const small = await shrinkCase(
    c,
    (cands) => Promise.resolve(cands.map((k) => k.mem[0].bytes[at] !== 0)),
  );
  assertEquals(small.mem[0].bytes.filter((b) => b !== 0).length <= 8, true);
  assertEquals(small.mem[0].bytes[at], c.mem[0].bytes[at]);
  let judged = 0;
  const none = await shrinkCase(c, (cands) => {
    judged += cands.length;
    return Promise.resolve(cands.map(() => false));
  }, { budget: 10 });
  assertEquals(none, c);
  ok(judged <= 10);
});
