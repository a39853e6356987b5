import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { checkVectors, DATA_ADDR, runOne } from "./_one.ts";
import { hexBytes } from "./_testing.ts";

Deno.test("BT*, BSF/BSR, POPCNT/TZCNT/LZCNT, BSWAP vectors (testdata/bits.txt)", () => {
  const { bad, count } = checkVectors(
    Deno.readTextFileSync(new URL("./testdata/bits.txt", import.meta.url)),
  );
  assertEquals(bad, []);
  assertEquals(count > 600, true);
});

Deno.test("BT with a register offset reaches memory before and after the operand", () => {
  const mem = new Uint8Array(0x100);
  const at = BigInt(DATA_ADDR + 0x80);
  // bts [rsi], rbx with rbx = -1: bit 63 of the qword at rsi - 8, i.e. bit 7 of byte 0x7f.
  let r = runOne(64, hexBytes("48 0f ab 1e"), {
    regs: [0n, 0n, 0n, BigInt.asUintN(64, -1n), 0n, 0n, at],
    rflags: 2,
    mem,
  });
  assertEquals([r.mem[0x7f], r.rflags & 1], [0x80, 0]);
  // btc word [esi], bx with bx = 0x8000 (-32768 bits): the word 4096 bytes below, in 32-bit mode.
  mem[0x80] = 0xff;
  r = runOne(32, hexBytes("66 0f bb 1e"), {
    regs: [0n, 0n, 0n, 0x8000n, 0n, 0n, at + 0x1000n],
    rflags: 2,
    mem,
  });
  assertEquals([r.mem[0x80], r.rflags & 1], [0xfe, 1]);
  // An immediate offset is masked to the operand size: bt dword [rsi], 33 tests bit 1.
  r = runOne(64, hexBytes("0f ba 26 21"), { regs: [0n, 0n, 0n, 0n, 0n, 0n, at], rflags: 2, mem });
  assertEquals(r.rflags & 1, 1);
});

Deno.test("BSF/BSR with a zero source set ZF and leave the whole register; BSWAP r16 clears it", () => {
  const regs = [0xffffffff12345678n, 0n];
  for (const hex of ["0f bc c1", "0f bd c1", "48 0f bc c1", "66 0f bd c1"]) {
    const r = runOne(64, hexBytes(hex), { regs, rflags: 0x8d7, mem: new Uint8Array(0) });
    assertEquals([r.regs[0], r.rflags & 0x8d5], [regs[0], 0x44], hex);
  }
  const b = runOne(64, hexBytes("66 0f c8"), { regs, rflags: 2, mem: new Uint8Array(0) });
  assertEquals(b.regs[0], 0xffffffff12340000n);
});
