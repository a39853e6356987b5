import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith } from "./_testing.ts";
import { Field } from "./fields.ts";
import { refreshMode } from "./mode.ts";

Deno.test("protected mode: access limits by descriptor type", () => {
  const { cpu } = cpuWith("");
  cpu.setField(Field.ES_AR, 0xc091n); // read-only data
  cpu.setField(Field.CS_AR, 0xc09bn); // execute/read code
  cpu.setField(Field.SS_AR, 0x4093n); // byte-granular data, 32-bit stack
  cpu.setField(Field.SS_LIMIT, 0xffffn);
  cpu.setField(Field.DS_AR, 0xc099n); // execute-only code
  cpu.setField(Field.FS_AR, 0x10000n); // unusable
  cpu.setField(Field.GS_AR, 0xc097n); // expand-down
  assertEquals(refreshMode(cpu), "");
  assertEquals(Array.from(cpu.rlim), [0xffffffff, 0xffffffff, 0xffff, -1, -1, -1]);
  assertEquals(Array.from(cpu.wlim), [-1, -1, 0xffff, -1, -1, -1]);
  assertEquals([cpu.segOdd, cpu.mode, cpu.cpl, cpu.spMask, cpu.ipMask], [0x20, 32, 0, -1, -1]);
});

Deno.test("real mode ignores types; 16-bit code and stack; CPL from SS.DPL in protected mode", () => {
  const { cpu } = cpuWith("");
  cpu.setField(Field.CR0, 0x30n);
  cpu.setField(Field.CS_AR, 0x9bn);
  cpu.setField(Field.SS_AR, 0x93n);
  cpu.setField(Field.DS_AR, 0x91n);
  cpu.setField(Field.DS_LIMIT, 0xffffn);
  assertEquals(refreshMode(cpu), "");
  assertEquals([cpu.mode, cpu.cpl, cpu.spMask, cpu.ipMask, cpu.wlim[3]], [
    16,
    0,
    0xffff,
    0xffff,
    0xffff,
  ]);
  cpu.setField(Field.CR0, 0x31n);
  cpu.setField(Field.SS_AR, 0xc0f3n);
  refreshMode(cpu);
  assertEquals([cpu.cpl, cpu.wlim[3]], [3, -1]);
});
