import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { enterLong, identity4 } from "./_paging_testing.ts";
import { descriptor, enterReal, gdtHigh, setGdt } from "./_seg_testing.ts";
import { cpuWith, num, type TestMap } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

function _halt(cpu: Cpu): void {
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals(num(cpu, Field.EXIT_REASON), 12);
}

Deno.test("CALL and RET, near relative and indirect, RET imm16", () => {
  // 1000: call 100a; hlt; ... 100a: ret
  const { cpu, map } = cpuWith("e8 05 00 00 00 f4 00 00 00 00 c3");
  _halt(cpu);
  assertEquals([num(cpu, Field.RIP), num(cpu, Field.RSP), map.ram.bytes[0x7ffc]], [
    0x1005,
    0x8000,
    0x05,
  ]);
  // call eax; hlt at 1002; 1010: ret 8
  const r = cpuWith("ff d0 f4");
  r.map.ram.bytes.set([0xc2, 0x08, 0x00], 0x1010);
  r.cpu.setField(Field.RAX, 0x1010n);
  _halt(r.cpu);
  assertEquals([num(r.cpu, Field.RIP), num(r.cpu, Field.RSP)], [0x1002, 0x8008]);
  // jmp [0x1100] -> 0x1105: hlt
  const j = cpuWith("ff 25 00 11 00 00");
  j.map.ram.bytes.set([0x05, 0x11, 0, 0], 0x1100);
  j.map.ram.bytes[0x1105] = 0xf4;
  _halt(j.cpu);
  assertEquals(num(j.cpu, Field.RIP), 0x1105);
});

Deno.test("LOOP, LOOPE, LOOPNE, JECXZ, and the 16-bit counter with 67", () => {
  // mov ecx,3; 1005: inc eax; loop 1005; hlt
  const { cpu } = cpuWith("b9 03 00 00 00 40 e2 fd f4");
  _halt(cpu);
  assertEquals([num(cpu, Field.RAX), num(cpu, Field.RCX)], [3, 0]);
  // loope stops when ZF = 0: cmp eax,eax sets ZF; loope runs while ecx != 0.
  const e = cpuWith("39 c0 e1 fc f4");
  e.cpu.setField(Field.RCX, 4n);
  _halt(e.cpu);
  assertEquals(num(e.cpu, Field.RCX), 0);
  const ne = cpuWith("39 c0 e0 fc f4");
  ne.cpu.setField(Field.RCX, 4n);
  _halt(ne.cpu);
  assertEquals(num(ne.cpu, Field.RCX), 3);
  const z = cpuWith("e3 01 f4 f4");
  _halt(z.cpu);
  assertEquals(num(z.cpu, Field.RIP), 0x1003);
  const w = cpuWith("67 e2 fd f4");
  w.cpu.setField(Field.RCX, 0x12340002n);
  _halt(w.cpu);
  assertEquals(num(w.cpu, Field.RCX), 0x12340000);
});

Deno.test("Jcc on every condition code, taken and not", () => {
  const flagsFor: number[] = [0x2, 0x803, 0xc6, 0x886, 0x8c3, 0x46, 0x82, 0x806];
  for (let cc = 0; cc < 16; cc++) {
    for (const f of flagsFor) {
      const { cpu } = cpuWith(`${(0x70 + cc).toString(16)} 01 f4 f4`);
      cpu.setField(Field.RFLAGS, BigInt(f));
      _halt(cpu);
      const of = (f >> 11) & 1, cf = f & 1, zf = (f >> 6) & 1, sf = (f >> 7) & 1, pf = (f >> 2) & 1;
      const t = [of, cf, zf, cf | zf, sf, pf, sf ^ of, zf | (sf ^ of)][cc >> 1] === 1;
      assertEquals(
        num(cpu, Field.RIP),
        t !== ((cc & 1) === 1) ? 0x1003 : 0x1002,
        `cc ${cc} flags ${f}`,
      );
    }
  }
  const n = cpuWith("0f 85 00 01 00 00");
  n.map.ram.bytes[0x1106] = 0xf4;
  n.cpu.setField(Field.RFLAGS, 2n);
  _halt(n.cpu);
  assertEquals(num(n.cpu, Field.RIP), 0x1106);
});

Deno.test("branch targets: 16-bit operand size wraps IP; beyond the CS limit is #GP on the branch", () => {
  const { cpu } = cpuWith("66 e9 00 f0", 0x2000);
  cpu.run(1);
  assertEquals(num(cpu, Field.RIP), 0x1004);
  const g = cpuWith("eb 10");
  g.cpu.setField(Field.CS_LIMIT, 0x1010n);
  g.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 13n);
  assertEquals(g.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(g.cpu, Field.EXIT_INTR_INFO), num(g.cpu, Field.RIP)], [0x80000b0d, 0x1000]);
  const r = cpuWith("c3");
  r.map.ram.bytes.set([0x00, 0x20, 0, 0], 0x8000);
  r.cpu.setField(Field.CS_LIMIT, 0x1fffn);
  r.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 13n);
  assertEquals(r.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(r.cpu, Field.RIP), num(r.cpu, Field.RSP)], [0x1000, 0x8000]);
});

Deno.test("real-mode code: 16-bit operands and addressing through CS and DS bases", () => {
  const { cpu, map } = cpuWith("", 0);
  cpu.setField(Field.CR0, 0x30n);
  cpu.setField(Field.CS_AR, 0x9bn);
  cpu.setField(Field.CS_SEL, 0x100n);
  cpu.setField(Field.CS_BASE, 0x1000n);
  cpu.setField(Field.CS_LIMIT, 0xffffn);
  map.ram.bytes.set([0x11, 0x11], 0x500);
  map.ram.bytes.set([0xb8, 0x34, 0x12, 0x8b, 0x1e, 0x00, 0x05, 0x01, 0xd8, 0xf4], 0x1000);
  cpu.setField(Field.RAX, 0xabcd0000n);
  _halt(cpu);
  assertEquals([num(cpu, Field.RAX), num(cpu, Field.RBX), num(cpu, Field.RIP)], [
    0xabcd2345,
    0x1111,
    9,
  ]);
});

/** Real-address mode, CS = 0x100 (base 0x1000), code at 0x1000, SP 0x8000, 16-bit stack. */
function _real(code: string): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code);
  enterReal(t.cpu);
  return t;
}

function _u16s(map: TestMap, at: number, n: number): number[] {
  const dv = new DataView(map.ram.bytes.buffer);
  return Array.from({ length: n }, (_, k) => dv.getUint16(at + 2 * k, true));
}

Deno.test("real mode: far JMP, CALL and RET (with imm16) change CS and its base only", () => {
  // jmp 0x200:0x10 -> linear 0x2010: call far 0x300:0x20 -> 0x3020: retf 4 -> back at 0x2015.
  const { cpu, map } = _real("ea 10 00 00 02");
  map.ram.bytes.set([0x9a, 0x20, 0x00, 0x00, 0x03, 0xf4], 0x2010);
  map.ram.bytes.set([0xca, 0x04, 0x00], 0x3020);
  cpu.setField(Field.RSP, 0x8000n);
  _halt(cpu);
  assertEquals([num(cpu, Field.CS_SEL), num(cpu, Field.CS_BASE), num(cpu, Field.RIP)], [
    0x200,
    0x2000,
    0x15,
  ]);
  assertEquals([_u16s(map, 0x7ffc, 2), num(cpu, Field.RSP)], [[0x15, 0x200], 0x8004]);
  assertEquals([num(cpu, Field.CS_LIMIT), num(cpu, Field.CS_AR)], [0xffff, 0x9b]);
  // 66: a 32-bit offset; beyond the CS limit it is #GP(0) before anything changes.
  const g = _real("66 ea 00 00 01 00 00 02");
  g.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 13n);
  assertEquals(g.cpu.run(10), RunStatus.EXIT);
  // Real mode: no error code.
  assertEquals([num(g.cpu, Field.EXIT_INTR_INFO), num(g.cpu, Field.CS_SEL)], [0x8000030d, 0x100]);
  // call far [mem] (m16:16) and jmp far [mem].
  const m = _real("ff 1e 00 05");
  m.map.ram.bytes.set([0x08, 0x00, 0x40, 0x00], 0x500);
  m.map.ram.bytes[0x408] = 0xf4;
  _halt(m.cpu);
  assertEquals([num(m.cpu, Field.CS_SEL), num(m.cpu, Field.RIP), _u16s(m.map, 0x7ffc, 2)], [
    0x40,
    8,
    [4, 0x100],
  ]);
});

Deno.test("real mode: INT n through the IVT and IRET, 16- and 32-bit", () => {
  // IVT[0x21] = 0x0200:0x0010; the handler IRETs; then HLT.
  const { cpu, map } = _real("cd 21 f4");
  new DataView(map.ram.bytes.buffer).setUint32(0x21 * 4, 0x0200_0010, true);
  map.ram.bytes[0x2010] = 0xcf;
  cpu.setField(Field.IDTR_LIMIT, 0x3ffn);
  cpu.setField(Field.RFLAGS, 0x2d7n);
  _halt(cpu);
  assertEquals([num(cpu, Field.RIP), num(cpu, Field.CS_SEL), num(cpu, Field.RSP)], [
    2,
    0x100,
    0x8000,
  ]);
  assertEquals(_u16s(map, 0x7ffa, 3), [2, 0x100, 0x2d7]);
  assertEquals(num(cpu, Field.RFLAGS), 0x2d7);
  // A 32-bit IRET keeps VM, VIF, VIP and loads the rest (mask 257FD5H).
  const i = _real("66 cf");
  const dv = new DataView(i.map.ram.bytes.buffer);
  dv.setUint32(0x8000, 0x20, true);
  dv.setUint32(0x8004, 0x300, true);
  dv.setUint32(0x8008, 0xffffffff, true);
  i.map.ram.bytes[0x3020] = 0xf4;
  i.cpu.setField(Field.RFLAGS, 0x180002n);
  _halt(i.cpu);
  assertEquals([num(i.cpu, Field.RFLAGS).toString(16), num(i.cpu, Field.RSP)], ["3d7fd7", 0x800c]);
});

const _GDT = 0x2000;

/** Protected mode with a GDT: 0x08 flat 32-bit code, 0x10 flat data, 0x18 16-bit code (base 0x4000). */
function _pm(code: string): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code);
  setGdt(t.cpu, t.map, _GDT, [
    [0, 0],
    descriptor(0, 0xfffff, 0x9b),
    descriptor(0, 0xfffff, 0x93),
    descriptor(0x4000, 0xffff, 0x9b, 0),
    descriptor(0, 0xfffff, 0xfb),
    descriptor(0, 0, 0x8c, 0), // a call gate
    descriptor(0, 0xfffff, 0x9f), // conforming code, DPL 0
  ]);
  t.cpu.setField(Field.CS_SEL, 0x08n);
  t.cpu.setField(Field.EXCEPTION_BITMAP, 0xffff_ffffn);
  return t;
}

Deno.test("protected mode: far JMP and CALL to another code segment, RETF back, same privilege", () => {
  // call far 0x18:0x10 into 16-bit code at 0x4010, whose 66 RETF pops EIP and CS as dwords.
  const { cpu, map } = _pm("9a 10 00 00 00 18 00 f4");
  map.ram.bytes.set([0x66, 0xcb], 0x4010);
  _halt(cpu);
  assertEquals([num(cpu, Field.CS_SEL), num(cpu, Field.CS_AR), num(cpu, Field.RIP)], [
    0x08,
    0xc09b,
    0x1007,
  ]);
  assertEquals([num(cpu, Field.RSP), _u16s(map, 0x7ff8, 4)], [0x8000, [0x1007, 0, 8, 0]]);
  // jmp far 0x18:0x20 into the 16-bit segment: the accessed bit is set.
  const j = _pm("ea 20 00 00 00 18 00");
  j.map.ram.bytes[0x4020] = 0xf4;
  _halt(j.cpu);
  assertEquals([num(j.cpu, Field.CS_SEL), num(j.cpu, Field.CS_BASE), num(j.cpu, Field.RIP)], [
    0x18,
    0x4000,
    0x20,
  ]);
  assertEquals([num(j.cpu, Field.CS_AR), gdtHigh(j.map, _GDT, 3) & 0x100], [0x9b, 0x100]);
  // Conforming code is entered at the current CPL, whatever the selector's RPL.
  const c = _pm("ea 00 30 00 00 33 00");
  c.map.ram.bytes[0x3000] = 0xf4;
  _halt(c.cpu);
  assertEquals(num(c.cpu, Field.CS_SEL), 0x30);
});

Deno.test("protected mode: far transfer faults, and what is not modeled dies", () => {
  const cases: [string, string, number[]][] = [
    ["null selector", "ea 00 00 00 00 00 00", [13, 0]],
    ["a data segment", "ea 00 00 00 00 10 00", [13, 0x10]],
    ["DPL 3 code from CPL 0", "ea 00 00 00 00 20 00", [13, 0x20]],
    ["RPL 3 to non-conforming code at CPL 0", "ea 00 00 00 00 1b 00", [13, 0x18]],
    ["beyond the limit", "ea 00 00 01 00 18 00", [13, 0]],
    ["outside the GDT", "ea 00 00 00 00 40 00", [13, 0x40]],
  ];
  for (const [name, code, want] of cases) {
    const { cpu } = _pm(code);
    assertEquals(cpu.run(10), RunStatus.EXIT, name);
    assertEquals(
      [num(cpu, Field.EXIT_INTR_INFO) & 0xff, num(cpu, Field.EXIT_INTR_CODE)],
      want,
      name,
    );
    assertEquals(num(cpu, Field.CS_SEL), 0x08, name);
  }
  const gate = _pm("ea 00 00 00 00 28 00");
  assertEquals([gate.cpu.run(10), gate.cpu.deadMessage], [
    RunStatus.DEAD,
    "unimplemented far transfer through a call gate",
  ]);
  // RETF to RPL 3 from CPL 0 is a return to an outer level.
  const out = _pm("cb");
  new DataView(out.map.ram.bytes.buffer).setUint32(0x8004, 0x23, true);
  assertEquals([out.cpu.run(10), out.cpu.deadMessage], [
    RunStatus.DEAD,
    "unimplemented return to an outer privilege level",
  ]);
  const nt = _pm("cf");
  nt.cpu.setField(Field.RFLAGS, 0x4002n);
  assertEquals([nt.cpu.run(10), nt.cpu.deadMessage], [RunStatus.DEAD, "unimplemented task switch"]);
});

Deno.test("protected mode: IRET to the same privilege loads CS:EIP and flags by CPL and IOPL", () => {
  const { cpu, map } = _pm("cf");
  const dv = new DataView(map.ram.bytes.buffer);
  dv.setUint32(0x8000, 0x20, true);
  dv.setUint32(0x8004, 0x18, true);
  dv.setUint32(0x8008, 0x3d7fd7, true);
  map.ram.bytes[0x4020] = 0xf4;
  cpu.setField(Field.INTERRUPTIBILITY, 8n);
  _halt(cpu);
  // CPL 0, 32 bits: all but VM load, RF, AC, ID, VIF, VIP and IOPL included.
  assertEquals([num(cpu, Field.RFLAGS).toString(16), num(cpu, Field.CS_SEL), num(cpu, Field.RSP)], [
    "3d7fd7",
    0x18,
    0x800c,
  ]);
  // NMI blocking ends.
  assertEquals(num(cpu, Field.INTERRUPTIBILITY), 0);
});

Deno.test("INT3, INTO and INT1 exit as software and privileged software exceptions with their length", () => {
  const b = _pm("cc");
  assertEquals(b.cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_REASON, Field.EXIT_INTR_INFO, Field.EXIT_INSTR_LEN, Field.RIP].map((f) =>
      num(b.cpu, f)
    ),
    [0, 0x80000603, 1, 0x1000],
  );
  const o = _pm("ce");
  o.cpu.setField(Field.RFLAGS, 0x802n);
  assertEquals(o.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(o.cpu, Field.EXIT_INTR_INFO), num(o.cpu, Field.EXIT_INSTR_LEN)], [
    0x80000604,
    1,
  ]);
  const no = _pm("ce f4");
  _halt(no.cpu);
  const d = _pm("f1");
  assertEquals(d.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(d.cpu, Field.EXIT_INTR_INFO), num(d.cpu, Field.EXIT_INSTR_LEN)], [
    0x80000501,
    1,
  ]);
});

Deno.test("INT n in protected mode goes through an interrupt gate (never the exception bitmap)", () => {
  const { cpu, map } = _pm("cd 40 f4");
  const dv = new DataView(map.ram.bytes.buffer);
  // IDT at 0x5000: vector 0x40 -> 32-bit interrupt gate, selector 8, offset 0x3000, DPL 0.
  dv.setUint32(0x5000 + 0x40 * 8, 0x0008_3000, true);
  dv.setUint32(0x5000 + 0x40 * 8 + 4, 0x0000_8e00, true);
  cpu.setField(Field.IDTR_BASE, 0x5000n);
  cpu.setField(Field.IDTR_LIMIT, 0x7ffn);
  cpu.setField(Field.RFLAGS, 0x202n);
  map.ram.bytes.set([0xcf], 0x3000);
  _halt(cpu);
  assertEquals([num(cpu, Field.RIP), num(cpu, Field.RSP), num(cpu, Field.RFLAGS)], [
    0x1002,
    0x8000,
    0x202,
  ]);
  const dvs = new DataView(map.ram.bytes.buffer);
  assertEquals([0x7ff4, 0x7ff8, 0x7ffc].map((a) => dvs.getUint32(a, true)), [0x1002, 8, 0x202]);
});

/** 64-bit mode with a GDT: 0x08 64-bit code, 0x10 data, 0x18 32-bit code; all exceptions exit. */
function _long(code: string): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code, 0x1000, { pages: 64 });
  identity4(t.map, 0x10000, 64);
  enterLong(t.cpu, 0x10000);
  setGdt(t.cpu, t.map, _GDT, [
    [0, 0],
    descriptor(0, 0xfffff, 0x9b, 0xa),
    descriptor(0, 0xfffff, 0x93),
    descriptor(0, 0xfffff, 0x9b),
  ]);
  t.cpu.setField(Field.CS_SEL, 0x08n);
  t.cpu.setField(Field.SS_SEL, 0x10n);
  t.cpu.setField(Field.EXCEPTION_BITMAP, 0xffff_ffffn);
  return t;
}

Deno.test("64-bit mode: IRETQ and IRETD pop SS:RSP too; far CALL/RET with REX.W; far JMP to compatibility mode", () => {
  const { cpu, map } = _long("48 cf");
  const dv = new DataView(map.ram.bytes.buffer);
  [0x1010n, 0x08n, 0x10282n, 0x6000n, 0x10n].forEach((v, k) =>
    dv.setBigUint64(0x8000 + 8 * k, v, true)
  );
  cpu.setField(Field.SS_SEL, 0n);
  map.ram.bytes[0x1010] = 0xf4;
  _halt(cpu);
  assertEquals(
    [Field.RIP, Field.RSP, Field.SS_SEL, Field.SS_AR, Field.RFLAGS].map((f) => num(cpu, f)),
    [0x1010, 0x6000, 0x10, 0xc093, 0x10282],
  );
  const d = _long("cf");
  const dd = new DataView(d.map.ram.bytes.buffer);
  [0x1010, 0x08, 0x2, 0x6000, 0x10].forEach((v, k) => dd.setUint32(0x8000 + 4 * k, v, true));
  d.map.ram.bytes[0x1010] = 0xf4;
  _halt(d.cpu);
  assertEquals([num(d.cpu, Field.RIP), num(d.cpu, Field.RSP)], [0x1010, 0x6000]);
  // call far qword [0x3000] -> 0x08:0x1020, which returns with RETFQ.
  const c = _long("48 ff 1c 25 00 30 00 00 f4");
  const dc = new DataView(c.map.ram.bytes.buffer);
  dc.setBigUint64(0x3000, 0x1020n, true);
  dc.setUint16(0x3008, 0x08, true);
  c.map.ram.bytes.set([0x48, 0xcb], 0x1020);
  _halt(c.cpu);
  assertEquals([num(c.cpu, Field.RIP), num(c.cpu, Field.RSP)], [0x1008, 0x8000]);
  assertEquals([dc.getBigUint64(0x7ff0, true), dc.getBigUint64(0x7ff8, true)], [0x1008n, 0x08n]);
  // jmp far dword [0x3000] -> 0x18:0x1030, 32-bit code: a 32-bit INC there (40 is not REX).
  const j = _long("ff 2c 25 00 30 00 00");
  const dj = new DataView(j.map.ram.bytes.buffer);
  dj.setUint32(0x3000, 0x1030, true);
  dj.setUint16(0x3004, 0x18, true);
  j.map.ram.bytes.set([0x40, 0xf4], 0x1030);
  _halt(j.cpu);
  assertEquals([num(j.cpu, Field.RIP), num(j.cpu, Field.CS_AR), num(j.cpu, Field.RAX)], [
    0x1031,
    0xc09b,
    1,
  ]);
});
