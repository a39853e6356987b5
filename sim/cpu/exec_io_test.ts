import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { enterLong, identity4 } from "./_paging_testing.ts";
import { cpuWith, num } from "./_testing.ts";
import { RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

function _io(code: string, regs: [Field, bigint][] = []): number[] {
  const { cpu } = cpuWith(code);
  for (const [f, v] of regs) cpu.setField(f, v);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  return [
    Field.EXIT_REASON,
    Field.EXIT_QUALIFICATION,
    Field.EXIT_INSTR_LEN,
    Field.EXIT_INSTR_INFO,
    Field.RIP,
  ].map((
    f,
  ) => num(cpu, f)).concat(cpu.retired);
}

Deno.test("IN/OUT exit (reason 30) without executing; qualification per SDM table 27-5", () => {
  assertEquals(_io("e4 60"), [30, 0x600048, 2, 0, 0x1000, 0]);
  assertEquals(_io("66 e5 71"), [30, 0x710049, 3, 0, 0x1000, 0]);
  assertEquals(_io("ed", [[Field.RDX, 0x3f8n]]), [30, 0x3f8000b, 1, 0, 0x1000, 0]);
  assertEquals(_io("ee", [[Field.RDX, 0x12340cf8n]]), [30, 0xcf80000, 1, 0, 0x1000, 0]);
  assertEquals(_io("e7 80"), [30, 0x800043, 2, 0, 0x1000, 0]);
  assertEquals(_io("66 ef", [[Field.RDX, 0xcfcn]]), [30, 0xcfc0001, 2, 0, 0x1000, 0]);
});

Deno.test("INS/OUTS exit with string/REP bits, guest-linear address and instruction information", () => {
  const { cpu } = cpuWith("f3 6c");
  cpu.setField(Field.RDI, 0x2000n);
  cpu.setField(Field.RDX, 0x60n);
  cpu.setField(Field.ES_BASE, 0x100n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [
      Field.EXIT_REASON,
      Field.EXIT_QUALIFICATION,
      Field.EXIT_INSTR_LEN,
      Field.EXIT_INSTR_INFO,
      Field.GUEST_LINEAR,
    ]
      .map((f) => num(cpu, f)),
    [30, 0x600038, 2, 0x80, 0x2100],
  );
  const o = cpuWith("64 6f").cpu;
  o.setField(Field.RSI, 0x3000n);
  o.setField(Field.RDX, 0x1f0n);
  o.setField(Field.FS_BASE, 0x40n);
  assertEquals(o.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_QUALIFICATION, Field.EXIT_INSTR_LEN, Field.EXIT_INSTR_INFO, Field.GUEST_LINEAR].map(
      (f) => num(o, f),
    ),
    [0x1f00013, 2, 0x20080, 0x3040],
  );
  const s = cpuWith("67 6e", 0x1000).cpu;
  s.setField(Field.RSI, 0xffff1234n);
  assertEquals(s.run(10), RunStatus.EXIT);
  assertEquals([
    num(s, Field.EXIT_QUALIFICATION),
    num(s, Field.EXIT_INSTR_INFO),
    num(s, Field.GUEST_LINEAR),
  ], [
    0x10,
    0x18000,
    0x1234,
  ]);
});

Deno.test("I/O at CPL > IOPL needs the TSS bitmap: not modeled", () => {
  const { cpu } = cpuWith("e4 60");
  cpu.setField(Field.SS_AR, 0xc0f3n);
  cpu.setField(Field.CS_AR, 0xc0fbn);
  assertEquals([cpu.run(10), cpu.deadMessage], [
    RunStatus.DEAD,
    "unimplemented I/O permission bitmap",
  ]);
  const ok = cpuWith("e4 60").cpu;
  ok.setField(Field.SS_AR, 0xc0f3n);
  ok.setField(Field.CS_AR, 0xc0fbn);
  ok.setField(Field.RFLAGS, 0x3002n);
  assertEquals([ok.run(10), num(ok, Field.EXIT_REASON)], [RunStatus.EXIT, 30]);
});

Deno.test("OUTS in 64-bit mode: the guest-linear address is RSI's 64 bits, plus GS's base", () => {
  const { cpu, map } = cpuWith("6e 65 48 6f"); // outsb; outs dx, dword gs:[rsi] (REX.W is ignored)
  identity4(map, 0x8000, 16);
  enterLong(cpu, 0x8000);
  cpu.setField(Field.RSI, 0x1_2345_6000n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(cpu.getField(Field.GUEST_LINEAR), 0x1_2345_6000n);
  cpu.setField(Field.RIP, 0x1001n);
  cpu.setField(Field.GS_BASE, 0xffff_ffff_0000_1000n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(cpu.getField(Field.GUEST_LINEAR), 0x2345_7000n);
});
