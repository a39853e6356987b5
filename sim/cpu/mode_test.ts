import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { entryLo, identity4 } from "./_paging_testing.ts";
import { cpuWith, num } from "./_testing.ts";
import { RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";
import { refreshMode, writeCr } from "./mode.ts";
import { STOP, STOP_EXC } from "./state.ts";

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

Deno.test("IA-32e mode: 64-bit code with CS.L, compatibility mode by CS.D; it needs paging", () => {
  const { cpu } = cpuWith("");
  cpu.setField(Field.EFER, 0x500n);
  cpu.setField(Field.CR0, 0x80000031n);
  cpu.setField(Field.CS_AR, 0xa09bn);
  cpu.setField(Field.SS_AR, 0x93n);
  assertEquals(refreshMode(cpu), "");
  assertEquals([cpu.mode, cpu.spMask, cpu.ipMask, cpu.paging], [64, -1, -1, true]);
  cpu.setField(Field.CS_AR, 0xc09bn);
  refreshMode(cpu);
  assertEquals([cpu.mode, cpu.spMask], [32, 0xffff]);
  cpu.setField(Field.CS_AR, 0x809bn);
  refreshMode(cpu);
  assertEquals(cpu.mode, 16);
  // Without LMA, L is ignored: D = 0 is 16-bit code.
  cpu.setField(Field.EFER, 0x100n);
  cpu.setField(Field.CS_AR, 0xa09bn);
  refreshMode(cpu);
  assertEquals(cpu.mode, 16);
  cpu.setField(Field.EFER, 0x500n);
  cpu.setField(Field.CR0, 0x31n);
  assertEquals(refreshMode(cpu), "unimplemented IA-32e mode without paging");
});

Deno.test("a change of CPL or of a paging control flushes the TLBs", () => {
  const { cpu } = cpuWith("");
  refreshMode(cpu);
  cpu.tlbR.tag[3] = 3;
  refreshMode(cpu);
  assertEquals(cpu.tlbR.tag[3], 3);
  cpu.setField(Field.SS_AR, 0xc0f3n);
  refreshMode(cpu);
  assertEquals(cpu.tlbR.tag[3], -1);
  cpu.tlbW.tag[4] = 4;
  cpu.setWide(Field.EFER, 0x800, 0);
  refreshMode(cpu);
  assertEquals(cpu.tlbW.tag[4], -1);
});

/** Apply writeCr to a fresh vCPU set up by `fields`; "ok" or the exception it raises. */
function _cr(n: number, v: bigint, fields: [Field, bigint][] = []): string {
  const { cpu } = cpuWith("");
  for (const [f, x] of fields) cpu.setField(f, x);
  assertEquals(refreshMode(cpu), "");
  try {
    writeCr(cpu, n, Number(v & 0xffffffffn), Number(v >> 32n));
    return "ok";
  } catch (x) {
    if (x !== STOP) throw x;
    return cpu.stopKind === STOP_EXC ? `#${cpu.excVector}(${cpu.excCode})` : cpu.deadMessage;
  }
}

const _LONG: [Field, bigint][] = [
  [Field.CR0, 0x80000031n],
  [Field.CR4, 0x20n],
  [Field.EFER, 0x500n],
  [Field.CS_AR, 0xa09bn],
];

Deno.test("MOV to CR: invalid settings raise #GP(0) (SDM vol. 2 MOV CR, vol. 3 §2.5)", () => {
  assertEquals(_cr(0, 0x80000030n), "#13(0)"); // PG without PE
  assertEquals(_cr(0, 0x20000031n), "#13(0)"); // NW without CD
  assertEquals(_cr(0, 0x60000031n), "ok");
  assertEquals(_cr(4, 0x800n), "#13(0)"); // UMIP: not on this Skylake
  assertEquals(_cr(4, 0x20000n), "#13(0)"); // PCIDE outside IA-32e mode
  assertEquals(_cr(4, 0x20020n, [..._LONG, [Field.CR3, 0x10001n]]), "#13(0)");
  assertEquals(_cr(4, 0x20020n, [..._LONG, [Field.CR3, 0x10000n]]), "ok");
  assertEquals(_cr(4, 0n, _LONG), "#13(0)"); // clearing PAE in IA-32e mode
  // Activating IA-32e mode needs PAE, CS.L = 0 and a 32-bit TSS.
  const lme: [Field, bigint][] = [[Field.EFER, 0x100n]];
  assertEquals(_cr(0, 0x80000031n, lme), "#13(0)");
  assertEquals(_cr(0, 0x80000031n, [...lme, [Field.CR4, 0x20n], [Field.TR_AR, 0x83n]]), "#13(0)");
  assertEquals(
    _cr(0, 0x80000031n, [...lme, [Field.CR4, 0x20n], [Field.CS_AR, 0xa09bn]]),
    "#13(0)",
  );
  // Leaving it: not from 64-bit code, not with PCIDE.
  assertEquals(_cr(0, 0x31n, _LONG), "#13(0)");
  assertEquals(_cr(0, 0x31n, [..._LONG, [Field.CS_AR, 0xc09bn], [Field.CR4, 0x20020n]]), "#13(0)");
  // CR3 bits 62:39 (and 63 without PCIDE) are reserved in 64-bit mode; bit 63 is dropped.
  assertEquals(_cr(3, 0x8000000000n, _LONG), "#13(0)");
  assertEquals(_cr(3, 0x8000000000001000n, _LONG), "#13(0)");
  assertEquals(_cr(3, 0x7f00001000n, _LONG), "ok");
  assertEquals(_cr(3, 0x8000000000001000n, [..._LONG, [Field.CR4, 0x20020n]]), "ok");
  // CR0 bits 63:32 are reserved.
  assertEquals(_cr(0, 0x180000031n, _LONG), "#13(0)");
});

Deno.test("MOV to CR: EFER.LMA and the IA-32e mode guest control follow PG; TLBs are flushed", () => {
  const { cpu } = cpuWith("");
  cpu.setField(Field.EFER, 0x100n);
  cpu.setField(Field.CR4, 0x20n);
  refreshMode(cpu);
  cpu.tlbR.tag[1] = 1;
  writeCr(cpu, 0, 0x80000031, 0);
  assertEquals([num(cpu, Field.EFER), num(cpu, Field.ENTRY_CTLS), cpu.mode, cpu.tlbR.tag[1]], [
    0x500,
    0x200,
    32,
    -1,
  ]);
  cpu.tlbX.tag[2] = 2;
  writeCr(cpu, 3, 0x5000, 0);
  assertEquals([num(cpu, Field.CR3), cpu.tlbX.tag[2]], [0x5000, -1]);
  writeCr(cpu, 0, 0x31, 0);
  assertEquals([num(cpu, Field.EFER), num(cpu, Field.ENTRY_CTLS), cpu.paging], [0x100, 0, false]);
  // CR2 takes 64 bits in 64-bit mode only.
  writeCr(cpu, 2, 0x1234, 5);
  assertEquals(cpu.getField(Field.CR2), 0x1234n);
  const l = cpuWith("").cpu;
  for (const [f, v] of _LONG) l.setField(f, v);
  refreshMode(l);
  writeCr(l, 2, 0x1234, 5);
  assertEquals(l.getField(Field.CR2), 0x500001234n);
});

Deno.test("a guest enters IA-32e mode itself: CR3, CR4.PAE, EFER.LME by WRMSR, CR0.PG", () => {
  const { cpu, map } = cpuWith(
    "b8 00 00 01 00 0f 22 d8 0f 20 e0 0c 20 0f 22 e0 b9 80 00 00 c0 0f 32 0d 00 01 00 00 0f 30 " +
      "0f 20 c0 0d 00 00 00 80 0f 22 c0 f4",
    0x1000,
    { pages: 64 },
  );
  identity4(map, 0x10000, 64);
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals([num(cpu, Field.EXIT_REASON), num(cpu, Field.EFER), num(cpu, Field.ENTRY_CTLS)], [
    12,
    0x500,
    0x200,
  ]);
  // Compatibility mode: CS.L is 0.
  assertEquals([cpu.mode, cpu.paging, num(cpu, Field.RIP)], [32, true, 0x1029]);
  assertEquals(entryLo(map, 0x13008) & 0x20, 0x20);
});

Deno.test("real-address mode runs 16-bit code: segment bases, 16-bit stack, IP wraps at 64 KiB", () => {
  // At CS:IP 0x100:0: mov ax, 0x1234; mov [0x10], ax; mov bx, [0x10]; push ax; hlt
  const { cpu, map } = cpuWith("b8 34 12 a3 10 00 8b 1e 10 00 50 f4", 0x1000, { pages: 32 });
  cpu.setField(Field.CR0, 0x30n);
  cpu.setField(Field.CS_SEL, 0x100n);
  cpu.setField(Field.CS_BASE, 0x1000n);
  cpu.setField(Field.CS_LIMIT, 0xffffn);
  cpu.setField(Field.CS_AR, 0x9bn);
  cpu.setField(Field.SS_AR, 0x93n);
  cpu.setField(Field.DS_BASE, 0x2000n);
  cpu.setField(Field.RIP, 0n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([Field.EXIT_REASON, Field.RIP, Field.RBX, Field.RSP].map((f) => num(cpu, f)), [
    12,
    0xb,
    0x1234,
    0x7ffe,
  ]);
  assertEquals([map.ram.bytes[0x2010], map.ram.bytes[0x2011], map.ram.bytes[0x7ffe]], [
    0x34,
    0x12,
    0x34,
  ]);
  assertEquals([cpu.mode, cpu.ipMask, cpu.spMask], [16, 0xffff, 0xffff]);
  // A NOP at IP 0xffff: the next instruction is at IP 0.
  map.ram.bytes[0x10fff] = 0x90;
  map.ram.bytes[0x1000] = 0xf4;
  map.ram.noteWrite(0x1000, 1);
  cpu.setField(Field.RIP, 0xffffn);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([num(cpu, Field.EXIT_REASON), num(cpu, Field.RIP)], [12, 0]);
});

Deno.test("16-bit protected mode: 16-bit defaults, 66h and 67h overrides, limit checks", () => {
  // mov eax, 0x12345678; mov [bx], ax; mov [ebx+2], ax (67h); hlt
  const { cpu, map } = cpuWith("66 b8 78 56 34 12 89 07 67 89 43 02 f4");
  cpu.setField(Field.CS_AR, 0x9bn);
  cpu.setField(Field.CS_LIMIT, 0xffffn);
  cpu.setField(Field.DS_BASE, 0x3000n);
  cpu.setField(Field.RBX, 0x10n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([num(cpu, Field.EXIT_REASON), num(cpu, Field.RAX), num(cpu, Field.RIP)], [
    12,
    0x12345678,
    0x100c,
  ]);
  assertEquals(Array.from(map.ram.bytes.slice(0x3010, 0x3014)), [0x78, 0x56, 0x78, 0x56]);
  // A word at DS:0xffff crosses the limit: #GP(0).
  const g = cpuWith("a1 ff ff f4").cpu;
  g.setField(Field.CS_AR, 0x9bn);
  g.setField(Field.DS_LIMIT, 0xffffn);
  g.setField(Field.EXCEPTION_BITMAP, 1n << 13n);
  assertEquals(g.run(10), RunStatus.EXIT);
  assertEquals([num(g, Field.EXIT_INTR_INFO), num(g, Field.RIP)], [0x80000b0d, 0x1000]);
});
