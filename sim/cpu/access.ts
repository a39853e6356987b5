/**
 * Operand access shared by the handlers: registers by lane and width,
 * effective addresses (SDM vol. 1 §3.7.5; 16-bit forms vol. 2 table 2-1;
 * RIP-relative vol. 2 §2.2.1.6), E operands that are a register or memory,
 * and the stack (vol. 1 §6.2; 64-bit mode §6.2.5 and vol. 3 §3.4.4).
 * Widths are byte counts passed as constants by width-specific handlers,
 * so each folds to one path.
 *
 * 64-bit operands, without BigInt or allocation:
 * - A 64-bit value is two int32 halves. Register n is lanes `2n` (low)
 *   and `2n + 1` (high) of `c.r32`; a 64-bit handler's `i.regX`/`i.rmX`
 *   is that low lane, so it reads `c.r32[x]` and `c.r32[x + 1]` and
 *   writes with `setReg64`. A 32-bit write (`setReg(c, x, 4, v)`) clears
 *   the high half (zero extension); 8- and 16-bit writes keep it.
 * - Functions that return a 64-bit value return the low half and leave the
 *   high half in `HI[0]` (from mem.ts, re-exported here): read it at once,
 *   before the next call that may set it. `readM64`, `rdw(c, lin, 8)`,
 *   `pop64`, `top64` and `ea64` do. A 64-bit immediate is `i.imm` (low)
 *   and `i.immHi` (Iz: its sign extension; Iv: MOV r64, imm64).
 * - Memory: `readM64`/`writeM64` for an E operand; a read-modify-write
 *   takes `lin = linRmw(c, i, 8)`, `rdw(c, lin, 8)` and `wr64(c, lin, lo,
 *   hi)`. Every memory helper works in every mode: in 64-bit mode
 *   effective addresses are 64 bits (32 with 67h), segment bases other
 *   than FS and GS are 0, limits are not checked and a non-canonical
 *   address raises #GP(0), or #SS(0) for SS.
 * - Stack: `push`/`pop`/`top`/`addSp` use RSP whole in 64-bit mode;
 *   `push64`/`pop64`/`top64` move 8 bytes.
 * - Control transfer: `nextRip64(c, i, d)` gives the RIP after `i` plus
 *   `d`, `jump64(c, lo, hi)` makes `hi:lo` the next RIP (#GP(0) if not
 *   canonical).
 *
 * @module
 */

import type { Insn } from "./insn.ts";
import { HI, lin64, linR, linW, rd16, rd32, rd64, rd8, rdN, wr64, wrN } from "./mem.ts";
import { canonical } from "./paging.ts";
import { type CpuState, raise, SS, TLB_SIZE, ZERO_LANE } from "./state.ts";

export { HI };

const _2_32 = 4294967296, _TMASK = TLB_SIZE - 1;

// What a sum in (-2^32, 2^33) carries into the high half: -1, 0 or 1.
function _carry(s: number): number {
  return s < 0 ? -1 : s >= _2_32 ? 1 : 0;
}

/** Value mask of a width in bytes (1, 2, 4). */
export function maskOf(w: number): number {
  return w === 1 ? 0xff : w === 2 ? 0xffff : -1;
}

/** Read the register at lane `x` for width `w` (1, 2, 4). */
export function getReg(c: CpuState, x: number, w: number): number {
  return w === 1 ? c.r8[x] : w === 2 ? c.r16[x] : c.r32[x];
}

/** Write the register at lane `x` for width `w` (1, 2, 4); a 32-bit write clears bits 63:32. */
export function setReg(c: CpuState, x: number, w: number, v: number): void {
  if (w === 1) c.r8[x] = v;
  else if (w === 2) c.r16[x] = v;
  else {
    c.r32[x] = v;
    c.r32[x + 1] = 0;
  }
}

/** Write the 64-bit register whose low lane is `x`. */
export function setReg64(c: CpuState, x: number, lo: number, hi: number): void {
  c.r32[x] = lo;
  c.r32[x + 1] = hi;
}

// 64-bit effective address (also the RIP-relative forms with 67h): low half returned as uint32,
// high half in HI[0].
function _ea64(c: CpuState, i: Insn): number {
  const r = c.r32;
  let lo: number, hi: number;
  if (i.ripRel) {
    // Relative to the next instruction; `c.ip` is the current one in every caller.
    lo = (c.ip + i.len) | 0;
    hi = (c.ipHi + ((lo >>> 0) < (c.ip >>> 0) ? 1 : 0)) | 0;
  } else {
    lo = r[i.base];
    hi = r[i.base + 1];
  }
  const x = i.index;
  if (x !== ZERO_LANE) {
    const s = i.scale, xl = r[x], xh = r[x + 1];
    const al = xl << s, ah = s === 0 ? xh : (xh << s) | (xl >>> (32 - s));
    const t = (lo + al) | 0;
    hi = (hi + ah + ((t >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
    lo = t;
  }
  const d = i.disp, t = (lo + d) | 0;
  HI[0] = i.asz === 4 ? 0 : (hi + (d >> 31) + ((t >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
  return t >>> 0;
}

/**
 * Effective address (offset in the segment) of `i`'s memory operand: its
 * low 32 bits in 64-bit mode (`ea64` gives all 64).
 */
export function ea(c: CpuState, i: Insn): number {
  if (i.asz === 4 && !i.ripRel) return (c.r32[i.base] + (c.r32[i.index] << i.scale) + i.disp) >>> 0;
  if (i.asz === 2) return (c.r16[i.base * 2] + c.r16[i.index * 2] + i.disp) & 0xffff;
  return _ea64(c, i);
}

/** Effective address of `i`'s memory operand as 64 bits: low half (uint32) returned, high in HI[0]. */
export function ea64(c: CpuState, i: Insn): number {
  if (i.asz === 8 || i.ripRel) return _ea64(c, i);
  HI[0] = 0;
  return ea(c, i);
}

/** Linear address of `i`'s memory operand for a read of `w` bytes (limit, type, canonical checks). */
export function linM(c: CpuState, i: Insn, w: number): number {
  if (i.mode !== 64) return linR(c, i.seg, ea(c, i), w);
  const lo = _ea64(c, i);
  return lin64(c, i.seg, lo, HI[0], w);
}

/** Linear address of the memory operand of a write or read-modify-write (write checks). */
export function linRmw(c: CpuState, i: Insn, w: number): number {
  if (i.mode !== 64) return linW(c, i.seg, ea(c, i), w);
  const lo = _ea64(c, i);
  return lin64(c, i.seg, lo, HI[0], w);
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

/** Read the memory operand of `i`, width `w` (1, 2, 4). */
export function readM(c: CpuState, i: Insn, w: number): number {
  // The common case first, in one piece: a dword through 32-bit addressing outside 64-bit
  // mode, within the segment's read limit, on a read-TLB hit inside one page.
  if (w === 4 && i.asz === 4 && i.mode !== 64) {
    const r = c.r32, seg = i.seg, off = (r[i.base] + (r[i.index] << i.scale) + i.disp) >>> 0;
    if (off + 3 <= c.rlim[seg]) {
      const lin = (c.segBase[seg] + off) >>> 0, t = c.tlbR, k = (lin >>> 12) & _TMASK;
      if (t.tag[k] === lin >>> 12 && (lin & 0xfff) <= 0xffc) {
        return t.view[k].getInt32(t.off[k] + (lin & 0xfff), true);
      }
    }
  }
  const lin = linM(c, i, w);
  return w === 1 ? rd8(c, lin) : w === 2 ? rd16(c, lin) : rd32(c, lin);
}

/** Write the memory operand of `i`, width `w` (1, 2, 4). */
export function writeM(c: CpuState, i: Insn, w: number, v: number): void {
  wrN(c, linRmw(c, i, w), w, v);
}

/** Read the 64-bit memory operand of `i`: low half returned, high half in HI[0]. */
export function readM64(c: CpuState, i: Insn): number {
  // The common case first, in one piece: [base + disp] in 64-bit mode without FS/GS, below
  // 4 GiB (so canonical), on a read-TLB hit inside one page.
  if (i.flat64) {
    const r = c.r32, b = i.base, d = i.disp, bl = r[b], lo = (bl + d) | 0;
    const hi = (r[b + 1] + (d >> 31) + ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
    const t = c.tlbR, k = (lo >>> 12) & _TMASK;
    if (hi === 0 && t.tag[k] === lo >>> 12 && (lo & 0xfff) <= 0xff8) {
      const v = t.view[k], o = t.off[k] + (lo & 0xfff);
      HI[0] = v.getInt32(o + 4, true);
      return v.getInt32(o, true);
    }
  }
  return rd64(c, linM(c, i, 8));
}

/** Write the 64-bit memory operand of `i`. */
export function writeM64(c: CpuState, i: Insn, lo: number, hi: number): void {
  wr64(c, linRmw(c, i, 8), lo, hi);
}

// Stack pointer arithmetic in 64-bit mode: RSP + n with the carry into the high half; sets _spHi.
let _spHi = 0;
function _rsp(c: CpuState, n: number): number {
  const s = (c.r32[8] >>> 0) + n;
  _spHi = (c.r32[9] + _carry(s)) | 0;
  return s >>> 0;
}

/** Push `v` of width `w` (2, 4) on the stack (SDM PUSH: the store happens before RSP changes). */
export function push(c: CpuState, w: number, v: number): void {
  if (c.mode === 64) {
    const lo = _rsp(c, -w), hi = _spHi;
    wrN(c, lin64(c, SS, lo, hi, w), w, v);
    setReg64(c, 8, lo, hi);
  } else if (c.spMask === -1) {
    const sp = (c.r32[8] - w) >>> 0;
    wrN(c, linW(c, SS, sp, w), w, v);
    c.r32[8] = sp;
  } else {
    const sp = (c.r16[16] - w) & 0xffff;
    wrN(c, linW(c, SS, sp, w), w, v);
    c.r16[16] = sp;
  }
}

/** Push a 64-bit value (64-bit mode). */
export function push64(c: CpuState, lo: number, hi: number): void {
  const slo = _rsp(c, -8), shi = _spHi;
  wr64(c, lin64(c, SS, slo, shi, 8), lo, hi);
  setReg64(c, 8, slo, shi);
}

/** Read the value of width `w` (1, 2, 4, 8) at the top of the stack without popping it. */
export function top(c: CpuState, w: number): number {
  if (c.mode === 64) return rdN(c, lin64(c, SS, c.r32[8], c.r32[9], w), w);
  const sp = c.spMask === -1 ? c.r32[8] >>> 0 : c.r16[16];
  return rdN(c, linR(c, SS, sp, w), w);
}

/** Read the 64-bit value at the top of the stack: low half returned, high half in HI[0]. */
export function top64(c: CpuState): number {
  return top(c, 8);
}

/** Add `n` to the stack pointer by the stack width (RSP whole in 64-bit mode). */
export function addSp(c: CpuState, n: number): void {
  if (c.mode === 64) setReg64(c, 8, _rsp(c, n), _spHi);
  else if (c.spMask === -1) c.r32[8] = c.r32[8] + n;
  else c.r16[16] = c.r16[16] + n;
}

/** Pop a value of width `w` (2, 4). */
export function pop(c: CpuState, w: number): number {
  const v = top(c, w);
  addSp(c, w);
  return v;
}

/** Pop a 64-bit value: low half returned, high half in HI[0]. */
export function pop64(c: CpuState): number {
  const v = top(c, 8);
  addSp(c, 8);
  return v;
}

/** Low half (int32) of the RIP after `i` plus `d` (int32); the high half in HI[0]. */
export function nextRip64(c: CpuState, i: Insn, d: number): number {
  const s = (c.ip >>> 0) + i.len + d;
  HI[0] = (c.ipHi + _carry(s)) | 0;
  return s | 0;
}

/** Make `hi:lo` the RIP of the next instruction (64-bit mode); #GP(0) if it is not canonical. */
export function jump64(c: CpuState, lo: number, hi: number): void {
  if (!canonical(hi)) raise(c, 13, 0);
  c.next = lo | 0;
  c.ipHi = hi | 0;
}
