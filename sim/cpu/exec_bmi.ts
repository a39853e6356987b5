/**
 * BMI1 and BMI2 (SDM vol. 2: ANDN BEXTR BLSI BLSMSK BLSR BZHI MULX PDEP
 * PEXT RORX SARX SHLX SHRX), VEX-encoded, on 32-bit operands or 64-bit ones
 * with VEX.W in 64-bit mode. The E operand is `(sh:sl)`; the VEX.vvvv
 * register is `i.vvvv`. VEX instructions are #UD in real-address mode.
 *
 * Flags: the undefined AF is 0 and the undefined PF (and BEXTR's SF) follow
 * the result, as for a logical operation (undefined_flags.ts).
 *
 * @module
 */

import { HI, readM, readM64 } from "./access.ts";
import { mulU32, mulU64, R64 } from "./arith64.ts";
import { getFlags, PARITY } from "./flags.ts";
import { Field } from "./fields.ts";
import type { Handler, Insn } from "./insn.ts";
import { ARITH, CF, SF, ZF } from "./operands.ts";
import { type CpuState, raise } from "./state.ts";

// In 16-bit code VEX is valid only in protected mode.
function _vexOk(c: CpuState): void {
  if (c.mode === 16 && !(c.lo(Field.CR0) & 1)) raise(c, 6);
}

/** Write (hi:lo) to the register whose low lane is `x`, as 32 (zero-extended) or 64 bits. */
function _put(c: CpuState, x: number, lo: number, hi: number, w: number): void {
  c.r32[x] = lo;
  c.r32[x + 1] = w === 8 ? hi : 0;
}

/** Flags of a BMI1 result (hi:lo), width `w`: SF ZF PF from it, CF = `cf`, OF AF 0. */
function _flags(c: CpuState, lo: number, hi: number, w: number, cf: boolean): void {
  const top = w === 8 ? hi : lo;
  c.flags = (getFlags(c) & ~ARITH) | (top < 0 ? SF : 0) |
    ((lo | (w === 8 ? hi : 0)) === 0 ? ZF : 0) |
    PARITY[lo & 0xff] | (cf ? CF : 0);
  c.fop = 0;
}

function _andn(c: CpuState, i: Insn, sl: number, sh: number, w: number): void {
  _vexOk(c);
  const v = i.vvvv * 2, lo = ~c.r32[v] & sl, hi = ~c.r32[v + 1] & sh;
  _put(c, i.regX, lo, hi, w);
  _flags(c, lo, hi, w, false);
}

/** BLSR (sub 0), BLSMSK (1), BLSI (2) of (sh:sl) into vvvv. */
function _bls(c: CpuState, i: Insn, sl: number, sh: number, w: number): void {
  _vexOk(c);
  if (w === 4) sh = 0;
  const zero = (sl | sh) === 0;
  // src - 1 and -src over 64 bits.
  const ml = (sl - 1) | 0, mh = sl === 0 ? (sh - 1) | 0 : sh;
  const nl = -sl | 0, nh = sl === 0 ? -sh | 0 : ~sh;
  let lo: number, hi: number;
  if (i.sub === 0) (lo = sl & ml, hi = sh & mh);
  else if (i.sub === 1) (lo = sl ^ ml, hi = sh ^ mh);
  else (lo = sl & nl, hi = sh & nh);
  if (w === 4) hi = 0;
  _put(c, i.vvvv * 2, lo, hi, w);
  _flags(c, lo, hi, w, i.sub === 2 ? !zero : zero);
}

function _bzhi(c: CpuState, i: Insn, sl: number, sh: number, w: number): void {
  _vexOk(c);
  const n = c.r32[i.vvvv * 2] & 0xff, bits = w * 8;
  let lo = sl, hi = w === 8 ? sh : 0;
  if (n < bits) {
    if (n < 32) {
      lo = n === 0 ? 0 : lo & (-1 >>> (32 - n));
      hi = 0;
    } else hi = n === 32 ? 0 : hi & (-1 >>> (64 - n));
  }
  _put(c, i.regX, lo, hi, w);
  _flags(c, lo, hi, w, n > bits - 1);
}

function _bextr(c: CpuState, i: Insn, sl: number, sh: number, w: number): void {
  _vexOk(c);
  const ctl = c.r32[i.vvvv * 2], start = ctl & 0xff, len = (ctl >>> 8) & 0xff, bits = w * 8;
  let lo = 0, hi = 0;
  if (w === 4) sh = 0;
  if (start < bits) {
    // Shift right by start, then keep len bits.
    if (start < 32) {
      lo = start === 0 ? sl : (sl >>> start) | (sh << (32 - start));
      hi = sh >>> start;
    } else lo = sh >>> (start - 32);
    if (len < 32) {
      lo = len === 0 ? 0 : lo & (-1 >>> (32 - len));
      hi = 0;
    } else if (len < 64) hi = len === 32 ? 0 : hi & (-1 >>> (64 - len));
  }
  _put(c, i.regX, lo, hi, w);
  _flags(c, lo, hi, w, false);
}

/** PDEP (sub 0) and PEXT (1): source vvvv, mask (sh:sl), into the G register. No flags. */
function _pdep(c: CpuState, i: Insn, sl: number, sh: number, w: number): void {
  _vexOk(c);
  const v = i.vvvv * 2, s0 = c.r32[v], s1 = w === 8 ? c.r32[v + 1] : 0;
  let lo = 0, hi = 0, k = 0;
  for (let b = 0; b < w * 8; b++) {
    if (!((b < 32 ? sl >>> b : sh >>> (b - 32)) & 1)) continue;
    // PDEP moves source bit k to mask position b; PEXT moves source bit b to k.
    const from = i.sub === 0 ? k : b, to = i.sub === 0 ? b : k;
    if ((from < 32 ? s0 >>> from : s1 >>> (from - 32)) & 1) {
      if (to < 32) lo |= 1 << to;
      else hi |= 1 << (to - 32);
    }
    k++;
  }
  _put(c, i.regX, lo, hi, w);
}

/** MULX: EDX/RDX times (sh:sl), unsigned; low half to vvvv, then high half to the G register. */
function _mulx(c: CpuState, i: Insn, sl: number, sh: number, w: number): void {
  _vexOk(c);
  const r = c.r32;
  if (w === 4) {
    mulU32(r[4], sl);
    _put(c, i.vvvv * 2, R64[0], 0, 4);
    _put(c, i.regX, R64[1], 0, 4);
  } else {
    mulU64(r[4], r[5], sl, sh);
    _put(c, i.vvvv * 2, R64[0], R64[1], 8);
    _put(c, i.regX, R64[2], R64[3], 8);
  }
}

function _shl(l: number, h: number, n: number): void {
  if (n === 0) (R64[0] = l, R64[1] = h);
  else if (n < 32) (R64[0] = l << n, R64[1] = (h << n) | (l >>> (32 - n)));
  else (R64[0] = 0, R64[1] = l << (n - 32));
}

function _shr(l: number, h: number, n: number, arith: boolean): void {
  if (n === 0) (R64[0] = l, R64[1] = h);
  else if (n < 32) {
    R64[0] = (l >>> n) | (h << (32 - n));
    R64[1] = arith ? h >> n : h >>> n;
  } else {
    R64[0] = arith ? h >> (n - 32) : h >>> (n - 32);
    R64[1] = arith ? h >> 31 : 0;
  }
}

/** SHLX (sub 4), SHRX (5), SARX (7): (sh:sl) by vvvv's count, masked; no flags. */
function _shx(c: CpuState, i: Insn, sl: number, sh: number, w: number): void {
  _vexOk(c);
  const n = c.r32[i.vvvv * 2] & (w * 8 - 1);
  if (w === 4) {
    const r = i.sub === 4 ? sl << n : i.sub === 5 ? sl >>> n : sl >> n;
    _put(c, i.regX, r, 0, 4);
    return;
  }
  if (i.sub === 4) _shl(sl, sh, n);
  else _shr(sl, sh, n, i.sub === 7);
  _put(c, i.regX, R64[0], R64[1], 8);
}

/** RORX: (sh:sl) rotated right by imm8, masked; no flags. */
function _rorx(c: CpuState, i: Insn, sl: number, sh: number, w: number): void {
  _vexOk(c);
  const n = i.imm & (w * 8 - 1);
  if (w === 4) {
    _put(c, i.regX, n === 0 ? sl : (sl >>> n) | (sl << (32 - n)), 0, 4);
    return;
  }
  _shr(sl, sh, n, false);
  const lo = R64[0], hi = R64[1];
  _shl(sl, sh, (64 - n) & 63);
  _put(c, i.regX, n === 0 ? sl : lo | R64[0], n === 0 ? sh : hi | R64[1], 8);
}

/** BMI-category handlers by name (see HANDLER_NAMES). */
export const BMI_HANDLERS: Record<string, Handler> = {
  andn32r: (c, i) => _andn(c, i, c.r32[i.rmX], 0, 4),
  andn32m: (c, i) => _andn(c, i, readM(c, i, 4), 0, 4),
  andn64r: (c, i) => _andn(c, i, c.r32[i.rmX], c.r32[i.rmX + 1], 8),
  andn64m: (c, i) => _andn(c, i, readM64(c, i), HI[0], 8),
  bls32r: (c, i) => _bls(c, i, c.r32[i.rmX], 0, 4),
  bls32m: (c, i) => _bls(c, i, readM(c, i, 4), 0, 4),
  bls64r: (c, i) => _bls(c, i, c.r32[i.rmX], c.r32[i.rmX + 1], 8),
  bls64m: (c, i) => _bls(c, i, readM64(c, i), HI[0], 8),
  bzhi32r: (c, i) => _bzhi(c, i, c.r32[i.rmX], 0, 4),
  bzhi32m: (c, i) => _bzhi(c, i, readM(c, i, 4), 0, 4),
  bzhi64r: (c, i) => _bzhi(c, i, c.r32[i.rmX], c.r32[i.rmX + 1], 8),
  bzhi64m: (c, i) => _bzhi(c, i, readM64(c, i), HI[0], 8),
  bextr32r: (c, i) => _bextr(c, i, c.r32[i.rmX], 0, 4),
  bextr32m: (c, i) => _bextr(c, i, readM(c, i, 4), 0, 4),
  bextr64r: (c, i) => _bextr(c, i, c.r32[i.rmX], c.r32[i.rmX + 1], 8),
  bextr64m: (c, i) => _bextr(c, i, readM64(c, i), HI[0], 8),
  pdep32r: (c, i) => _pdep(c, i, c.r32[i.rmX], 0, 4),
  pdep32m: (c, i) => _pdep(c, i, readM(c, i, 4), 0, 4),
  pdep64r: (c, i) => _pdep(c, i, c.r32[i.rmX], c.r32[i.rmX + 1], 8),
  pdep64m: (c, i) => _pdep(c, i, readM64(c, i), HI[0], 8),
  mulx32r: (c, i) => _mulx(c, i, c.r32[i.rmX], 0, 4),
  mulx32m: (c, i) => _mulx(c, i, readM(c, i, 4), 0, 4),
  mulx64r: (c, i) => _mulx(c, i, c.r32[i.rmX], c.r32[i.rmX + 1], 8),
  mulx64m: (c, i) => _mulx(c, i, readM64(c, i), HI[0], 8),
  shx32r: (c, i) => _shx(c, i, c.r32[i.rmX], 0, 4),
  shx32m: (c, i) => _shx(c, i, readM(c, i, 4), 0, 4),
  shx64r: (c, i) => _shx(c, i, c.r32[i.rmX], c.r32[i.rmX + 1], 8),
  shx64m: (c, i) => _shx(c, i, readM64(c, i), HI[0], 8),
  rorx32r: (c, i) => _rorx(c, i, c.r32[i.rmX], 0, 4),
  rorx32m: (c, i) => _rorx(c, i, readM(c, i, 4), 0, 4),
  rorx64r: (c, i) => _rorx(c, i, c.r32[i.rmX], c.r32[i.rmX + 1], 8),
  rorx64m: (c, i) => _rorx(c, i, readM64(c, i), HI[0], 8),
};
