import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith, num } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

function _exit(cpu: Cpu): number[] {
  assertEquals(cpu.run(10), RunStatus.EXIT);
  return [
    Field.EXIT_REASON,
    Field.EXIT_QUALIFICATION,
    Field.EXIT_INSTR_LEN,
    Field.EXIT_INTR_INFO,
    Field.RIP,
  ].map((f) => num(cpu, f));
}

function _cpu(code: string, fields: [Field, bigint][] = []): Cpu {
  const { cpu } = cpuWith(code);
  cpu.setField(Field.EXCEPTION_BITMAP, 0xffffffffn);
  for (const [f, v] of fields) cpu.setField(f, v);
  return cpu;
}

const _RING3: [Field, bigint][] = [[Field.SS_AR, 0xc0f3n], [Field.CS_AR, 0xc0fbn]];
const _UD = 0x80000306, _GPC = 0x80000b0d;

Deno.test("instructions that always exit: reason and length, RIP at the instruction", () => {
  const cases: [string, number, number][] = [
    ["0f a2", 10, 2],
    ["f4", 12, 1],
    ["0f 08", 13, 2],
    ["0f 01 c1", 18, 3],
    ["0f 01 c2", 20, 3],
    ["0f 01 c3", 24, 3],
    ["0f 01 c4", 26, 3],
    ["0f 01 c8", 39, 3],
    ["0f 01 c9", 36, 3],
  ];
  for (const [code, reason, len] of cases) {
    assertEquals(_exit(_cpu(code)), [reason, 0, len, 0, 0x1000]);
  }
  assertEquals(_exit(_cpu("0f 01 d1", [[Field.CR4, 1n << 18n]])), [55, 0, 3, 0, 0x1000]);
  assertEquals(_exit(_cpu("0f 37", [[Field.CR4, 1n << 14n]])), [11, 0, 2, 0, 0x1000]);
});

Deno.test("exceptions that come before the exit: #UD and privilege #GP", () => {
  assertEquals(_exit(_cpu("0f 01 d1")), [0, 0, 0, _UD, 0x1000]);
  assertEquals(_exit(_cpu("0f 37")), [0, 0, 0, _UD, 0x1000]);
  assertEquals(_exit(_cpu("f4", _RING3)), [0, 0, 0, _GPC, 0x1000]);
  assertEquals(_exit(_cpu("0f 08", _RING3)), [0, 0, 0, _GPC, 0x1000]);
  assertEquals(_exit(_cpu("0f 01 c9", _RING3)), [0, 0, 0, _UD, 0x1000]);
  assertEquals(_exit(_cpu("0f 01 c1", _RING3)), [18, 0, 3, 0, 0x1000]);
  assertEquals(_exit(_cpu("0f 01 c2", [[Field.CR0, 0x30n]])), [0, 0, 0, _UD, 0x1000]);
  assertEquals(_exit(_cpu("0f 0b")), [0, 0, 0, _UD, 0x1000]);
  assertEquals(_exit(_cpu("fa", _RING3)), [0, 0, 0, _GPC, 0x1000]);
  const c = _cpu("0f 32", _RING3);
  assertEquals([..._exit(c), num(c, Field.EXIT_INTR_CODE)], [0, 0, 0, _GPC, 0x1000, 0]);
});

Deno.test("RDMSR/WRMSR: most MSRs exit; EFER and the syscall MSRs execute", () => {
  assertEquals(_exit(_cpu("0f 32", [[Field.RCX, 0x10n]])), [31, 0, 2, 0, 0x1000]);
  assertEquals(_exit(_cpu("0f 30", [[Field.RCX, 0x1bn]])), [32, 0, 2, 0, 0x1000]);
  const c = _cpu("0f 30 0f 30 0f 30 0f 32 f4", [[Field.RCX, 0xc0000081n], [Field.RAX, 0x1234n], [
    Field.RDX,
    0x00230008n,
  ]]);
  assertEquals(c.run(1), RunStatus.BUDGET);
  assertEquals(c.getField(Field.STAR), 0x00230008_00001234n);
  c.setField(Field.RCX, 0xc0000100n);
  c.setField(Field.RDX, 0n);
  c.run(1);
  assertEquals(c.getField(Field.FS_BASE), 0x1234n);
  c.setField(Field.RCX, 0xc0000080n);
  c.setField(Field.RAX, 0x901n);
  c.run(1);
  assertEquals(c.getField(Field.EFER), 0x901n);
  c.setField(Field.RAX, 0n);
  c.run(1);
  assertEquals([c.getField(Field.RAX), c.getField(Field.RDX)], [0x901n, 0n]);
  // Reserved EFER bits and non-canonical addresses fault.
  assertEquals(_exit(_cpu("0f 30", [[Field.RCX, 0xc0000080n], [Field.RAX, 0x2n]]))[3], _GPC);
  assertEquals(_exit(_cpu("0f 30", [[Field.RCX, 0xc0000082n], [Field.RDX, 0x8000n]]))[3], _GPC);
});

Deno.test("MOV CR0/CR4: host-owned bits read from the shadow; changing them exits (28)", () => {
  const mask: [Field, bigint][] = [[Field.CR0_MASK, 0x20n], [Field.CR0_SHADOW, 0x11n], [
    Field.CR4_MASK,
    0x2000n,
  ]];
  const r = _cpu("0f 20 c0 0f 20 e3 0f 20 d9 f4", mask);
  r.setField(Field.CR4, 0x2200n);
  r.setField(Field.CR3, 0x5000n);
  assertEquals(_exit(r)[0], 12);
  assertEquals([num(r, Field.RAX), num(r, Field.RBX), num(r, Field.RCX)], [0x11, 0x200, 0x5000]);
  assertEquals(_exit(_cpu("0f 22 c3", [...mask, [Field.RBX, 0x31n]])), [28, 0x300, 3, 0, 0x1000]);
  assertEquals(_exit(_cpu("0f 22 e0", [...mask, [Field.RAX, 0x2000n]])), [28, 4, 3, 0, 0x1000]);
  const w = _cpu("0f 22 c3 0f 22 e0 0f 22 d9 f4", [
    ...mask,
    [Field.RBX, 0x15n],
    [Field.RAX, 0x200n],
    [
      Field.RCX,
      0x7000n,
    ],
  ]);
  w.setField(Field.CR4, 0x2000n);
  assertEquals(_exit(w)[0], 12);
  assertEquals([w.getField(Field.CR0), w.getField(Field.CR4), w.getField(Field.CR3)], [
    0x35n,
    0x2200n,
    0x7000n,
  ]);
  // PG without PE is #GP(0); CPL 3 is #GP(0) before the exit check.
  assertEquals(_exit(_cpu("0f 22 c0", [[Field.RAX, 0x80000010n]]))[3], _GPC);
  assertEquals(_exit(_cpu("0f 22 c3", [...mask, ..._RING3, [Field.RBX, 0x31n]]))[3], _GPC);
});

Deno.test("MOV DR exits (29) with DR number, direction and register", () => {
  assertEquals(_exit(_cpu("0f 23 c3")), [29, 0x300, 3, 0, 0x1000]);
  assertEquals(_exit(_cpu("0f 21 f8")), [29, 0x17, 3, 0, 0x1000]);
  assertEquals(_exit(_cpu("0f 21 e0", [[Field.CR4, 8n]]))[3], _UD);
  assertEquals(_exit(_cpu("0f 21 c0", _RING3))[3], _GPC);
  const gd = _cpu("0f 21 c0", [[Field.DR7, 0x2000n]]);
  assertEquals([gd.run(1), gd.deadMessage], [RunStatus.DEAD, "unimplemented DR7.GD"]);
});

Deno.test("CLI, STI, CLC, STC, CMC, CLD, STD", () => {
  const c = _cpu("fb f9 fd f5 f4", [[Field.RFLAGS, 0x2n]]);
  assertEquals(_exit(c)[0], 12);
  assertEquals(num(c, Field.RFLAGS), 0x602);
  const d = _cpu("fa f9 f8 fc f4", [[Field.RFLAGS, 0x603n]]);
  assertEquals(_exit(d)[0], 12);
  assertEquals(num(d, Field.RFLAGS), 0x2);
  assertEquals(_exit(_cpu("fb", _RING3))[3], _GPC);
});

Deno.test("VMX instructions with operands exit with the displacement and instruction information", () => {
  const info = (c: Cpu) => [num(c, Field.EXIT_INSTR_INFO), c.getField(Field.EXIT_QUALIFICATION)];
  const ld = _cpu("0f c7 35 78 56 34 12");
  assertEquals(_exit(ld), [21, 0x12345678, 7, 0, 0x1000]);
  assertEquals(info(ld), [0x08418080, 0x12345678n]);
  const cl = _cpu("66 0f c7 74 9d f0");
  assertEquals(_exit(cl)[0], 19);
  assertEquals(info(cl), [0x028d0082, 0xffff_ffff_ffff_fff0n]);
  const rd = _cpu("0f 78 c8");
  assertEquals(_exit(rd), [23, 0, 3, 0, 0x1000]);
  assertEquals(info(rd), [0x10000400, 0n]);
  const wr = _cpu("0f 79 08");
  assertEquals(_exit(wr), [25, 0, 3, 0, 0x1000]);
  assertEquals(info(wr), [0x10418080, 0n]);
  // INVEPT and INVVPID exit unconditionally; the register operand is reg2.
  const ept = _cpu("66 0f 38 80 4b 10");
  assertEquals(_exit(ept), [50, 0x10, 6, 0, 0x1000]);
  assertEquals(info(ept), [0x11c18080, 0x10n]);
  assertEquals(_exit(_cpu("66 0f 38 81 0b")), [53, 0, 5, 0, 0x1000]);
  assertEquals(_exit(_cpu("f3 0f c7 30", [[Field.CR0, 0x30n]])), [0, 0, 0, _UD, 0x1000]);
  assertEquals(_exit(_cpu("0f 01 d4")), [0, 0, 0, _UD, 0x1000]);
});
