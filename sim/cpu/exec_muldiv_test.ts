import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { checkVectors, runOne } from "./_one.ts";
import { hexBytes } from "./_testing.ts";

Deno.test("MUL/IMUL/DIV/IDIV and CBW/CWD vectors (testdata/muldiv.txt)", () => {
  const { bad, count } = checkVectors(
    Deno.readTextFileSync(new URL("./testdata/muldiv.txt", import.meta.url)),
  );
  assertEquals(bad, []);
  assertEquals(count > 2000, true);
});

Deno.test("#DE: divide by zero, quotient overflow, the most negative value by -1; nothing changes", () => {
  const cases: [string, bigint[]][] = [
    ["f6 f1", [0x100n, 0n]], // div cl: 256 / 0
    ["f6 f1", [0x200n, 2n]], // div cl: quotient 256
    ["f6 f9", [0x8000n, 0xffn]], // idiv cl: -32768 / -1
    ["66 f7 f9", [0x8000n, 0xffffn, 0xffffn]], // idiv cx: -2^31 / -1
    ["f7 f9", [0x80000000n, 0xffffffffn, 0xffffffffn]], // idiv ecx: -2^63 / -1
    ["48 f7 f9", [0n, 0xffffffffffffffffn, 0x8000000000000000n]], // idiv rcx: -2^127 / -1
    ["48 f7 f1", [0n, 1n, 1n]], // div rcx: 2^64 / 1
    ["48 f7 f1", [5n, 0n, 0n]], // div rcx: by 0
  ];
  for (const [hex, regs] of cases) {
    const r = runOne(64, hexBytes(hex), { regs, rflags: 0x8d7, mem: new Uint8Array(0) });
    assertEquals([r.exc, r.regs.slice(0, 3), r.rflags & 0x8d5], [
      0,
      [regs[0], regs[1], regs[2] ?? 0n],
      0x8d5,
    ], hex);
  }
});

Deno.test("IDIV rounds toward zero and the remainder takes the dividend's sign", () => {
  // idiv rcx: -7 / 2 = -3 rem -1 (RDX:RAX = -7).
  const r = runOne(64, hexBytes("48 f7 f9"), {
    regs: [BigInt.asUintN(64, -7n), 2n, 0xffffffffffffffffn],
    rflags: 2,
    mem: new Uint8Array(0),
  });
  assertEquals([r.regs[0], r.regs[2]], [BigInt.asUintN(64, -3n), BigInt.asUintN(64, -1n)]);
});
