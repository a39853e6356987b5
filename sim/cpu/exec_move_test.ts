import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith, num } from "./_testing.ts";
import { type Cpu, RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

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
