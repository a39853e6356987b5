import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { enterLong, identity4 } from "./_paging_testing.ts";
import { cpuWith, num } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

/** 64-bit mode with EFER.SCE (identity paging at 0xa000), `fields` set, every exception exiting. */
function _long(code: string, fields: [Field, bigint][] = []): Cpu {
  const { cpu, map } = cpuWith(code);
  identity4(map, 0xa000, 16);
  enterLong(cpu, 0xa000);
  cpu.setField(Field.EFER, 0x501n);
  cpu.setField(Field.EXCEPTION_BITMAP, 0xffffffffn);
  for (const [f, v] of fields) cpu.setField(f, v);
  return cpu;
}

// The exception a run ended with, "#vector(code)", or "" when `budget` instructions ran.
function _end(cpu: Cpu, budget = 1): string {
  const st = cpu.run(budget);
  if (st === RunStatus.BUDGET) return "";
  assertEquals([st, num(cpu, Field.EXIT_REASON)], [RunStatus.EXIT, 0]);
  const info = num(cpu, Field.EXIT_INTR_INFO);
  return `#${info & 0xff}` + (info & 0x800 ? `(${num(cpu, Field.EXIT_INTR_CODE)})` : "");
}

const _SEGS = [Field.CS_SEL, Field.CS_BASE, Field.CS_LIMIT, Field.CS_AR, Field.SS_SEL, Field.SS_AR];
const _STAR = 0x0023_0010_00000000n;

Deno.test("SYSCALL: RCX and R11 saved, RFLAGS masked, flat ring-0 CS and SS from STAR, RIP from LSTAR", () => {
  const cpu = _long("0f 05", [
    [Field.STAR, _STAR | 0x3_0000_0000n],
    [Field.LSTAR, 0xffff8000_00002000n],
    [Field.SFMASK, 0x47700n],
    [Field.RFLAGS, 0x43646n],
  ]);
  assertEquals(_end(cpu), "");
  assertEquals(cpu.getField(Field.RIP), 0xffff8000_00002000n);
  assertEquals([num(cpu, Field.RCX), num(cpu, Field.R11)], [0x1002, 0x43646]);
  assertEquals(num(cpu, Field.RFLAGS), 0x46);
  assertEquals(_SEGS.map((f) => num(cpu, f)), [0x10, 0, 0xffffffff, 0xa09b, 0x1b, 0xc093]);
});

Deno.test("SYSRET returns to 64-bit code with REX.W, else to compatibility mode, at CPL 3", () => {
  const q = _long("48 0f 07", [
    [Field.STAR, _STAR],
    [Field.RCX, 0x00007fff_00001000n],
    [Field.R11, 0xfffffffd_ffffffffn],
  ]);
  assertEquals(_end(q), "");
  assertEquals(q.getField(Field.RIP), 0x00007fff_00001000n);
  assertEquals(num(q, Field.RFLAGS), 0x3c7fd7);
  assertEquals(_SEGS.map((f) => num(q, f)), [0x33, 0, 0xffffffff, 0xa0fb, 0x2b, 0xc0f3]);
  const d = _long("0f 07", [[Field.STAR, _STAR], [Field.RCX, 0xffffffff_00003000n], [
    Field.R11,
    0x202n,
  ]]);
  assertEquals(_end(d), "");
  assertEquals([d.getField(Field.RIP), num(d, Field.RFLAGS)], [0x3000n, 0x202]);
  assertEquals(_SEGS.map((f) => num(d, f)), [0x23, 0, 0xffffffff, 0xc0fb, 0x2b, 0xc0f3]);
});

Deno.test("SYSCALL and SYSRET: #UD without EFER.SCE or outside 64-bit mode; SYSRET #GP(0) above CPL 0 or to a non-canonical RCX", () => {
  for (const code of ["0f 05", "0f 07"]) {
    assertEquals(_end(_long(code, [[Field.EFER, 0x500n]])), "#6");
    assertEquals(_end(_long(code, [[Field.CS_AR, 0xc09bn]])), "#6"); // compatibility mode
    const { cpu } = cpuWith(code);
    cpu.setField(Field.EXCEPTION_BITMAP, 0xffffffffn);
    assertEquals(_end(cpu), "#6");
  }
  assertEquals(_end(_long("0f 07", [[Field.SS_AR, 0xc0f3n], [Field.CS_AR, 0xa0fbn]])), "#13(0)");
  const bad = _long("48 0f 07", [[Field.RCX, 0x00008000_00000000n]]);
  assertEquals(_end(bad), "#13(0)");
  assertEquals(num(bad, Field.CS_AR), 0xa09b);
});
