import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith, hexBytes } from "./_testing.ts";
import { ea, getReg, pop, push, setReg, top } from "./access.ts";
import { ByteSource, decode } from "./decode.ts";
import { Insn } from "./insn.ts";

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
