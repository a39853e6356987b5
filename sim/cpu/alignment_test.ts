import { equal } from "node:assert/strict";
import { cpuWith } from "./_testing.ts";
import { RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

// Alignment checking (#AC) is not modeled, so turning it on must stop the run loudly.

function _ring3(code: string, cr0: bigint, rflags = 2n) {
  const { cpu } = cpuWith(code);
  cpu.setField(Field.CR0, cr0);
  cpu.setField(Field.CS_AR, 0xc0fbn);
  cpu.setField(Field.SS_AR, 0xc0f3n);
  cpu.setField(Field.CS_LIMIT, 0xffffffffn);
  cpu.setField(Field.SS_LIMIT, 0xffffffffn);
  cpu.setField(Field.RFLAGS, rflags);
  return cpu;
}

Deno.test("POPF setting AC at CPL 3 with CR0.AM stops as unimplemented", () => {
  const cpu = _ring3("68 00 00 04 00 9d 0f a2", 0x40031n); // push 0x40000; popf; cpuid
  equal(cpu.run(10), RunStatus.DEAD);
  equal(cpu.deadMessage, "unimplemented alignment checking");
});

Deno.test("AC without CR0.AM, or AM without AC, runs on", () => {
  const cpu = _ring3("68 00 00 04 00 9d 0f a2", 0x31n);
  equal(cpu.run(10), RunStatus.EXIT);
  equal(cpu.getField(Field.EXIT_REASON), 10n);
  const am = _ring3("0f a2", 0x40031n);
  equal(am.run(10), RunStatus.EXIT);
  equal(am.getField(Field.EXIT_REASON), 10n);
});

Deno.test("entering with AC and AM at CPL 3 stops as unimplemented", () => {
  const cpu = _ring3("0f a2", 0x40031n, 0x40002n);
  equal(cpu.run(10), RunStatus.DEAD);
  equal(cpu.deadMessage, "unimplemented alignment checking");
});
