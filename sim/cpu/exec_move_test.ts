import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { enterLong, identity4 } from "./_paging_testing.ts";
import { descriptor, enterReal, setGdt } from "./_seg_testing.ts";
import { cpuWith, num, type TestMap } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

/** 64-bit code at 0x1000 (then HLT) over identity-mapped tables, RSP 0x8000. */
function _long(code: string, regs: [Field, bigint][] = []): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code + " f4", 0x1000, { pages: 64 });
  identity4(t.map, 0x10000, 64);
  enterLong(t.cpu, 0x10000);
  for (const [f, v] of regs) t.cpu.setField(f, v);
  assertEquals(t.cpu.run(100), RunStatus.EXIT, t.cpu.deadMessage);
  assertEquals(num(t.cpu, Field.EXIT_REASON), 12);
  return t;
}

function _dv(map: TestMap): DataView {
  return new DataView(map.ram.bytes.buffer);
}

function _run(code: string, regs: [Field, bigint][] = []): Cpu {
  const { cpu } = cpuWith(code + " f4");
  for (const [f, v] of regs) cpu.setField(f, v);
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals(num(cpu, Field.EXIT_REASON), 12);
  return cpu;
}

Deno.test("MOV: register widths keep or clear the untouched bits", () => {
  const c = _run("88 e3 66 89 c1 b2 7f 89 c6", [[Field.RAX, 0xffff_ffff_8899aabbn], [
    Field.RBX,
    0x1111_2222_3333_4444n,
  ], [
    Field.RCX,
    0x5555_6666n,
  ], [Field.RDX, 0x1234n]]);
  // mov bl,ah; mov cx,ax; mov dl,0x7f; mov esi,eax (a 32-bit write clears bits 63:32)
  assertEquals(
    [Field.RBX, Field.RCX, Field.RDX, Field.RSI].map((f) => c.getField(f)),
    [0x1111_2222_3333_44aan, 0x5555_aabbn, 0x127fn, 0x8899aabbn],
  );
});

Deno.test("MOV: memory forms, immediates and moffs", () => {
  const { cpu, map } = cpuWith(
    "c7 05 00 50 00 00 78 56 34 12 66 c7 05 04 50 00 00 cd ab a0 01 50 00 00 a3 10 50 00 00 f4",
  );
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals(Array.from(map.ram.bytes.slice(0x5000, 0x5006)), [
    0x78,
    0x56,
    0x34,
    0x12,
    0xcd,
    0xab,
  ]);
  assertEquals(num(cpu, Field.RAX), 0x56);
  assertEquals(map.ram.bytes[0x5010], 0x56);
});

Deno.test("MOVZX, MOVSX, LEA (32- and 16-bit addressing), XCHG", () => {
  const c = _run("0f b6 c3 0f be cb 66 0f bf d3 8d 74 98 08 67 8d 38 87 d9", [[
    Field.RBX,
    0x80f0n,
  ]]);
  const esi = 0xf0 + 0x80f0 * 4 + 8;
  assertEquals([num(c, Field.RAX), num(c, Field.RDX), num(c, Field.RSI)], [0xf0, 0x80f0, esi]);
  assertEquals(num(c, Field.RDI), (0x80f0 + (esi & 0xffff)) & 0xffff);
  assertEquals([num(c, Field.RBX), num(c, Field.RCX)], [0xffff_fff0, 0x80f0]);
  const { cpu, map } = cpuWith("86 05 00 50 00 00 f4");
  map.ram.bytes[0x5000] = 0x11;
  cpu.setField(Field.RAX, 0x22n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([num(cpu, Field.RAX), map.ram.bytes[0x5000]], [0x11, 0x22]);
});

Deno.test("SETcc and CMOVcc; CMOV reads its source even when not taken", () => {
  // cmp eax,ebx (1 vs 2): below, not equal. setb cl; sete ch; cmovb edx,ebx; cmove esi,ebx
  const c = _run("39 d8 0f 92 c1 0f 94 c5 0f 42 d3 0f 44 f3", [[Field.RAX, 1n], [Field.RBX, 2n], [
    Field.RSI,
    0x1_0000_0005n,
  ]]);
  assertEquals([num(c, Field.RCX), num(c, Field.RDX), num(c, Field.RSI)], [0x0001, 2, 5]);
  const { cpu, map } = cpuWith("0f 44 05 00 50 00 00 f4");
  map.attr[5] = 0;
  cpu.setField(Field.RFLAGS, 2n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(num(cpu, Field.EXIT_REASON), 48);
});

Deno.test("64-bit MOV: imm64, r/m64, moffs64, MOVZX/MOVSX to 64 bits, LEA 64", () => {
  const { cpu, map } = _long(
    "48 b8 88 77 66 55 44 33 22 11 48 a3 00 30 00 00 00 00 00 00 48 8b 1c 25 00 30 00 00 " +
      "a0 07 30 00 00 00 00 00 00 48 c7 c1 fe ff ff ff 48 0f be d1 48 0f b7 f1 48 8d 7c 08 02",
    [[Field.RAX, 0n]],
  );
  assertEquals(_dv(map).getBigUint64(0x3000, true), 0x1122334455667788n);
  assertEquals(
    [Field.RAX, Field.RBX, Field.RCX, Field.RDX, Field.RSI, Field.RDI].map((f) => cpu.getField(f)),
    [
      0x1122334455667711n,
      0x1122334455667788n,
      0xffff_ffff_ffff_fffen,
      0xffff_ffff_ffff_fffen,
      0xfffen,
      0x1122334455667711n,
    ],
  );
});

Deno.test("MOVSXD sign-extends to 64 bits; its 32/16-bit forms copy; 63 is ARPL outside 64-bit mode", () => {
  const { cpu } = _long("48 63 c1 63 d1 66 63 d9", [[Field.RCX, 0xffff_ffff_8000_8000n], [
    Field.RDX,
    0xaaaa_aaaa_aaaa_aaaan,
  ], [Field.RBX, 0xbbbb_bbbb_bbbb_bbbbn]]);
  assertEquals([Field.RAX, Field.RDX, Field.RBX].map((f) => cpu.getField(f)), [
    0xffff_ffff_8000_8000n,
    0x8000_8000n,
    0xbbbb_bbbb_bbbb_8000n,
  ]);
  // arpl ax, cx: RPL 0 < 3 raises it (ZF = 1); then RPL 3 = 3 leaves it (ZF = 0).
  const a = _run("63 c8 0f 94 c2 63 c8 0f 94 c6", [[Field.RAX, 0x10n], [Field.RCX, 0x0bn]]);
  assertEquals([num(a, Field.RAX), num(a, Field.RDX) & 0xffff], [0x13, 0x0001]);
  const r = cpuWith("63 c8");
  enterReal(r.cpu);
  r.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 6n);
  assertEquals([r.cpu.run(10), num(r.cpu, Field.EXIT_INTR_INFO)], [RunStatus.EXIT, 0x80000306]);
});

Deno.test("XADD: the sum to the destination, the old destination to the source, flags of ADD", () => {
  const c = _run("0f c1 d8 0f c1 c9 0f c0 25 00 30 00 00", [[Field.RAX, 0x7fffffffn], [
    Field.RBX,
    1n,
  ], [Field.RCX, 3n]]);
  assertEquals([num(c, Field.RAX), num(c, Field.RBX), num(c, Field.RCX)], [
    0x80000000,
    0x7fffffff,
    6,
  ]);
  const m = cpuWith("0f c0 25 00 30 00 00 f4");
  m.map.ram.bytes[0x3000] = 0xf0;
  m.cpu.setField(Field.RSP, 0x8000n);
  m.cpu.setField(Field.RAX, 0x1234n);
  m.cpu.setField(Field.RBX, 0x11n);
  // xadd [0x3000], ah: 0xf0 + 0x12 = 0x102 -> 0x02 with CF.
  assertEquals(m.cpu.run(10), RunStatus.EXIT);
  assertEquals([m.map.ram.bytes[0x3000], num(m.cpu, Field.RAX), num(m.cpu, Field.RFLAGS) & 1], [
    0x02,
    0xf034,
    1,
  ]);
  const q = _long("48 0f c1 d8", [[Field.RAX, 0xffff_ffff_ffff_ffffn], [Field.RBX, 1n]]);
  assertEquals([q.cpu.getField(Field.RAX), q.cpu.getField(Field.RBX)], [
    0n,
    0xffff_ffff_ffff_ffffn,
  ]);
  assertEquals(num(q.cpu, Field.RFLAGS) & 0x8d5, 0x55);
});

Deno.test("CMPXCHG: equal writes the destination only, unequal the accumulator only (register) or both (memory)", () => {
  const hi = 0xaaaa_0000_0000_0000n;
  const ok = _long("0f b1 d1", [[Field.RAX, hi | 5n], [Field.RCX, hi | 5n], [Field.RDX, hi | 9n]]);
  assertEquals([Field.RAX, Field.RCX].map((f) => ok.cpu.getField(f)), [hi | 5n, 9n]);
  assertEquals(num(ok.cpu, Field.RFLAGS) & 0x8d5, 0x44);
  const no = _long("0f b1 d1", [[Field.RAX, hi | 4n], [Field.RCX, hi | 5n], [Field.RDX, 9n]]);
  assertEquals([Field.RAX, Field.RCX].map((f) => no.cpu.getField(f)), [5n, hi | 5n]);
  assertEquals(num(no.cpu, Field.RFLAGS) & 0x8d5, 0x95);
  // cmpxchg eax, ecx: EAX always equals itself, so EAX gets ECX.
  const self = _long("0f b1 c8", [[Field.RAX, hi | 5n], [Field.RCX, hi | 9n]]);
  assertEquals(self.cpu.getField(Field.RAX), 9n);
  const q = _long("48 0f b1 0c 25 00 30 00 00 48 0f b1 0c 25 00 30 00 00", [
    [Field.RAX, 0x1_0000_0000n],
    [Field.RCX, 0x2_0000_0000n],
  ]);
  // First: memory 0 != RAX: RAX = 0, memory rewritten 0. Second: equal, memory = RCX.
  assertEquals([q.cpu.getField(Field.RAX), _dv(q.map).getBigUint64(0x3000, true)], [
    0n,
    0x2_0000_0000n,
  ]);
  // A memory destination is written back (a write access) even when unequal.
  const w = cpuWith("0f b1 0d 00 30 00 00 f4");
  w.map.attr[3] = 5; // read + execute only
  assertEquals([w.cpu.run(10), num(w.cpu, Field.EXIT_QUALIFICATION)], [RunStatus.EXIT, 0x1ab]);
});

Deno.test("CMPXCHG8B and CMPXCHG16B: only ZF changes; EDX:EAX zero-extended on failure; 16B wants alignment", () => {
  const t = _long("0f c7 0c 25 00 30 00 00 0f c7 0c 25 00 30 00 00", [
    [Field.RAX, 0xffff_ffff_1111_1111n],
    [Field.RDX, 0xffff_ffff_2222_2222n],
    [Field.RBX, 0x3333_3333n],
    [Field.RCX, 0x4444_4444n],
    [Field.RFLAGS, 0x8d7n],
  ]);
  // First: memory 0 differs: EDX:EAX = 0 (RAX, RDX zero-extended). Second: equal: stores ECX:EBX.
  assertEquals([Field.RAX, Field.RDX].map((f) => t.cpu.getField(f)), [0n, 0n]);
  assertEquals(_dv(t.map).getBigUint64(0x3000, true), 0x4444_4444_3333_3333n);
  assertEquals(num(t.cpu, Field.RFLAGS), 0x8d7);
  const o = _long("48 0f c7 0c 25 00 30 00 00", [
    [Field.RAX, 1n],
    [Field.RDX, 2n],
    [Field.RBX, 3n],
    [
      Field.RCX,
      4n,
    ],
  ]);
  assertEquals([Field.RAX, Field.RDX].map((f) => o.cpu.getField(f)), [0n, 0n]);
  assertEquals(num(o.cpu, Field.RFLAGS) & 0x40, 0);
  const dv = _dv(o.map);
  dv.setBigUint64(0x3000, 1n, true);
  dv.setBigUint64(0x3008, 2n, true);
  o.cpu.setField(Field.RIP, 0x1000n);
  [[Field.RAX, 1n], [Field.RDX, 2n]].forEach(([f, v]) => o.cpu.setField(f as Field, v as bigint));
  assertEquals(o.cpu.run(10), RunStatus.EXIT);
  assertEquals([dv.getBigUint64(0x3000, true), dv.getBigUint64(0x3008, true)], [3n, 4n]);
  assertEquals(num(o.cpu, Field.RFLAGS) & 0x40, 0x40);
  const g = cpuWith("48 0f c7 0c 25 08 30 00 00", 0x1000, { pages: 64 });
  identity4(g.map, 0x10000, 64);
  enterLong(g.cpu, 0x10000);
  g.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 13n);
  assertEquals([g.cpu.run(10), num(g.cpu, Field.EXIT_INTR_INFO)], [RunStatus.EXIT, 0x80000b0d]);
});

Deno.test("MOVBE swaps bytes on the way in and out; a register operand is #UD", () => {
  const code = "0f 38 f0 04 25 00 30 00 00 66 0f 38 f0 1c 25 00 30 00 00 " +
    "48 0f 38 f1 0c 25 08 30 00 00 48 0f 38 f0 14 25 08 30 00 00";
  const t = cpuWith(code + " f4", 0x1000, { pages: 64 });
  identity4(t.map, 0x10000, 64);
  enterLong(t.cpu, 0x10000);
  _dv(t.map).setUint32(0x3000, 0x11223344, true);
  t.cpu.setField(Field.RBX, 0xffff_ffff_ffff_ffffn);
  t.cpu.setField(Field.RCX, 0x0102030405060708n);
  assertEquals(t.cpu.run(100), RunStatus.EXIT);
  assertEquals([Field.RAX, Field.RBX, Field.RDX].map((f) => t.cpu.getField(f)), [
    0x44332211n,
    0xffff_ffff_ffff_4433n,
    0x0102030405060708n,
  ]);
  assertEquals(_dv(t.map).getBigUint64(0x3008, true), 0x0807060504030201n);
  const r = cpuWith("0f 38 f0 c0");
  r.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 6n);
  assertEquals([r.cpu.run(10), num(r.cpu, Field.EXIT_INTR_INFO)], [RunStatus.EXIT, 0x80000306]);
});

Deno.test("XLAT, XCHG r8 with REX.B at 90, NOP 90 keeping RAX, CMOV and XCHG at 64 bits", () => {
  const x = cpuWith("d7 67 d7 26 d7 f4");
  x.map.ram.bytes[0x3005] = 0x42;
  x.map.ram.bytes[0x3042] = 0x24;
  x.map.ram.bytes[0x3124] = 0x99;
  x.cpu.setField(Field.ES_BASE, 0x100n);
  x.cpu.setField(Field.RBX, 0x3000n);
  x.cpu.setField(Field.RAX, 0xabcd05n);
  assertEquals(x.cpu.run(10), RunStatus.EXIT);
  // [EBX + AL], then 67: [BX + AL], then ES: [EBX + AL]; only AL changes.
  assertEquals(num(x.cpu, Field.RAX), 0xabcd99);
  const { cpu } = _long("41 90 49 90 90 48 0f 44 c1 0f 44 d1 48 87 da", [
    [Field.RAX, 0x1111_1111_1111_1111n],
    [Field.R8, 0x8888_8888_8888_8888n],
    [Field.RCX, 0xcccc_cccc_cccc_ccccn],
    [Field.RDX, 0xdddd_dddd_dddd_ddddn],
    [Field.RBX, 0xbbbb_bbbb_bbbb_bbbbn],
    [Field.RFLAGS, 0x2n],
  ]);
  // xchg r8d, eax then xchg r8, rax: halves zero-extended by the first, swapped by the second;
  // cmovz rax, rcx (ZF = 0) keeps RAX; cmovz edx, ecx clears RDX's high half anyway.
  assertEquals(
    [Field.RAX, Field.R8, Field.RDX, Field.RBX].map((f) => cpu.getField(f)),
    [0x1111_1111n, 0x8888_8888n, 0xbbbb_bbbb_bbbb_bbbbn, 0xdddd_ddddn],
  );
});

Deno.test("64-bit mode: MOV SS of a null selector at CPL 0; MOV FS loads a 32-bit base", () => {
  const t = cpuWith("8e d0 8e e3 f4", 0x1000, { pages: 64 });
  identity4(t.map, 0x10000, 64);
  enterLong(t.cpu, 0x10000);
  setGdt(t.cpu, t.map, 0x2000, [[0, 0], descriptor(0x12345678, 0xfffff, 0x93)]);
  t.cpu.setField(Field.FS_BASE, 0xffff_8000_0000_0000n);
  t.cpu.setField(Field.RBX, 0x8n);
  assertEquals(t.cpu.run(10), RunStatus.EXIT, t.cpu.deadMessage);
  assertEquals(num(t.cpu, Field.EXIT_REASON), 12);
  assertEquals([t.cpu.getField(Field.SS_AR), t.cpu.getField(Field.FS_BASE)], [
    0x10000n,
    0x12345678n,
  ]);
});

Deno.test("MOVNTI: a plain store of 32 bits, or 64 with REX.W; 66 makes it #UD", () => {
  // movnti [rbx], eax; movnti [rbx+8], rax (REX.W)
  const { map } = _long("0f c3 03 48 0f c3 43 08", [
    [Field.RAX, 0x1122_3344_5566_7788n],
    [Field.RBX, 0x5000n],
  ]);
  assertEquals(_dv(map).getUint32(0x5000, true), 0x55667788);
  assertEquals(_dv(map).getBigUint64(0x5008, true), 0x1122_3344_5566_7788n);
  const { cpu } = cpuWith("66 0f c3 03");
  cpu.setField(Field.EXCEPTION_BITMAP, 1n << 6n);
  assertEquals([cpu.run(10), num(cpu, Field.EXIT_INTR_INFO)], [RunStatus.EXIT, 0x80000306]);
});
