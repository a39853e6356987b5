/**
 * Operand access shared by the handlers: registers by lane and width,
 * effective addresses (SDM vol. 1 §3.7.5), E operands that are a register or
 * memory, and the stack (SDM vol. 1 §6.2). Widths are byte counts passed as
 * constants by width-specific handlers, so each folds to one path.
 *
 * @module
 */

import type { Insn } from "./insn.ts";
import { linR, linW, rd16, rd32, rd8, rdN, wrN } from "./mem.ts";
import { type CpuState, dead, SS } from "./state.ts";

/** Value mask of a width in bytes (1, 2, 4). */
export function maskOf(w: number): number {
  return w === 1 ? 0xff : w === 2 ? 0xffff : -1;
}

/** Read the register at lane `x` for width `w`. */
export function getReg(c: CpuState, x: number, w: number): number {
  return w === 1 ? c.r8[x] : w === 2 ? c.r16[x] : c.r32[x];
}

/** Write the register at lane `x` for width `w`; a 32-bit write clears bits 63:32. */
export function setReg(c: CpuState, x: number, w: number, v: number): void {
  if (w === 1) c.r8[x] = v;
  else if (w === 2) c.r16[x] = v;
  else {
    c.r32[x] = v;
    c.r32[x + 1] = 0;
  }
}

/** Effective address (offset in the segment) of `i`'s memory operand. */
export function ea(c: CpuState, i: Insn): number {
  if (i.asz === 4) return (c.r32[i.base] + (c.r32[i.index] << i.scale) + i.disp) >>> 0;
  if (i.asz === 2) return (c.r16[i.base * 2] + c.r16[i.index * 2] + i.disp) & 0xffff;
  return dead(c, "unimplemented 64-bit addressing");
}

/** Read the r/m register of `i`, width `w` (the register form of an E operand). */
export function readR(c: CpuState, i: Insn, w: number): number {
  return getReg(c, i.rmX, w);
}

/** Write the r/m register of `i`, width `w`. */
export function writeR(c: CpuState, i: Insn, w: number, v: number): void {
  setReg(c, i.rmX, w, v);
}

/** How a handler reads an E operand: `readR` or `readM`, fixed per handler at decode. */
export type ReadE = (c: CpuState, i: Insn, w: number) => number;
/** How a handler writes an E operand: `writeR` or `writeM`. */
export type WriteE = (c: CpuState, i: Insn, w: number, v: number) => void;

/** Read the memory operand of `i`, width `w`. */
export function readM(c: CpuState, i: Insn, w: number): number {
  const lin = linR(c, i.seg, ea(c, i), w);
  return w === 1 ? rd8(c, lin) : w === 2 ? rd16(c, lin) : rd32(c, lin);
}

/** Write the memory operand of `i`, width `w`. */
export function writeM(c: CpuState, i: Insn, w: number, v: number): void {
  wrN(c, linW(c, i.seg, ea(c, i), w), w, v);
}

/** Linear address of the memory operand of a read-modify-write (write checks). */
export function linRmw(c: CpuState, i: Insn, w: number): number {
  return linW(c, i.seg, ea(c, i), w);
}

/** Push `v` of width `w` on SS:[E]SP (SDM PUSH: the store happens before ESP changes). */
export function push(c: CpuState, w: number, v: number): void {
  if (c.spMask === -1) {
    const sp = (c.r32[8] - w) >>> 0;
    wrN(c, linW(c, SS, sp, w), w, v);
    c.r32[8] = sp;
  } else {
    const sp = (c.r16[16] - w) & 0xffff;
    wrN(c, linW(c, SS, sp, w), w, v);
    c.r16[16] = sp;
  }
}

/** Read the value of width `w` at the top of the stack without popping it. */
export function top(c: CpuState, w: number): number {
  const sp = c.spMask === -1 ? c.r32[8] >>> 0 : c.r16[16];
  return rdN(c, linR(c, SS, sp, w), w);
}

/** Add `n` to [E]SP by the stack width. */
export function addSp(c: CpuState, n: number): void {
  if (c.spMask === -1) c.r32[8] = c.r32[8] + n;
  else c.r16[16] = c.r16[16] + n;
}

/** Pop a value of width `w`. */
export function pop(c: CpuState, w: number): number {
  const v = top(c, w);
  addSp(c, w);
  return v;
}
