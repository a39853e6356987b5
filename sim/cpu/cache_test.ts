import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith, hexBytes, num } from "./_testing.ts";
import { RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

Deno.test("self-modifying code: a store into the current block takes effect at once", () => {
  // mov byte [0x1008], 0x2a; mov eax, imm32 (its first immediate byte is at 0x1008); hlt
  const { cpu } = cpuWith("c6 05 08 10 00 00 2a b8 00 00 00 00 f4");
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([num(cpu, Field.RAX), num(cpu, Field.EXIT_REASON), cpu.retired], [0x2a, 12, 2]);
});

Deno.test("self-modifying code: a cached block is decoded again after a store into it", () => {
  // 1000: mov eax, 1; hlt.  Run it, patch it from guest code at 0x1100, run it again.
  const { cpu, map } = cpuWith("b8 01 00 00 00 f4");
  map.ram.bytes.set(hexBytes("c6 05 01 10 00 00 07 f4"), 0x1100);
  assertEquals([cpu.run(10), num(cpu, Field.RAX)], [RunStatus.EXIT, 1]);
  const gen = map.ram.pageGen[1];
  cpu.setField(Field.RIP, 0x1100n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(map.ram.pageGen[1], gen + 1);
  cpu.setField(Field.RIP, 0x1000n);
  assertEquals([cpu.run(10), num(cpu, Field.RAX)], [RunStatus.EXIT, 7]);
});

Deno.test("stores to a code page away from the decoded lines keep the decoded code", () => {
  const { cpu, map } = cpuWith("c7 05 00 18 00 00 05 00 00 00 f4");
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([map.ram.pageGen[1], map.ram.codePage[1], map.ram.bytes[0x1800]], [0, 1, 5]);
});

Deno.test("host writes: noteWrite drops decoded code; without it the cache keeps the old code", () => {
  const { cpu, map } = cpuWith("b8 01 00 00 00 f4");
  assertEquals([cpu.run(10), num(cpu, Field.RAX)], [RunStatus.EXIT, 1]);
  map.ram.bytes[0x1001] = 2;
  cpu.setField(Field.RIP, 0x1000n);
  assertEquals([cpu.run(10), num(cpu, Field.RAX)], [RunStatus.EXIT, 1]);
  map.ram.noteWrite(0x1001, 1);
  cpu.setField(Field.RIP, 0x1000n);
  assertEquals([cpu.run(10), num(cpu, Field.RAX)], [RunStatus.EXIT, 2]);
});

Deno.test("blocks: chained hints survive loops; budget splits blocks exactly", () => {
  // 1000: mov ecx, 5; 1005: inc eax; dec ecx; jnz 1005; hlt
  const { cpu } = cpuWith("b9 05 00 00 00 40 49 75 fc f4");
  assertEquals(cpu.run(7), RunStatus.BUDGET);
  assertEquals([num(cpu, Field.RAX), num(cpu, Field.RCX), num(cpu, Field.RIP)], [2, 3, 0x1005]);
  assertEquals(cpu.run(100), RunStatus.EXIT);
  assertEquals([num(cpu, Field.RAX), num(cpu, Field.RCX), cpu.retired], [5, 0, 16]);
});

Deno.test("fetch beyond the CS limit is #GP(0) on the instruction that needs it", () => {
  const { cpu } = cpuWith("90 90 90");
  cpu.setField(Field.CS_LIMIT, 0x1001n);
  cpu.setField(Field.EXCEPTION_BITMAP, 1n << 13n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([num(cpu, Field.EXIT_INTR_INFO), num(cpu, Field.RIP), cpu.retired], [
    0x80000b0d,
    0x1002,
    2,
  ]);
});

Deno.test("an instruction running into a misconfigured page ends the block; it exits when it runs", () => {
  const { cpu, map } = cpuWith("90 b8 01 00 00 00", 0x1ffe);
  map.attr[2] = 7 | (2 << 3);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([
    num(cpu, Field.EXIT_REASON),
    num(cpu, Field.GUEST_PHYSICAL),
    num(cpu, Field.RIP),
    cpu.retired,
  ], [
    49,
    0x2000,
    0x1fff,
    1,
  ]);
});

Deno.test("code fetches go through the fetch TLB: decoding again after a store needs no EPT walk", () => {
  const { cpu, map } = cpuWith("c6 05 0c 10 00 00 02 eb 00 b8 01 00 00 00 f4");
  assertEquals(cpu.run(10), RunStatus.EXIT);
  const walks = map.lookups;
  cpu.setField(Field.RIP, 0x1009n);
  map.ram.noteWrite(0x100a, 1);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals([num(cpu, Field.RAX), map.lookups], [0x20001, walks]);
  cpu.flushTlb();
  cpu.setField(Field.RIP, 0x1009n);
  assertEquals(cpu.run(10), RunStatus.EXIT);
  assertEquals(map.lookups, walks + 1);
});

Deno.test("a loop that rewrites its own first instruction runs the new one on its next pass", () => {
  // 1000: inc eax; mov byte [0x1000], 0x48 (dec eax); inc ecx; cmp ecx, 3; jne 1000; hlt
  for (const jitAfter of [Infinity, 1]) {
    const { cpu } = cpuWith("40 c6 05 00 10 00 00 48 41 83 f9 03 75 f2 f4", 0x1000, { jitAfter });
    assertEquals(cpu.run(100), RunStatus.EXIT);
    assertEquals([num(cpu, Field.RAX), num(cpu, Field.RCX), cpu.retired], [0xffffffff, 3, 15]);
  }
});
