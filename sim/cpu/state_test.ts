import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith } from "./_testing.ts";
import { Field } from "./fields.ts";
import { dead, hexPc, raise, STOP, STOP_DEAD, STOP_EXC, Tlb } from "./state.ts";

Deno.test("raise and dead throw the one sentinel after recording why", () => {
  const { cpu } = cpuWith("");
  let caught: unknown;
  try {
    raise(cpu, 13, 0x33);
  } catch (x) {
    caught = x;
  }
  assertEquals([caught === STOP, cpu.stopKind, cpu.excVector, cpu.excCode], [
    true,
    STOP_EXC,
    13,
    0x33,
  ]);
  try {
    dead(cpu, "unimplemented thing");
  } catch (x) {
    caught = x;
  }
  assertEquals([caught === STOP, cpu.stopKind, cpu.deadMessage], [
    true,
    STOP_DEAD,
    "unimplemented thing",
  ]);
});

Deno.test("wide fields, TLB flush, %#llux", () => {
  const { cpu } = cpuWith("");
  cpu.setWide(Field.CR3, 0x1000, 0x2);
  assertEquals([cpu.lo(Field.CR3), cpu.hi(Field.CR3)], [0x1000, 2]);
  const t = new Tlb();
  t.tag[3] = 5;
  t.flush();
  assertEquals(t.tag[3], -1);
  assertEquals([hexPc(0), hexPc(0x1004), hexPc(0xffffffffn)], ["0x0", "0x1004", "0xffffffff"]);
});
