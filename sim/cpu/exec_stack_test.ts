import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { enterLong, identity4 } from "./_paging_testing.ts";
import { enterReal } from "./_seg_testing.ts";
import { cpuWith, num, type TestMap } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

/** A vCPU in 64-bit mode over identity-mapped page tables, code at 0x1000, RSP 0x8000. */
function _long(code: string): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code, 0x1000, { pages: 64 });
  identity4(t.map, 0x10000, 64);
  enterLong(t.cpu, 0x10000);
  return t;
}

function _u32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer).getUint32(at, true);
}

Deno.test("PUSH and POP: registers, immediates, memory, ESP itself", () => {
  // push eax; push -2 (6a fe); push 0x12345678; push dword [0x5000]; push esp; pop ebx; pop ecx; pop [0x5004]; pop edx; pop esi
  const { cpu, map } = cpuWith(
    "50 6a fe 68 78 56 34 12 ff 35 00 50 00 00 54 5b 59 8f 05 04 50 00 00 5a 5e f4",
  );
  map.ram.bytes.set([0xef, 0xbe, 0xad, 0xde], 0x5000);
  cpu.setField(Field.RAX, 0xaaaan);
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals(
    [Field.RBX, Field.RCX, Field.RDX, Field.RSI, Field.RSP].map((f) => num(cpu, f)),
    [0x8000 - 16, 0xdeadbeef, 0xfffffffe, 0xaaaa, 0x8000],
  );
  assertEquals(_u32(map.ram.bytes, 0x5004), 0x12345678);
});

Deno.test("POP [ESP+n] addresses with the incremented ESP; POP ESP loads the popped value", () => {
  const { cpu, map } = cpuWith("8f 44 24 04 5c f4");
  cpu.setField(Field.RSP, 0x7ff0n);
  map.ram.bytes.set([0x11, 0, 0, 0, 0x22, 0, 0, 0, 0x33, 0, 0, 0], 0x7ff0);
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals(_u32(map.ram.bytes, 0x7ff8), 0x11);
  assertEquals(num(cpu, Field.RSP), 0x22);
});

Deno.test("a 16-bit stack (SS.B = 0) moves SP only and wraps; a faulting push leaves ESP", () => {
  const { cpu, map } = cpuWith("66 50 50 f4");
  cpu.setField(Field.SS_AR, 0x8093n);
  cpu.setField(Field.RSP, 0xabcd0002n);
  cpu.setField(Field.RAX, 0x11223344n);
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals(num(cpu, Field.RSP), 0xabcdfffc);
  assertEquals([map.ram.bytes[0], map.ram.bytes[1], _u32(map.ram.bytes, 0xfffc)], [
    0x44,
    0x33,
    0x11223344,
  ]);
  const f = cpuWith("50 f4");
  f.map.attr[7] = 0;
  assertEquals(f.cpu.run(10), RunStatus.EXIT);
  assertEquals([
    num(f.cpu, Field.EXIT_REASON),
    num(f.cpu, Field.RSP),
    num(f.cpu, Field.GUEST_PHYSICAL),
  ], [
    48,
    0x8000,
    0x7ffc,
  ]);
});

/** A vCPU in real mode: CS base 0x1000 (code at 0x1000, IP 0), a 16-bit stack at SP 0x8000. */
function _real(code: string): { cpu: Cpu; map: TestMap } {
  const t = cpuWith(code);
  enterReal(t.cpu);
  return t;
}

function _halt(cpu: Cpu): void {
  assertEquals(cpu.run(100), RunStatus.EXIT, cpu.deadMessage);
  assertEquals(num(cpu, Field.EXIT_REASON), 12);
}

// POPF/POPFD at a privilege: [name, code, CPL (-1 real mode), RFLAGS before, popped, after].
const _POPF: [string, string, number, number, number, number][] = [
  ["CPL 0 loads IOPL and IF, never RF VM VIF VIP", "9d", 0, 0x2, 0xffffffff, 0x247fd7],
  ["real mode as CPL 0", "66 9d", -1, 0x2, 0xffffffff, 0x247fd7],
  ["CPL 3 > IOPL keeps IOPL and IF", "9d", 3, 0x202, 0, 0x202],
  ["CPL 3 = IOPL 3 loads IF, keeps IOPL", "9d", 3, 0x3002, 0x200, 0x3202],
  ["CPL 3 = IOPL 3 clears IF", "9d", 3, 0x3202, 0, 0x3002],
  ["a 32-bit POPF clears RF", "9d", 0, 0x10002, 0, 0x2],
  ["VIF and VIP are untouched", "9d", 0, 0x180002, 0, 0x180002],
  ["AC and ID are writable", "9d", 0, 0x2, 0x240000, 0x240002],
  ["reserved bits: 1 stays set, 3 5 15 22-31 stay clear", "9d", 0, 0x2, 0xffc08028, 0x2],
  ["a 16-bit POPF keeps bits 31:16 (RF, AC, ID)", "66 9d", 0, 0x250002, 0xffff, 0x257fd7],
  ["a 16-bit POPF at CPL 3 > IOPL keeps IF too", "66 9d", 3, 0x200, 0x0cd5, 0x0ed7],
];

Deno.test("POPF: which flags load, by privilege, mode and operand size", () => {
  for (const [name, code, cpl, before, popped, after] of _POPF) {
    // CPUID exits at any CPL (HLT would #GP at CPL 3).
    const { cpu, map } = cpl < 0 ? _real(code + " 0f a2") : cpuWith(code + " 0f a2");
    if (cpl === 3) {
      cpu.setField(Field.SS_AR, 0xc0f3n);
      cpu.setField(Field.CS_AR, 0xc0fbn);
    }
    cpu.setField(Field.RFLAGS, BigInt(before));
    new DataView(map.ram.bytes.buffer).setUint32(0x8000, popped, true);
    assertEquals([cpu.run(10), num(cpu, Field.EXIT_REASON)], [RunStatus.EXIT, 10], name);
    assertEquals(num(cpu, Field.RFLAGS).toString(16), after.toString(16), name);
    const wide = (code === "9d") !== (cpl < 0);
    assertEquals(num(cpu, Field.RSP), wide ? 0x8004 : 0x8002, name);
  }
});

Deno.test("PUSHF clears VM and RF in the image; POPF setting TF traps after the next instruction", () => {
  const { cpu, map } = cpuWith("9c 66 9c f4");
  cpu.setField(Field.RFLAGS, 0x10ad7n);
  _halt(cpu);
  assertEquals([_u32(map.ram.bytes, 0x7ffc), map.ram.bytes[0x7ffa] | map.ram.bytes[0x7ffb] << 8], [
    0xad7,
    0xad7,
  ]);
  const t = cpuWith("9d 90 90 f4");
  new DataView(t.map.ram.bytes.buffer).setUint32(0x8000, 0x102, true);
  assertEquals(t.cpu.run(100), RunStatus.EXIT);
  assertEquals([num(t.cpu, Field.EXIT_INTR_INFO), num(t.cpu, Field.RIP)], [0x80000301, 0x1002]);
});

Deno.test("PUSHAD and POPAD: the order, the pushed ESP, and POPAD skipping ESP", () => {
  const { cpu, map } = cpuWith("60 31 c0 31 c9 31 d2 31 db 31 ed 31 f6 31 ff 61 f4");
  [1, 2, 3, 4, 0, 6, 7, 8].forEach((v, r) => {
    if (r !== 4) cpu.setField(r as Field, BigInt(v));
  });
  _halt(cpu);
  const words = Array.from({ length: 8 }, (_, k) => _u32(map.ram.bytes, 0x7fe0 + 4 * k));
  assertEquals(words, [8, 7, 6, 0x8000, 4, 3, 2, 1]);
  assertEquals(
    [Field.RAX, Field.RCX, Field.RDX, Field.RBX, Field.RSP, Field.RBP, Field.RSI, Field.RDI].map((
      f,
    ) => num(cpu, f)),
    [1, 2, 3, 4, 0x8000, 6, 7, 8],
  );
  // PUSHA (16-bit) and a POPA that faults change no register.
  const w = cpuWith("66 60 f4");
  w.cpu.setField(Field.RAX, 0xaaaa5555n);
  _halt(w.cpu);
  assertEquals([num(w.cpu, Field.RSP), w.map.ram.bytes[0x7ffe], w.map.ram.bytes[0x7fff]], [
    0x7ff0,
    0x55,
    0x55,
  ]);
  const f = cpuWith("61 f4");
  f.cpu.setField(Field.RSP, 0x7ff0n);
  f.map.attr[8] = 0;
  assertEquals(f.cpu.run(10), RunStatus.EXIT);
  assertEquals([num(f.cpu, Field.EXIT_REASON), num(f.cpu, Field.RSP), num(f.cpu, Field.RDI)], [
    48,
    0x7ff0,
    0,
  ]);
});

Deno.test("ENTER at nesting levels 0, 1 and 3; LEAVE undoes it", () => {
  const { cpu, map } = cpuWith("c8 10 00 03 f4 c9 f4");
  cpu.setField(Field.RBP, 0x9000n);
  const dv = new DataView(map.ram.bytes.buffer);
  dv.setUint32(0x8ffc, 0x1111, true);
  dv.setUint32(0x8ff8, 0x2222, true);
  _halt(cpu);
  assertEquals(
    [0x7ffc, 0x7ff8, 0x7ff4, 0x7ff0].map((a) => dv.getUint32(a, true)),
    [0x9000, 0x1111, 0x2222, 0x7ffc],
  );
  assertEquals([num(cpu, Field.RBP), num(cpu, Field.RSP)], [0x7ffc, 0x7fe0]);
  cpu.setField(Field.RIP, 0x1005n);
  _halt(cpu);
  assertEquals([num(cpu, Field.RBP), num(cpu, Field.RSP)], [0x9000, 0x8000]);
  const cases: [string, number, number][] = [["c8 08 00 00", 0x7ffc, 0x7ff4], [
    "c8 00 00 21",
    0x7ffc,
    0x7ff8,
  ]];
  for (const [code, bp, sp] of cases) {
    const t = cpuWith(`${code} f4`);
    t.cpu.setField(Field.RBP, 0x9000n);
    _halt(t.cpu);
    assertEquals([num(t.cpu, Field.RBP), num(t.cpu, Field.RSP)], [bp, sp], code);
  }
  // 16-bit ENTER with a 32-bit stack: BP gets the frame, ESP moves.
  const h = cpuWith("66 c8 04 00 00 f4");
  h.cpu.setField(Field.RBP, 0x12345678n);
  _halt(h.cpu);
  assertEquals([num(h.cpu, Field.RBP), num(h.cpu, Field.RSP)], [0x12347ffe, 0x7ffa]);
});

Deno.test("ENTER probes the final stack pointer for a write; the fault changes no register", () => {
  const { cpu, map } = cpuWith("c8 00 20 00 f4");
  cpu.setField(Field.RBP, 0x9000n);
  map.attr[5] = 0;
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(
    [Field.EXIT_REASON, Field.EXIT_QUALIFICATION, Field.GUEST_LINEAR, Field.RSP, Field.RBP].map((
      f,
    ) => num(cpu, f)),
    [48, 0x182, 0x5ffc, 0x8000, 0x9000],
  );
});

Deno.test("PUSH and POP of segment registers; POP SS blocks interrupts for one instruction", () => {
  const { cpu, map } = cpuWith("1e 66 0e f4");
  cpu.setField(Field.DS_SEL, 0x1234n);
  cpu.setField(Field.CS_SEL, 0x8n);
  map.ram.bytes.fill(0xaa, 0x7ff0, 0x8000);
  _halt(cpu);
  // A 32-bit push moves ESP by 4 and writes 16 bits.
  assertEquals(Array.from(map.ram.bytes.slice(0x7ffa, 0x8000)), [8, 0, 0x34, 0x12, 0xaa, 0xaa]);
  assertEquals(num(cpu, Field.RSP), 0x7ffa);
  const r = _real("1f 17 90 f4");
  new DataView(r.map.ram.bytes.buffer).setUint32(0x8000, 0x0020_2000, true);
  assertEquals(r.cpu.run(1), RunStatus.BUDGET);
  assertEquals([num(r.cpu, Field.DS_SEL), num(r.cpu, Field.DS_BASE)], [0x2000, 0x20000]);
  assertEquals(r.cpu.run(1), RunStatus.BUDGET);
  assertEquals([num(r.cpu, Field.SS_SEL), num(r.cpu, Field.SS_BASE)], [0x20, 0x200]);
  assertEquals([num(r.cpu, Field.INTERRUPTIBILITY), num(r.cpu, Field.RSP)], [2, 0x8004]);
  assertEquals(r.cpu.run(1), RunStatus.BUDGET);
  assertEquals(num(r.cpu, Field.INTERRUPTIBILITY), 0);
  // POP FS/GS exist with 0F A1/A9; there is no POP CS.
  const g = _real("0f a9 f4");
  new DataView(g.map.ram.bytes.buffer).setUint16(0x8000, 0x40, true);
  _halt(g.cpu);
  assertEquals([num(g.cpu, Field.GS_SEL), num(g.cpu, Field.GS_BASE)], [0x40, 0x400]);
});

Deno.test("64-bit mode: PUSH/POP of 8 bytes, PUSH imm sign-extended, PUSHFQ, PUSH FS; PUSH ES is #UD", () => {
  const { cpu, map } = _long("41 50 6a ff 9c 0f a0 66 50 41 5f 58 f4");
  cpu.setField(Field.R8, 0x1122_3344_5566_7788n);
  cpu.setField(Field.RAX, 0xffff_0000_aaaa_bbbbn);
  cpu.setField(Field.FS_SEL, 0x33n);
  _halt(cpu);
  const dv = new DataView(map.ram.bytes.buffer);
  assertEquals(dv.getBigUint64(0x7ff8, true), 0x1122_3344_5566_7788n);
  assertEquals(dv.getBigUint64(0x7ff0, true), 0xffff_ffff_ffff_ffffn);
  assertEquals(dv.getBigUint64(0x7fe8, true), 0x2n);
  assertEquals(dv.getUint16(0x7fe0, true), 0x33);
  // pop r15 takes the 16-bit push and 6 bytes of FS's slot; pop rax the slot's rest and the flags.
  assertEquals([cpu.getField(Field.R15), cpu.getField(Field.RAX), num(cpu, Field.RSP)], [
    0x33_bbbbn,
    0x2_0000n,
    0x7fee,
  ]);
  const u = _long("06");
  u.cpu.setField(Field.EXCEPTION_BITMAP, 1n << 6n);
  assertEquals(u.cpu.run(10), RunStatus.EXIT);
  assertEquals(num(u.cpu, Field.EXIT_INTR_INFO), 0x80000306);
});
