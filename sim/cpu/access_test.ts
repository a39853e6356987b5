import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith, hexBytes } from "./_testing.ts";
import {
  addSp,
  ea,
  ea64,
  getReg,
  HI,
  linRmw,
  pop,
  pop64,
  push,
  push64,
  readM64,
  setReg,
  setReg64,
  top,
  top64,
  writeM64,
} from "./access.ts";
import { ByteSource, decode } from "./decode.ts";
import { Field } from "./fields.ts";
import { Insn } from "./insn.ts";
import { lin64, rd64, rdw, wr64 } from "./mem.ts";
import { DS, FS, GS, SS, STOP, STOP_EXC } from "./state.ts";

function _insn(hex: string, mode = 32): Insn {
  const i = new Insn();
  decode(new ByteSource(hexBytes(hex)), 0, mode, i);
  return i;
}

Deno.test("effective addresses: 32-bit wraps at 4G, 16-bit at 64K", () => {
  const { cpu } = cpuWith("");
  cpu.r32[0] = -16; // eax = 0xfffffff0
  cpu.r32[6] = 0x20; // ebx
  assertEquals(ea(cpu, _insn("8b 44 58 08")), 0x38);
  cpu.r16[12] = 0xfff0; // bx
  cpu.r16[24] = 0x20; // si
  assertEquals(ea(cpu, _insn("8b 40 08", 16)), 0x18);
});

Deno.test("registers by lane and width", () => {
  const { cpu } = cpuWith("");
  setReg(cpu, 0, 4, 0x11223344);
  setReg(cpu, 1, 1, 0xaa);
  setReg(cpu, 0, 2, 0xbbcc);
  assertEquals([getReg(cpu, 0, 4) >>> 0, getReg(cpu, 0, 1), getReg(cpu, 1, 1)], [
    0x1122bbcc,
    0xcc,
    0xbb,
  ]);
  cpu.r32[1] = 7;
  setReg(cpu, 0, 4, 1);
  assertEquals(cpu.r32[1], 0);
});

Deno.test("push, top, pop", () => {
  const { cpu } = cpuWith("");
  cpu.r32[8] = 0x8000;
  push(cpu, 4, 0x12345678);
  push(cpu, 2, 0xabcd);
  assertEquals([cpu.r32[8], top(cpu, 2), pop(cpu, 2), pop(cpu, 4), cpu.r32[8]], [
    0x7ffa,
    0xabcd,
    0xabcd,
    0x12345678,
    0x8000,
  ]);
});

Deno.test("16-bit ModRM addressing: every base/index pair, disp16 alone, SS for BP", () => {
  const { cpu } = cpuWith("");
  const set = (r: number, v: number) => (cpu.r16[r * 4] = v);
  set(3, 0x1000); // bx
  set(5, 0x2000); // bp
  set(6, 0x0030); // si
  set(7, 0x0004); // di
  const forms: [string, number, number][] = [
    ["8b 00", 0x1030, DS], // [bx+si]
    ["8b 01", 0x1004, DS], // [bx+di]
    ["8b 02", 0x2030, SS], // [bp+si]
    ["8b 03", 0x2004, SS], // [bp+di]
    ["8b 04", 0x0030, DS], // [si]
    ["8b 05", 0x0004, DS], // [di]
    ["8b 06 34 12", 0x1234, DS], // [disp16]
    ["8b 07", 0x1000, DS], // [bx]
    ["8b 46 fe", 0x1ffe, SS], // [bp-2]
    ["8b 87 00 f0", 0x0000, DS], // [bx+0xf000] wraps
    ["3e 8b 46 00", 0x2000, DS], // DS: overrides BP's SS
  ];
  assertEquals(
    forms.map(([hex]) => {
      const i = _insn(hex, 16);
      return [hex, ea(cpu, i), i.seg];
    }),
    forms,
  );
  // 67h: 32-bit addressing in 16-bit code, [ebp+8] with EBP = 0x2000.
  const e = _insn("67 8b 45 08", 16);
  assertEquals([ea(cpu, e), e.seg], [0x2008, SS]);
});

Deno.test("64-bit effective addresses: REX registers, carries into bits 63:32, 67h truncates, RIP-relative", () => {
  const { cpu } = cpuWith("");
  setReg64(cpu, 24, 0xfffffff0 | 0, 1); // r12
  setReg64(cpu, 26, 0x20, 0); // r13
  assertEquals([ea64(cpu, _insn("43 8b 04 2c", 64)), HI[0]], [0x10, 2]);
  setReg64(cpu, 0, 0, 0);
  setReg64(cpu, 6, 0, 0);
  assertEquals([ea64(cpu, _insn("8b 44 58 f0", 64)), HI[0]], [0xfffffff0, -1]);
  // [r8*8] with no base; a negative disp32 is sign-extended.
  setReg64(cpu, 16, 0x20000000, 0);
  assertEquals([ea64(cpu, _insn("4a 8b 04 c5 00 00 00 00", 64)), HI[0]], [0, 1]);
  assertEquals([ea64(cpu, _insn("4a 8b 04 c5 f8 ff ff ff", 64)), HI[0]], [0xfffffff8, 0]);
  // 67h: 32-bit registers, the sum cut to 32 bits.
  setReg64(cpu, 0, 0, 1);
  assertEquals([ea64(cpu, _insn("67 8b 44 58 f0", 64)), HI[0]], [0xfffffff0, 0]);
  // RIP-relative: from the next instruction, with RIP's high half; 67h cuts it to 32 bits.
  cpu.ip = 0x1000;
  assertEquals([ea64(cpu, _insn("8b 05 10 00 00 00", 64)), HI[0]], [0x1016, 0]);
  cpu.ip = 0xfffffff0 | 0;
  cpu.ipHi = 1;
  assertEquals([ea64(cpu, _insn("8b 05 10 00 00 00", 64)), HI[0]], [6, 2]);
  assertEquals([ea64(cpu, _insn("67 8b 05 f0 ff ff ff", 64)), HI[0]], [0xffffffe7, 0]);
  // Outside 64-bit mode the high half is 0.
  assertEquals([ea64(cpu, _insn("8b 44 58 f0")), HI[0]], [0xfffffff0 >>> 0, 0]);
});

Deno.test("64-bit mode: FS/GS bases, canonical checks on both ends, the stack as RSP", () => {
  const { cpu, map } = cpuWith("");
  cpu.mode = 64;
  cpu.setField(Field.FS_BASE, 0xffffffffn);
  assertEquals(lin64(cpu, FS, 0x1001, 0, 4), 0x100001000);
  cpu.setField(Field.GS_BASE, 0xffff800000000000n);
  assertEquals(lin64(cpu, GS, 0, 0, 8), 0x800000000000);
  const fault = (seg: number, lo: number, hi: number, size: number) => {
    try {
      lin64(cpu, seg, lo, hi, size);
      return "ok";
    } catch (x) {
      if (x !== STOP || cpu.stopKind !== STOP_EXC) throw x;
      return `#${cpu.excVector}(${cpu.excCode})`;
    }
  };
  assertEquals(fault(DS, 0, 0x8000, 1), "#13(0)");
  assertEquals(fault(SS, 0, 0x8000, 1), "#12(0)");
  assertEquals(fault(DS, 0xfffffffc, 0x7fff, 8), "#13(0)");
  assertEquals(fault(DS, 0xfffffffc, -1, 8), "ok");
  assertEquals(fault(DS, 0xffffffff, 0x7fff, 1), "ok");
  // push/pop use all of RSP; a 64-bit push stores both halves.
  setReg64(cpu, 8, 0x8000, 0);
  push64(cpu, 0x11223344, 0x55667788);
  push(cpu, 2, 0xabcd);
  assertEquals([cpu.r32[8], cpu.r32[9], top(cpu, 2)], [0x7ff6, 0, 0xabcd]);
  assertEquals(Array.from(map.ram.bytes.slice(0x7ff8, 0x8000)), [
    0x44,
    0x33,
    0x22,
    0x11,
    0x88,
    0x77,
    0x66,
    0x55,
  ]);
  addSp(cpu, 2);
  assertEquals([top64(cpu), HI[0]], [0x11223344, 0x55667788]);
  assertEquals([pop64(cpu), HI[0], cpu.r32[8]], [0x11223344, 0x55667788, 0x8000]);
  setReg64(cpu, 8, 4, 1);
  addSp(cpu, -8);
  assertEquals([cpu.r32[8] >>> 0, cpu.r32[9]], [0xfffffffc, 0]);
  setReg64(cpu, 8, 0x10, 0x8000);
  cpu.excVector = 0;
  try {
    push64(cpu, 1, 2);
  } catch (x) {
    if (x !== STOP) throw x;
  }
  assertEquals([cpu.excVector, cpu.excCode, cpu.r32[9]], [12, 0, 0x8000]);
});

Deno.test("64-bit memory operands: readM64, writeM64, read-modify-write halves", () => {
  const { cpu, map } = cpuWith("");
  cpu.mode = 64;
  setReg64(cpu, 6, 0x5000, 0); // rbx
  const i = _insn("48 8b 03", 64);
  writeM64(cpu, i, 0x01020304, 0x05060708 | 0);
  assertEquals([readM64(cpu, i), HI[0]], [0x01020304, 0x05060708]);
  const lin = linRmw(cpu, i, 8);
  assertEquals([rdw(cpu, lin, 8), HI[0], lin], [0x01020304, 0x05060708, 0x5000]);
  wr64(cpu, 0x5ffc, 0x11111111, 0x22222222);
  assertEquals([rd64(cpu, 0x5ffc), HI[0]], [0x11111111, 0x22222222]);
  assertEquals(Array.from(map.ram.bytes.slice(0x5ffc, 0x6004)), [
    0x11,
    0x11,
    0x11,
    0x11,
    0x22,
    0x22,
    0x22,
    0x22,
  ]);
});
