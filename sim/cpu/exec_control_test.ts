import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith, num } from "./_testing.ts";
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
