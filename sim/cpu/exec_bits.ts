/**
 * Bit instructions (SDM vol. 2: BT BTS BTR BTC, BSF BSR, POPCNT, LZCNT
 * TZCNT, BSWAP) at 16, 32 and 64 bits.
 *
 * BT* with a register bit offset and a memory operand address the bit
 * string beyond the operand: the offset is signed, and the operand-size
 * unit holding the bit is at EA + size * (offset SAR log2(bits)), wrapped
 * to the address size (SDM BT "Operation" and the note on memory access).
 * Immediate offsets are masked to the operand size. Only CF is written;
 * OF SF AF PF (undefined) and ZF are left unchanged.
 *
 * BSF/BSR with a zero source set ZF and leave the whole destination
 * register unchanged (AMD documents this; Intel calls the destination
 * undefined); CF OF SF AF are cleared and PF follows the result (the index,
 * or 0 for a zero source). BSWAP of a 16-bit register clears it.
 *
 * @module
 */

import { ea, ea64, getReg, HI, linM, maskOf, readM, readM64, setReg } from "./access.ts";
import { getFlags, PARITY } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { lin64, linR, linW, rd64, rdN, rdw, wr64, wrN } from "./mem.ts";
import { ARITH, CF, ZF } from "./operands.ts";
import type { CpuState } from "./state.ts";

function _setCF(c: CpuState, bit: number): void {
  const f = getFlags(c);
  c.flags = bit ? f | CF : f & ~CF;
  c.fop = 0;
}

/** Apply BT (sub 0), BTS (1), BTR (2) or BTC (3) to bit `k` of `v`; sets CF, returns the new value. */
function _bt(c: CpuState, sub: number, v: number, k: number): number {
  const m = 1 << k;
  _setCF(c, v & m);
  return sub === 1 ? v | m : sub === 2 ? v & ~m : sub === 3 ? v ^ m : v;
}

// 0F BA /4-/7 take an imm8 offset; 0F A3/AB/B3/BB a register offset.
function _immForm(i: Insn): boolean {
  return (i.opc & 0xff) === 0xba;
}

function _btR(c: CpuState, i: Insn, w: number): void {
  const k = (_immForm(i) ? i.imm : getReg(c, i.regX, w)) & (w * 8 - 1);
  const v = getReg(c, i.rmX, w);
  const r = _bt(c, i.sub, v, k);
  if (i.sub !== 0) setReg(c, i.rmX, w, r & maskOf(w));
}

function _btR64(c: CpuState, i: Insn): void {
  const k = (_immForm(i) ? i.imm : c.r32[i.regX]) & 63;
  const x = i.rmX + (k >> 5);
  c.r32[x] = _bt(c, i.sub, c.r32[x], k & 31);
}

/**
 * Linear address of the `w`-byte unit holding the bit of `i`'s memory
 * operand, and the bit's index in it (returned through `_bitK`).
 */
let _bitK = 0;
function _bitLin(c: CpuState, i: Insn, w: number, write: boolean): number {
  const bits = w * 8;
  if (_immForm(i)) {
    _bitK = i.imm & (bits - 1);
    return write ? _linWrite(c, i, w) : linM(c, i, w);
  }
  // Signed offset: whole units of `w` bytes to move, then the bit within the unit.
  let dl: number, dh: number;
  if (w === 8) {
    const ol = c.r32[i.regX], oh = c.r32[i.regX + 1];
    _bitK = ol & 63;
    // (offset SAR 6) * 8 = offset SAR 3 with the low three bits cleared.
    dl = ((ol >>> 3) | (oh << 29)) & ~7;
    dh = oh >> 3;
  } else {
    const o = w === 2 ? (c.r16[i.regX] << 16) >> 16 : c.r32[i.regX];
    _bitK = o & (bits - 1);
    dl = (o >> (w === 2 ? 4 : 5)) * w;
    dh = dl >> 31;
  }
  if (i.mode !== 64) {
    const off = i.asz === 2 ? (ea(c, i) + dl) & 0xffff : (ea(c, i) + dl) >>> 0;
    return write ? linW(c, i.seg, off, w) : linR(c, i.seg, off, w);
  }
  const lo = ea64(c, i), s = lo + (dl >>> 0);
  let hi = (HI[0] + dh + (s >= 4294967296 ? 1 : 0)) | 0;
  if (i.asz === 4) hi = 0;
  return lin64(c, i.seg, s >>> 0, hi, w);
}

function _linWrite(c: CpuState, i: Insn, w: number): number {
  if (i.mode !== 64) return linW(c, i.seg, ea(c, i), w);
  const lo = ea64(c, i);
  return lin64(c, i.seg, lo, HI[0], w);
}

function _btM(c: CpuState, i: Insn, w: number): void {
  if (i.sub === 0) {
    const lin = _bitLin(c, i, w, false);
    _bt(c, 0, rdN(c, lin, w), _bitK);
    return;
  }
  const lin = _bitLin(c, i, w, true);
  const v = rdw(c, lin, w);
  wrN(c, lin, w, _bt(c, i.sub, v, _bitK) & maskOf(w));
}

function _btM64(c: CpuState, i: Insn): void {
  const lin = _bitLin(c, i, 8, i.sub !== 0);
  const lo = i.sub === 0 ? rd64(c, lin) : rdw(c, lin, 8), hi = HI[0];
  const k = _bitK;
  if (k < 32) {
    const r = _bt(c, i.sub, lo, k);
    if (i.sub !== 0) wr64(c, lin, r, hi);
  } else {
    const r = _bt(c, i.sub, hi, k - 32);
    if (i.sub !== 0) wr64(c, lin, lo, r);
  }
}

/** Flags after BSF/BSR/POPCNT-style results: only ZF (if `zero`) and PF from `pf` (a byte). */
function _setZP(c: CpuState, zero: boolean, pf: number): void {
  c.flags = (getFlags(c) & ~ARITH) | (zero ? ZF : 0) | PARITY[pf & 0xff];
  c.fop = 0;
}

/** Index of the lowest (BSF, `rev` false) or highest (BSR) set bit of nonzero (h:l). */
function _scan(l: number, h: number, rev: boolean): number {
  if (rev) return h !== 0 ? 63 - Math.clz32(h) : 31 - Math.clz32(l);
  return l !== 0 ? 31 - Math.clz32(l & -l) : 63 - Math.clz32(h & -h);
}

/** BSF (sub 0) or BSR (sub 1) of `s` (width w: 2, 4) into the G register. */
function _bsf(c: CpuState, i: Insn, s: number, w: number): void {
  if (s === 0) {
    _setZP(c, true, 0);
    return;
  }
  const r = _scan(s, 0, i.sub === 1);
  setReg(c, i.regX, w, r);
  _setZP(c, false, r);
}

function _bsf64(c: CpuState, i: Insn, l: number, h: number): void {
  if ((l | h) === 0) {
    _setZP(c, true, 0);
    return;
  }
  const r = _scan(l, h, i.sub === 1);
  c.r32[i.regX] = r;
  c.r32[i.regX + 1] = 0;
  _setZP(c, false, r);
}

function _pop32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * POPCNT (sub 0), TZCNT (1) or LZCNT (2) of (h:l), width `bits`; sets the
 * flags and returns the count. POPCNT: ZF = source zero, the rest 0.
 * TZCNT/LZCNT: CF = source zero, ZF = count zero, OF SF AF PF 0.
 */
function _count(c: CpuState, sub: number, l: number, h: number, bits: number): number {
  let n: number, f = 0;
  if (sub === 0) {
    n = _pop32(l) + _pop32(h);
    if (n === 0) f = ZF;
  } else {
    const zero = (l | h) === 0;
    if (zero) n = bits;
    else if (sub === 1) n = _scan(l, h, false);
    else n = bits - 1 - _scan(l, h, true);
    f = (zero ? CF : 0) | (n === 0 ? ZF : 0);
  }
  c.flags = (getFlags(c) & ~ARITH) | f;
  c.fop = 0;
  return n;
}

function _cntR(c: CpuState, i: Insn, s: number, w: number): void {
  setReg(c, i.regX, w, _count(c, i.sub, s & maskOf(w), 0, w * 8));
}

function _cnt64(c: CpuState, i: Insn, l: number, h: number): void {
  c.r32[i.regX] = _count(c, i.sub, l, h, 64);
  c.r32[i.regX + 1] = 0;
}

function _bswap32(x: number): number {
  return (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

/** Bit-category handlers by name (see HANDLER_NAMES). */
export const BITS_HANDLERS: Record<string, Handler> = {
  bt16r: (c, i) => _btR(c, i, 2),
  bt16m: (c, i) => _btM(c, i, 2),
  bt32r: (c, i) => _btR(c, i, 4),
  bt32m: (c, i) => _btM(c, i, 4),
  bt64r: _btR64,
  bt64m: _btM64,
  bsf16r: (c, i) => _bsf(c, i, getReg(c, i.rmX, 2), 2),
  bsf16m: (c, i) => _bsf(c, i, readM(c, i, 2), 2),
  bsf32r: (c, i) => _bsf(c, i, c.r32[i.rmX], 4),
  bsf32m: (c, i) => _bsf(c, i, readM(c, i, 4), 4),
  bsf64r: (c, i) => _bsf64(c, i, c.r32[i.rmX], c.r32[i.rmX + 1]),
  bsf64m: (c, i) => {
    const lo = readM64(c, i);
    _bsf64(c, i, lo, HI[0]);
  },
  cnt16r: (c, i) => _cntR(c, i, getReg(c, i.rmX, 2), 2),
  cnt16m: (c, i) => _cntR(c, i, readM(c, i, 2), 2),
  cnt32r: (c, i) => _cntR(c, i, c.r32[i.rmX], 4),
  cnt32m: (c, i) => _cntR(c, i, readM(c, i, 4), 4),
  cnt64r: (c, i) => _cnt64(c, i, c.r32[i.rmX], c.r32[i.rmX + 1]),
  cnt64m: (c, i) => {
    const lo = readM64(c, i);
    _cnt64(c, i, lo, HI[0]);
  },
  bswap16: (c, i) => {
    c.r16[i.regX] = 0;
  },
  bswap32: (c, i) => setReg(c, i.regX, 4, _bswap32(c.r32[i.regX])),
  bswap64: (c, i) => {
    const r = c.r32, x = i.regX, lo = r[x];
    r[x] = _bswap32(r[x + 1]);
    r[x + 1] = _bswap32(lo);
  },
};
