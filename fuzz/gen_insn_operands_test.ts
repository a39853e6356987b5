import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { Code, Decoder, DecoderOptions, Encoder, Instruction, Register } from "iced-x86";
import {
  accessMemory,
  DATA_ADDR,
  freeMemory,
  gpr,
  gprNumber,
  type OperandContext,
  STACK_ADDR,
  STACK_START,
} from "./gen_insn_operands.ts";
import { Rng } from "./gen_insn_rng.ts";

Deno.test("gpr and gprNumber agree for every width, high bytes included", () => {
  for (let n = 0; n < 16; n++) {
    for (const bits of [8, 16, 32, 64]) assertEquals(gprNumber(gpr(n, bits)), n);
  }
  assertEquals([gpr(0, 8, true), gpr(3, 8, true), gpr(4, 8, true)], [
    Register.AH,
    Register.BH,
    Register.SPL,
  ]);
  assertEquals([gprNumber(Register.AH), gprNumber(Register.BH)], [0, 3]);
  assertEquals([gprNumber(Register.RIP), gprNumber(Register.ES), gprNumber(Register.None)], [
    -1,
    -1,
    -1,
  ]);
});

/** The effective address of the one memory operand of `bytes`, given `regs`. */
function _ea(bytes: Uint8Array, regs: BigUint64Array): bigint {
  const d = new Decoder(64, bytes, DecoderOptions.None);
  d.ip = 0x2000_0000n;
  const i = d.decode();
  d.free();
  if (i.isIpRelMemoryOperand) return i.ipRelMemoryAddress;
  const val = (r: Register, bits: number) => {
    if (r === Register.None) return 0n;
    return BigInt.asUintN(bits, regs[gprNumber(r)]);
  };
  const bits =
    i.memoryBase !== Register.None && i.memoryBase >= Register.EAX && i.memoryBase < Register.RAX
      ? 32
      : i.memoryIndex >= Register.EAX && i.memoryIndex < Register.RAX
      ? 32
      : 64;
  const ea = val(i.memoryBase, bits) + val(i.memoryIndex, bits) * BigInt(i.memoryIndexScale) +
    i.memoryDisplacementU64;
  i.free();
  return BigInt.asUintN(bits, ea);
}

Deno.test("accessMemory: every form reaches the address it reports", () => {
  const rng = new Rng(11, 0);
  const regs = new BigUint64Array(16);
  regs[3] = DATA_ADDR + 0x100n; // a pointer
  regs[13] = DATA_ADDR + 0xf00n; // a pointer needing a displacement byte as base
  regs[9] = BigInt.asUintN(64, -5n); // an index
  regs[4] = STACK_START;
  const ctx: OperandContext = {
    rng,
    pinned: (1 << 3) | (1 << 13) | (1 << 9),
    regs,
    rsp: STACK_START,
    dataLen: 4096,
  };
  const enc = new Encoder(64);
  for (let k = 0; k < 400; k++) {
    const size = rng.pick([1, 2, 4, 8]);
    const m = accessMemory(ctx, size);
    const inData = m.addr >= DATA_ADDR && m.addr <= DATA_ADDR + 4096n; // the end: a fault
    const inStack = m.addr >= STACK_ADDR && m.addr <= STACK_ADDR + 8192n;
    ok(inData || inStack, `0x${m.addr.toString(16)}`);
    const i = Instruction.createRegMem(Code.Mov_r64_rm64, Register.RAX, m.op);
    enc.encode(i, 0x2000_0000n);
    assertEquals(_ea(enc.takeBuffer(), regs), m.addr);
    i.free();
  }
  const at = accessMemory(ctx, 4, 0x40);
  assertEquals(at.addr, DATA_ADDR + 0x40n);
  at.op.free();
  enc.free();
});

Deno.test("freeMemory: always encodable in an LEA", () => {
  const rng = new Rng(12, 0);
  const enc = new Encoder(64);
  for (let k = 0; k < 300; k++) {
    const i = Instruction.createRegMem(Code.Lea_r64_m, Register.RAX, freeMemory(rng));
    ok(enc.encode(i, 0x2000_0000n) > 0);
    i.free();
  }
  enc.free();
});
