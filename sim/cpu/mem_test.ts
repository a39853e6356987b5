import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { EPT_EXEC, EPT_READ, EPT_WRITE } from "./bus.ts";
import { cpuWith, num, RWX_WB } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

function _ept(cpu: Cpu): number[] {
  assertEquals(cpu.run(10), RunStatus.EXIT);
  return [
    Field.EXIT_REASON,
    Field.EXIT_QUALIFICATION,
    Field.GUEST_PHYSICAL,
    Field.GUEST_LINEAR,
    Field.RIP,
  ].map((f) => num(cpu, f));
}

Deno.test("EPT violations: access bits, the page's permissions, linear address valid (SDM table 27-7)", () => {
  const r = cpuWith("a1 00 50 00 00");
  r.map.attr[5] = 0;
  assertEquals(_ept(r.cpu), [48, 0x181, 0x5000, 0x5000, 0x1000]);
  const w = cpuWith("a3 04 50 00 00");
  w.map.attr[5] = EPT_READ | (6 << 3);
  assertEquals(_ept(w.cpu), [48, 0x18a, 0x5004, 0x5004, 0x1000]);
  const m = cpuWith("01 05 08 50 00 00");
  m.map.attr[5] = EPT_READ | EPT_EXEC;
  assertEquals(_ept(m.cpu), [48, 0x1ab, 0x5008, 0x5008, 0x1000]);
  // A fetch from a page without X: the jump completed, the fetch at its target exits.
  const x = cpuWith("e9 fb 3f 00 00");
  x.map.attr[5] = EPT_READ | EPT_WRITE;
  assertEquals(_ept(x.cpu), [48, 0x19c, 0x5000, 0x5000, 0x5000]);
  assertEquals(x.cpu.retired, 1);
  // An instruction that runs into an unmapped page; a read that crosses into one.
  const s = cpuWith("b8 01 00 00 00", 0x1ffe);
  s.map.attr[2] = 0;
  assertEquals(_ept(s.cpu), [48, 0x184, 0x2000, 0x2000, 0x1ffe]);
  const c = cpuWith("a1 fe 4f 00 00");
  c.map.attr[5] = 0;
  assertEquals(_ept(c.cpu), [48, 0x181, 0x5000, 0x5000, 0x1000]);
  // Segment bases apply before translation: GUEST_LINEAR is the linear address.
  const b = cpuWith("a1 00 00 00 00");
  b.cpu.setField(Field.DS_BASE, 0x6010n);
  b.map.attr[6] = 0;
  assertEquals(_ept(b.cpu), [48, 0x181, 0x6010, 0x6010, 0x1000]);
});

Deno.test("EPT misconfigurations: write-only pages, reserved memory types", () => {
  const w = cpuWith("a1 00 50 00 00");
  w.map.attr[5] = EPT_WRITE;
  assertEquals(_ept(w.cpu).slice(0, 3), [49, 0, 0x5000]);
  const t = cpuWith("a1 00 50 00 00");
  t.map.attr[5] = 7 | (2 << 3);
  assertEquals(_ept(t.cpu).slice(0, 3), [49, 0, 0x5000]);
});

Deno.test("reads, writes and cross-page accesses reach RAM", () => {
  const { cpu, map } = cpuWith("a1 fe 4f 00 00 89 05 fd 5f 00 00 66 89 05 00 70 00 00 f4");
  map.ram.bytes.set([0x11, 0x22, 0x33, 0x44], 0x4ffe);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(num(cpu, Field.RAX), 0x44332211);
  assertEquals(Array.from(map.ram.bytes.slice(0x5ffd, 0x6001)), [0x11, 0x22, 0x33, 0x44]);
  assertEquals(Array.from(map.ram.bytes.slice(0x7000, 0x7003)), [0x11, 0x22, 0]);
});

Deno.test("TLB: a map change is seen only after flushTlb", () => {
  const { cpu, map } = cpuWith("a1 00 50 00 00 eb f9");
  map.ram.bytes[0x5000] = 1;
  map.ram.bytes[0x6000] = 2;
  cpu.run(2);
  assertEquals(num(cpu, Field.RAX), 1);
  const before = map.lookups;
  cpu.run(20);
  assertEquals(map.lookups, before);
  map.backing[5] = 6;
  cpu.run(2);
  assertEquals(num(cpu, Field.RAX), 1);
  cpu.flushTlb();
  cpu.run(2);
  assertEquals(num(cpu, Field.RAX), 2);
  map.attr[5] = 0;
  cpu.flushTlb();
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(num(cpu, Field.EXIT_REASON), 48);
  assertEquals(map.attr[1], RWX_WB);
});

Deno.test("segment checks: limits (#GP, #SS for the stack), read-only data, execute-only code", () => {
  const exc = (code: string, fields: [Field, bigint][]) => {
    const { cpu } = cpuWith(code);
    cpu.setField(Field.EXCEPTION_BITMAP, 0xffffffffn);
    for (const [f, v] of fields) cpu.setField(f, v);
    assertEquals(cpu.run(10), RunStatus.EXIT);
    return [num(cpu, Field.EXIT_INTR_INFO), num(cpu, Field.EXIT_INTR_CODE)];
  };
  assertEquals(exc("a1 fd 0f 00 00", [[Field.DS_LIMIT, 0xfffn]]), [0x80000b0d, 0]);
  assertEquals(exc("50", [[Field.SS_LIMIT, 0x7ffen]]), [0x80000b0c, 0]);
  assertEquals(exc("a3 00 20 00 00", [[Field.DS_AR, 0xc091n]]), [0x80000b0d, 0]);
  assertEquals(exc("2e a1 00 20 00 00", [[Field.CS_AR, 0xc099n]]), [0x80000b0d, 0]);
  assertEquals(exc("26 a1 00 20 00 00", [[Field.ES_AR, 0x10000n]]), [0x80000b0d, 0]);
  const { cpu } = cpuWith("a1 00 20 00 00");
  cpu.setField(Field.DS_AR, 0xc097n);
  assertEquals([cpu.run(10), cpu.deadMessage], [
    RunStatus.DEAD,
    "unimplemented expand-down segment",
  ]);
});
