import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { enterLong, identity4 } from "./_paging_testing.ts";
import { cpuWith, num, RWX_WB, type TestMap } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { REP_CHUNK } from "./exec_string.ts";
import { Field } from "./fields.ts";

function _cpu(
  code: string,
  regs: [Field, bigint][] = [],
  long = false,
): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code + " f4", 0x1000, { pages: 64 });
  if (long) {
    identity4(t.map, 0x10000, 64);
    enterLong(t.cpu, 0x10000);
  }
  for (const [f, v] of regs) t.cpu.setField(f, v);
  return t;
}

function _halt(cpu: Cpu): void {
  assertEquals(cpu.run(100_000), RunStatus.EXIT, cpu.deadMessage);
  assertEquals(num(cpu, Field.EXIT_REASON), 12);
}

function _regs(cpu: Cpu): number[] {
  return [Field.RCX, Field.RSI, Field.RDI].map((f) => num(cpu, f));
}

const _DF = 0x402n;

Deno.test("MOVS, STOS, LODS step by the element size, down with DF", () => {
  const { cpu, map } = _cpu("a4 66 a5 a5", [[Field.RSI, 0x3000n], [Field.RDI, 0x4000n]]);
  map.ram.bytes.set([1, 2, 3, 4, 5, 6, 7, 8], 0x3000);
  _halt(cpu);
  assertEquals(Array.from(map.ram.bytes.slice(0x4000, 0x4008)), [1, 2, 3, 4, 5, 6, 7, 0]);
  assertEquals(_regs(cpu).slice(1), [0x3007, 0x4007]);
  // std; stosd; lodsb: EDI and ESI go down.
  const d = _cpu("ab ac", [[Field.RFLAGS, _DF], [Field.RAX, 0x11223344n], [Field.RDI, 0x4004n], [
    Field.RSI,
    0x3001n,
  ]]);
  d.map.ram.bytes[0x3001] = 0x99;
  _halt(d.cpu);
  assertEquals(_regs(d.cpu).slice(1), [0x3000, 0x4000]);
  assertEquals(new DataView(d.map.ram.bytes.buffer).getUint32(0x4004, true), 0x11223344);
  assertEquals(num(d.cpu, Field.RAX), 0x11223399);
});

Deno.test("REP with a count of 0 touches nothing and only moves RIP", () => {
  const { cpu, map } = _cpu("f3 a4 f3 a6", [[Field.RSI, 0x3000n], [Field.RDI, 0x4000n], [
    Field.RFLAGS,
    0x8d7n,
  ]]);
  map.attr[3] = map.attr[4] = 0;
  _halt(cpu);
  assertEquals([..._regs(cpu), num(cpu, Field.RIP), num(cpu, Field.RFLAGS)], [
    0,
    0x3000,
    0x4000,
    0x1004,
    0x8d7,
  ]);
});

Deno.test("16-bit addressing (67): CX, SI and DI wrap and keep bits 31:16", () => {
  const { cpu, map } = _cpu("67 f3 a4", [[Field.RCX, 0xabcd0003n], [Field.RSI, 0x1234fffen], [
    Field.RDI,
    0x5678fffen,
  ]]);
  map.ram.bytes.set([7, 8], 0xfffe);
  map.ram.bytes[0] = 9;
  _halt(cpu);
  assertEquals(_regs(cpu), [0xabcd0000, 0x12340001, 0x56780001]);
  assertEquals(Array.from(map.ram.bytes.slice(0xfffe, 0x10000)), [7, 8]);
  assertEquals(map.ram.bytes[0], 9);
});

Deno.test("REPE CMPS stops at the first difference; REPNE SCAS at the first match", () => {
  const { cpu, map } = _cpu("f3 a6", [[Field.RCX, 8n], [Field.RSI, 0x3000n], [Field.RDI, 0x4000n]]);
  map.ram.bytes.set([1, 2, 3, 4], 0x3000);
  map.ram.bytes.set([1, 2, 9, 4], 0x4000);
  _halt(cpu);
  // 3 - 9: borrow, negative, not zero; AF from 3 ^ 9 ^ 0xfa.
  assertEquals([..._regs(cpu), num(cpu, Field.RFLAGS) & 0x8d5], [5, 0x3003, 0x4003, 0x95]);
  const s = _cpu("f2 ae", [[Field.RCX, 100n], [Field.RDI, 0x4000n], [Field.RAX, 0x33n]]);
  s.map.ram.bytes.set([0x10, 0x20, 0x33, 0x33], 0x4000);
  _halt(s.cpu);
  assertEquals([..._regs(s.cpu), num(s.cpu, Field.RFLAGS) & 0x8d5], [97, 0, 0x4003, 0x44]);
  // REPE SCASW with every element equal runs out of count with ZF = 1.
  const e = _cpu("66 f3 af", [[Field.RCX, 3n], [Field.RDI, 0x4000n], [Field.RAX, 0x0101n]]);
  e.map.ram.bytes.fill(1, 0x4000, 0x4008);
  _halt(e.cpu);
  assertEquals([..._regs(e.cpu), num(e.cpu, Field.RFLAGS) & 0x8d5], [0, 0, 0x4006, 0x44]);
});

Deno.test("segment overrides change the source only; ES always holds the destination", () => {
  const { cpu, map } = _cpu("64 a4 26 ac", [[Field.FS_BASE, 0x100n], [Field.ES_BASE, 0x200n], [
    Field.RSI,
    0x3000n,
  ], [Field.RDI, 0x3000n]]);
  map.ram.bytes[0x3100] = 0x5a;
  map.ram.bytes[0x3201] = 0xa5;
  _halt(cpu);
  assertEquals([map.ram.bytes[0x3200], num(cpu, Field.RAX) & 0xff], [0x5a, 0xa5]);
});

Deno.test("an EPT violation mid-REP leaves the registers of the iterations done and RIP at the instruction", () => {
  const { cpu, map } = _cpu("f3 a4", [[Field.RCX, 0x20n], [Field.RSI, 0x3ff0n], [
    Field.RDI,
    0x5ff8n,
  ]]);
  for (let k = 0; k < 0x20; k++) map.ram.bytes[0x3ff0 + k] = k + 1;
  map.attr[6] = 0;
  assertEquals(cpu.run(1000), RunStatus.EXIT);
  assertEquals(
    [
      Field.EXIT_REASON,
      Field.EXIT_QUALIFICATION,
      Field.GUEST_LINEAR,
      Field.GUEST_PHYSICAL,
      Field.RIP,
    ].map((f) => num(cpu, f)),
    [48, 0x182, 0x6000, 0x6000, 0x1000],
  );
  assertEquals([..._regs(cpu), cpu.retired], [0x18, 0x3ff8, 0x6000, 0]);
  map.attr[6] = RWX_WB;
  _halt(cpu);
  assertEquals(_regs(cpu), [0, 0x4010, 0x6018]);
  assertEquals(
    Array.from(map.ram.bytes.slice(0x5ff8, 0x6018)),
    Array.from({ length: 32 }, (_, k) => k + 1),
  );
  // A read violation names the source.
  const r = _cpu("f3 66 a5", [[Field.RCX, 4n], [Field.RSI, 0x6ffcn], [Field.RDI, 0x3000n]]);
  r.map.attr[7] = 0;
  assertEquals(r.cpu.run(1000), RunStatus.EXIT);
  assertEquals([num(r.cpu, Field.EXIT_QUALIFICATION), num(r.cpu, Field.GUEST_LINEAR)], [
    0x181,
    0x7000,
  ]);
  assertEquals(_regs(r.cpu), [2, 0x6ffc + 4, 0x3004]);
});

Deno.test("a long REP yields every REP_CHUNK iterations: the budget stops it on an iteration boundary", () => {
  const n = 2 * REP_CHUNK + 5;
  const { cpu, map } = _cpu("f3 aa", [[Field.RCX, BigInt(n)], [Field.RDI, 0x3000n], [
    Field.RAX,
    0x77n,
  ]]);
  assertEquals(cpu.run(1), RunStatus.BUDGET);
  assertEquals([..._regs(cpu), num(cpu, Field.RIP), cpu.retired], [
    n - REP_CHUNK,
    0,
    0x3000 + REP_CHUNK,
    0x1000,
    1,
  ]);
  assertEquals([map.ram.bytes[0x3000 + REP_CHUNK - 1], map.ram.bytes[0x3000 + REP_CHUNK]], [
    0x77,
    0,
  ]);
  assertEquals(cpu.run(1), RunStatus.BUDGET);
  assertEquals(_regs(cpu)[0], 5);
  _halt(cpu);
  assertEquals([_regs(cpu)[2], cpu.retired], [0x3000 + n, 3]);
});

Deno.test("single-stepping (TF) and the monitor trap flag stop after each iteration", () => {
  const { cpu } = _cpu("f3 a4", [[Field.RCX, 3n], [Field.RSI, 0x3000n], [Field.RDI, 0x4000n], [
    Field.RFLAGS,
    0x102n,
  ]]);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_REASON, Field.EXIT_INTR_INFO, Field.EXIT_QUALIFICATION, Field.RIP].map((f) =>
      num(cpu, f)
    ),
    [0, 0x80000301, 0x4000, 0x1000],
  );
  assertEquals(_regs(cpu), [2, 0x3001, 0x4001]);
  const m = _cpu("f3 a4", [[Field.RCX, 3n], [Field.RSI, 0x3000n], [Field.RDI, 0x4000n], [
    Field.PROCBASED_CTLS,
    1n << 27n,
  ]]);
  for (const left of [2, 1]) {
    assertEquals(m.cpu.run(10), RunStatus.EXIT);
    assertEquals([num(m.cpu, Field.EXIT_REASON), num(m.cpu, Field.RIP), _regs(m.cpu)[0]], [
      37,
      0x1000,
      left,
    ]);
  }
  assertEquals(m.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(m.cpu, Field.RIP), _regs(m.cpu)[0]], [0x1002, 0]);
});

Deno.test("64-bit mode: 8-byte elements, RCX whole, RSI/RDI carry, 67 zero-extends", () => {
  const { cpu, map } = _cpu(
    "48 a5 48 ad 48 ab",
    [[Field.RSI, 0x3000n], [Field.RDI, 0x4000n]],
    true,
  );
  const dv = new DataView(map.ram.bytes.buffer);
  dv.setBigUint64(0x3000, 0x8877665544332211n, true);
  dv.setBigUint64(0x3008, 0xfedcba9876543210n, true);
  _halt(cpu);
  assertEquals(dv.getBigUint64(0x4000, true), 0x8877665544332211n);
  assertEquals(dv.getBigUint64(0x4008, true), 0xfedcba9876543210n);
  assertEquals(cpu.getField(Field.RAX), 0xfedcba9876543210n);
  assertEquals(_regs(cpu).slice(1), [0x3010, 0x4010]);
  // One iteration (TF) of REP MOVSB from RCX = 2^32, DF = 1 from RSI = 0: RSI wraps to -1.
  const t = _cpu("f3 a4", [[Field.RCX, 0x1_0000_0000n], [Field.RSI, 0n], [Field.RDI, 0x4000n], [
    Field.RFLAGS,
    0x502n,
  ]], true);
  assertEquals(t.cpu.run(10), RunStatus.EXIT);
  assertEquals([Field.RCX, Field.RSI, Field.RDI].map((f) => t.cpu.getField(f)), [
    0xffff_ffffn,
    0xffff_ffff_ffff_ffffn,
    0x3fffn,
  ]);
  // 67: ESI/EDI/ECX, written as 32-bit registers.
  const a = _cpu("67 f3 a4", [[Field.RCX, 0xffff_0000_0000_0001n], [Field.RSI, 0x1_0000_3000n], [
    Field.RDI,
    0x2_0000_4000n,
  ]], true);
  _halt(a.cpu);
  assertEquals([Field.RCX, Field.RSI, Field.RDI].map((f) => a.cpu.getField(f)), [
    0n,
    0x3001n,
    0x4001n,
  ]);
});

Deno.test("64-bit CMPSQ and SCASQ compare all 64 bits", () => {
  const { cpu, map } = _cpu("48 a7", [[Field.RSI, 0x3000n], [Field.RDI, 0x4000n]], true);
  const dv = new DataView(map.ram.bytes.buffer);
  dv.setBigUint64(0x3000, 0x1_0000_0000n, true);
  dv.setBigUint64(0x4000, 0x0_ffff_ffffn, true);
  _halt(cpu);
  // 2^32 - (2^32 - 1) = 1: no carry, not zero, AF from the low bytes.
  assertEquals(num(cpu, Field.RFLAGS) & 0x8d5, 0x10);
  const s = _cpu("f2 48 af", [[Field.RCX, 5n], [Field.RDI, 0x4000n], [
    Field.RAX,
    0x8000_0000_0000_0000n,
  ]], true);
  new DataView(s.map.ram.bytes.buffer).setBigUint64(0x4010, 0x8000_0000_0000_0000n, true);
  _halt(s.cpu);
  assertEquals([..._regs(s.cpu), num(s.cpu, Field.RFLAGS) & 0x8d5], [2, 0, 0x4018, 0x44]);
});
