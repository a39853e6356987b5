import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cpuWith, num } from "./_testing.ts";
import { RunStatus } from "./cpu.ts";
import { Field } from "./fields.ts";

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
