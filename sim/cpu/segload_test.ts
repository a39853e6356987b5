import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { descriptor, enterReal, gdtHigh, setGdt } from "./_seg_testing.ts";
import { cpuWith, num, type TestMap } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

const _GDT = 0x2000;

// Selectors 8k: flat code, flat data (not accessed), read-only data, execute-only code,
// readable code, a data segment not present, DPL 3 data, a small data segment at 0x3000.
const _DESCS: [number, number][] = [
  [0, 0],
  descriptor(0, 0xfffff, 0x9b),
  descriptor(0, 0xfffff, 0x92),
  descriptor(0, 0xfffff, 0x90),
  descriptor(0, 0xfffff, 0x98),
  descriptor(0, 0xfffff, 0x9a),
  descriptor(0, 0xfffff, 0x12),
  descriptor(0, 0xfffff, 0xf2),
  descriptor(0x3000, 0xff, 0x93, 0x4),
];

/** Protected mode with the GDT above; every exception exits. */
function _pm(code: string): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code + " f4");
  setGdt(t.cpu, t.map, _GDT, _DESCS);
  t.cpu.setField(Field.EXCEPTION_BITMAP, 0xffffffffn);
  return t;
}

function _seg(cpu: Cpu, s: number): number[] {
  const f = Field.ES_SEL + 4 * s;
  return [f, f + 1, f + 2, f + 3].map((x) => num(cpu, x));
}

// The exception a run ended with: [vector, error code] (-1 if none), or [-1, exit reason].
function _fault(cpu: Cpu): number[] {
  assertEquals(cpu.run(10), RunStatus.EXIT, cpu.deadMessage);
  const info = num(cpu, Field.EXIT_INTR_INFO);
  if (num(cpu, Field.EXIT_REASON) !== 0) return [-1, num(cpu, Field.EXIT_REASON)];
  return [info & 0xff, info & 0x800 ? num(cpu, Field.EXIT_INTR_CODE) : -1];
}

Deno.test("MOV to DS loads the descriptor's base, limit and attributes and sets its accessed bit", () => {
  const { cpu, map } = _pm("8e d8");
  cpu.setField(Field.RAX, 0x10n);
  assertEquals(_fault(cpu), [-1, 12]);
  assertEquals(_seg(cpu, 3), [0x10, 0, 0xffffffff, 0xc093]);
  assertEquals(gdtHigh(map, _GDT, 2) & 0x100, 0x100);
  const s = _pm("8e d8 8e c3 8e e1 8a 05 10 00 00 00");
  s.cpu.setField(Field.RAX, 0x40n);
  s.cpu.setField(Field.RBX, 0x28n);
  s.cpu.setField(Field.RCX, 0x3bn);
  s.map.ram.bytes[0x3010] = 0x77;
  assertEquals(_fault(s.cpu), [-1, 12]);
  // Readable code is a valid data segment; the selector keeps its RPL.
  assertEquals([_seg(s.cpu, 3), _seg(s.cpu, 0)[3], _seg(s.cpu, 4)[0], num(s.cpu, Field.RAX)], [
    [0x40, 0x3000, 0xff, 0x4093],
    0xc09b,
    0x3b,
    0x77,
  ]);
});

Deno.test("segment loads fault as the SDM's MOV operation says", () => {
  const cases: [string, number, number, number[]][] = [
    ["null DS is unusable", 0x8e, 0, [-1, 12]],
    ["null SS", 0x8e | 0x100, 0, [13, 0]],
    ["outside the GDT", 0x8e, 0x48, [13, 0x48]],
    ["read-only data into SS", 0x8e | 0x100, 0x18, [13, 0x18]],
    ["execute-only code into DS", 0x8e, 0x20, [13, 0x20]],
    ["code into SS", 0x8e | 0x100, 0x08, [13, 0x08]],
    ["not present", 0x8e, 0x30, [11, 0x30]],
    ["RPL 3 into SS at CPL 0", 0x8e | 0x100, 0x13, [13, 0x10]],
    ["RPL 2 above DPL 0", 0x8e, 0x42, [13, 0x40]],
    ["an LDT selector with no LDT", 0x8e, 0x14, [13, 0x14]],
  ];
  for (const [name, op, sel, want] of cases) {
    // 8E D8: DS; 8E D0: SS.
    const { cpu } = _pm(op & 0x100 ? "8e d0" : "8e d8");
    cpu.setField(Field.RAX, BigInt(sel));
    assertEquals(_fault(cpu), want, name);
  }
  const n = _pm("8e d8");
  assertEquals(_fault(n.cpu), [-1, 12]);
  assertEquals(_seg(n.cpu, 3), [0, 0, 0, 0x10000]);
  // At CPL 3, DPL 0 data is out of reach; DPL 3 data is fine; SS not present is #SS.
  const u = _pm("8e d8");
  u.cpu.setField(Field.SS_AR, 0xc0f3n);
  u.cpu.setField(Field.CS_AR, 0xc0fbn);
  u.cpu.setField(Field.RAX, 0x13n);
  assertEquals(_fault(u.cpu), [13, 0x10]);
  // Selector 0x30 is writable data, not present: #SS for SS.
  const ss = _pm("8e d0");
  ss.cpu.setField(Field.RAX, 0x30n);
  assertEquals(_fault(ss.cpu), [12, 0x30]);
});

Deno.test("MOV from a segment register; MOV to CS is #UD; MOV SS blocks for one instruction", () => {
  const { cpu, map } = _pm("8c d8 66 8c d9 8c 1d 00 30 00 00");
  cpu.setField(Field.DS_SEL, 0x10n);
  cpu.setField(Field.RAX, 0xffff_ffffn);
  cpu.setField(Field.RCX, 0xffff_ffffn);
  map.ram.bytes.fill(0xee, 0x3000, 0x3004);
  assertEquals(_fault(cpu), [-1, 12]);
  assertEquals([num(cpu, Field.RAX), num(cpu, Field.RCX)], [0x10, 0xffff0010]);
  assertEquals(Array.from(map.ram.bytes.slice(0x3000, 0x3004)), [0x10, 0, 0xee, 0xee]);
  assertEquals(_fault(_pm("8e c8").cpu), [6, -1]);
  assertEquals(_fault(_pm("8e f0").cpu), [6, -1]);
  const b = _pm("8e d0 90");
  b.cpu.setField(Field.RAX, 0x10n);
  assertEquals(b.cpu.run(1), RunStatus.BUDGET);
  assertEquals([num(b.cpu, Field.INTERRUPTIBILITY), _seg(b.cpu, 2)[3]], [2, 0xc093]);
});

Deno.test("LDS, LSS, LFS load a far pointer; in real mode only selector and base", () => {
  const { cpu, map } = _pm("c5 05 00 30 00 00 0f b4 1d 06 30 00 00");
  const dv = new DataView(map.ram.bytes.buffer);
  dv.setUint32(0x3000, 0xdeadbeef, true);
  dv.setUint16(0x3004, 0x10, true);
  dv.setUint32(0x3006, 0x12345678, true);
  dv.setUint16(0x300a, 0x40, true);
  assertEquals(_fault(cpu), [-1, 12]);
  assertEquals([num(cpu, Field.RAX), num(cpu, Field.RBX), _seg(cpu, 3)[0], _seg(cpu, 4)[1]], [
    0xdeadbeef,
    0x12345678,
    0x10,
    0x3000,
  ]);
  const r = cpuWith("0f b2 26 00 30 f4");
  enterReal(r.cpu);
  new DataView(r.map.ram.bytes.buffer).setUint32(0x3000, 0x5678_1234, true);
  r.cpu.setField(Field.RSP, 0xffff_0000n);
  assertEquals(_fault(r.cpu), [-1, 12]);
  assertEquals([num(r.cpu, Field.RSP), _seg(r.cpu, 2)], [0xffff_1234, [
    0x5678,
    0x56780,
    0xffffffff,
    0x93,
  ]]);
  // A bad selector leaves the register alone.
  const f = _pm("c5 05 00 30 00 00");
  new DataView(f.map.ram.bytes.buffer).setUint16(0x3004, 0x48, true);
  assertEquals(_fault(f.cpu), [13, 0x48]);
  assertEquals(num(f.cpu, Field.RAX), 0);
});

Deno.test("LDT selectors read the LDT; 64-bit mode takes a null SS at CPL 0 and a 32-bit FS base", () => {
  const { cpu, map } = _pm("8e d8");
  const dv = new DataView(map.ram.bytes.buffer);
  const [lo, hi] = descriptor(0x4000, 0x1f, 0x92, 0x4);
  dv.setUint32(0x2808, lo, true);
  dv.setUint32(0x280c, hi, true);
  cpu.setField(Field.LDTR_BASE, 0x2800n);
  cpu.setField(Field.LDTR_LIMIT, 0xfn);
  cpu.setField(Field.LDTR_AR, 0x82n);
  cpu.setField(Field.RAX, 0x0cn);
  assertEquals(_fault(cpu), [-1, 12]);
  assertEquals(_seg(cpu, 3), [0x0c, 0x4000, 0x1f, 0x4093]);
  assertEquals(dv.getUint32(0x280c, true) & 0x100, 0x100);
});
