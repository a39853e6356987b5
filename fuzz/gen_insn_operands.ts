/**
 * Registers and memory operands for generated instructions, and the memory
 * layout they point into. Every memory access a generated instruction makes
 * lands inside the case's data or stack region, or (rarely, on purpose)
 * straddles a region's end into an unmapped page: the address comes from a
 * pinned register (a pointer the sequence never writes), RIP-relative or
 * absolute addressing, or RSP while its value is known.
 *
 * @module
 */

import { MemoryOperand, Register } from "iced-x86";
import { NATIVE_DATA_ADDR, NATIVE_STACK_ADDR } from "../oracle/mod.ts";
import type { Rng } from "./gen_insn_rng.ts";
import { edgeValue, signExtend } from "./gen_insn_values.ts";

/** Where the data region starts. */
export const DATA_ADDR = NATIVE_DATA_ADDR;
/** Where the stack region starts. */
export const STACK_ADDR = NATIVE_STACK_ADDR;
/** Bytes of stack. */
export const STACK_LEN = 8192;
/** RSP at the start: mid-stack, so that both pushes and pops find memory. */
export const STACK_START = STACK_ADDR + 4096n;
/** Register number of RSP. */
export const RSP = 4;

const _SEGS = [Register.ES, Register.CS, Register.SS, Register.DS];

/**
 * The register numbered `n` (0-15, encoding order) at `bits` bits; with
 * `high`, AH..BH for n = 0-3.
 */
export function gpr(n: number, bits: number, high = false): Register {
  switch (bits) {
    case 8:
      if (high && n < 4) return Register.AH + n;
      if (n < 4) return Register.AL + n;
      return n < 8 ? Register.SPL + n - 4 : Register.R8L + n - 8;
    case 16:
      return Register.AX + n;
    case 32:
      return Register.EAX + n;
    default:
      return Register.RAX + n;
  }
}

/** The number (0-15) of the 64-bit register holding `reg`, or -1 if it is not a GPR. */
export function gprNumber(reg: Register): number {
  if (reg >= Register.AH && reg <= Register.BH) return reg - Register.AH;
  if (reg >= Register.AL && reg <= Register.BL) return reg - Register.AL;
  if (reg >= Register.SPL && reg <= Register.DIL) return reg - Register.SPL + 4;
  if (reg >= Register.R8L && reg <= Register.R15L) return reg - Register.R8L + 8;
  for (const base of [Register.AX, Register.EAX, Register.RAX]) {
    if (reg >= base && reg < base + 16) return reg - base;
  }
  return -1;
}

/** What operand synthesis needs to know about the case so far. */
export interface OperandContext {
  /** The case's random numbers. */
  rng: Rng;
  /** Bit per register the sequence never writes. */
  pinned: number;
  /** Register values at the start (exact for pinned registers). */
  regs: BigUint64Array;
  /** RSP now, if known. */
  rsp: bigint | null;
  /** Length of the data region. */
  dataLen: number;
}

/** A memory operand and the absolute address it reaches. */
export interface MemChoice {
  /** iced-x86's operand (its constructors take ownership). */
  op: MemoryOperand;
  /** The address it reaches. */
  addr: bigint;
}

/**
 * A memory operand for an access of `size` bytes that lands in the data
 * region (or the stack, while RSP is known); `at` forces the region offset.
 * Offsets favour natural alignment, page crossings inside the region, and
 * now and then the region's end (the access then faults part-way).
 */
export function accessMemory(
  ctx: OperandContext,
  size: number,
  at?: number,
): MemChoice {
  const rng = ctx.rng;
  const onStack = at === undefined && ctx.rsp !== null && rng.chance(0.1);
  const len = onStack ? STACK_LEN : ctx.dataLen;
  const start = onStack ? STACK_ADDR : DATA_ADDR;
  const off = at ?? _offset(rng, len, size);
  const addr = start + BigInt(off);
  const seg = rng.chance(0.1) ? rng.pick(_SEGS) : Register.None;
  if (onStack) {
    const rsp = gpr(RSP, rng.chance(0.1) ? 32 : 64);
    return { op: _mem(rsp, Register.None, 1, addr - ctx.rsp!, seg), addr };
  }
  const bases: number[] = [];
  for (let n = 0; n < 16; n++) if (ctx.pinned & (1 << n) && _isPointer(ctx, n)) bases.push(n);
  const indexes: number[] = [];
  for (let n = 0; n < 16; n++) {
    if (ctx.pinned & (1 << n) && n !== RSP && !_isPointer(ctx, n)) indexes.push(n);
  }
  const form = rng.int(10);
  if (bases.length > 0 && form < 6) {
    const b = rng.pick(bases);
    // 32-bit addressing (67 prefix) works too: pointers and index values fit in 32 bits.
    const bits = rng.chance(0.15) ? 32 : 64;
    let index = Register.None, scale = 1, disp = addr - ctx.regs[b];
    if (indexes.length > 0 && rng.chance(0.5)) {
      const x = rng.pick(indexes);
      scale = rng.pick([1, 2, 4, 8]);
      index = gpr(x, bits);
      disp -= BigInt.asIntN(64, ctx.regs[x]) * BigInt(scale);
    }
    return { op: _mem(gpr(b, bits), index, scale, disp, seg), addr };
  }
  if (indexes.length > 0 && form < 7) {
    const x = rng.pick(indexes), scale = rng.pick([1, 2, 4, 8]);
    const disp = addr - BigInt.asIntN(64, ctx.regs[x]) * BigInt(scale);
    return { op: _mem(Register.None, gpr(x, 64), scale, disp, seg), addr };
  }
  if (form < 9) return { op: _mem(Register.RIP, Register.None, 1, addr, seg), addr };
  return { op: _mem(Register.None, Register.None, 1, addr, seg), addr };
}

/**
 * A memory operand that is never accessed (LEA, multi-byte NOP): any base,
 * index, scale and displacement, 64- or 32-bit addressing.
 */
export function freeMemory(rng: Rng): MemoryOperand {
  const bits = rng.chance(0.2) ? 32 : 64;
  const base = rng.chance(0.1)
    ? (bits === 64 ? Register.RIP : Register.None)
    : rng.chance(0.1)
    ? Register.None
    : gpr(rng.int(16), bits);
  const index = rng.chance(0.3) || base === Register.RIP
    ? Register.None
    : gpr(rng.pick([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]), bits);
  const dispBits = rng.pick([8, 32]);
  let disp = signExtend(edgeValue(rng, dispBits), dispBits);
  // A RIP-relative target near the code, so that it stays in reach wherever the code moves.
  if (base === Register.RIP) disp = 0x2000_0000n + BigInt.asIntN(30, disp);
  const seg = rng.chance(0.1) ? rng.pick(_SEGS) : Register.None;
  const scale = index === Register.None ? 1 : rng.pick([1, 2, 4, 8]);
  return _mem(base, index, scale, BigInt.asIntN(64, disp), seg);
}

/** A pinned register is a pointer (base) if it holds an address in the data region. */
function _isPointer(ctx: OperandContext, n: number): boolean {
  const v = ctx.regs[n];
  return v >= DATA_ADDR && v <= DATA_ADDR + BigInt(ctx.dataLen);
}

function _offset(rng: Rng, len: number, size: number): number {
  const r = rng.int(20);
  // Straddles the region's end (a byte access starts just past it): faults part-way.
  if (r < 1) return size > 1 ? len - size + 1 + rng.int(size - 1) : len;
  if (r < 3 && len > 4096) return 4096 - rng.int(size); // crosses a page inside the region
  if (r < 9) return rng.int((len - size) / size + 1) * size; // naturally aligned
  return rng.int(len - size + 1);
}

/** iced-x86's memory operand; the displacement as short as it can be (none, 8 or 32 bits). */
function _mem(
  base: Register,
  index: Register,
  scale: number,
  disp: bigint,
  seg: Register,
): MemoryOperand {
  const d = BigInt.asIntN(64, disp);
  const size = base === Register.None || base === Register.RIP ? 4 : d === 0n ? 0 : 1;
  return new MemoryOperand(base, index, scale, d, size, false, seg);
}
