/**
 * Shifts and rotates (SDM vol. 2: ROL ROR RCL RCR SAL SHL SHR SAR, SHLD
 * SHRD) at 8, 16, 32 and 64 bits. Counts are masked to 5 bits (6 for
 * 64-bit operands); a masked count of 0 changes nothing, not even flags.
 * RCL/RCR rotate through CF modulo 9 (bytes) or 17 (words).
 *
 * Flags are computed eagerly. Where the SDM leaves them undefined the
 * values are fixed (undefined_flags.ts lists them): OF for counts above 1
 * follows the count-1 rule applied to the last one-bit step, AF after a
 * shift is 0, and a 16-bit SHLD/SHRD with a count above 16 shifts the
 * 48-bit dest:src:src (SHRD: src:src:dest).
 *
 * @module
 */

import { getReg, HI, linRmw, setReg } from "./access.ts";
import { getFlags, PARITY } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { rdw, wr64, wrN } from "./mem.ts";
import { ARITH, CF, OF, SF, ZF } from "./operands.ts";
import type { CpuState } from "./state.ts";

// High half of the last 64-bit result.
let _hi = 0;

/** High half of the last 64-bit result of this module's helpers. */
export function shiftHi(): number {
  return _hi;
}

function _setRotFlags(c: CpuState, cf: number, of: number): void {
  c.flags = (getFlags(c) & ~(CF | OF)) | cf | (of ? OF : 0);
  c.fop = 0;
}

function _setShiftFlags(
  c: CpuState,
  cf: number,
  of: number,
  sf: number,
  zero: boolean,
  low: number,
): void {
  c.flags = (getFlags(c) & ~ARITH) | cf | (of ? OF : 0) | (sf ? SF : 0) | (zero ? ZF : 0) |
    PARITY[low & 0xff];
  c.fop = 0;
}

/**
 * Shift or rotate `a` (width `w` bytes: 1, 2, 4) by the masked count `n`
 * (1-31) with operation `op` (ROL ROR RCL RCR SHL SHR SAL SAR); sets the flags.
 */
export function shift(c: CpuState, op: number, a: number, n: number, w: number): number {
  const bits = w * 8, m = w === 4 ? -1 : (1 << bits) - 1, sign = bits - 1;
  a &= m;
  let r: number, cf: number;
  switch (op) {
    case 0: { // ROL
      const k = n & sign;
      r = k === 0 ? a : ((a << k) | (a >>> (bits - k))) & m;
      cf = r & 1;
      _setRotFlags(c, cf, ((r >>> sign) & 1) ^ cf);
      return r;
    }
    case 1: { // ROR
      const k = n & sign;
      r = k === 0 ? a : ((a >>> k) | (a << (bits - k))) & m;
      cf = (r >>> sign) & 1;
      _setRotFlags(c, cf, cf ^ ((r >>> (sign - 1)) & 1));
      return r;
    }
    case 2: { // RCL: rotate the (bits+1)-bit value CF:a left
      const k = w === 4 ? n : n % (bits + 1);
      const cin = getFlags(c) & CF;
      if (k === 0) {
        r = a;
        cf = cin;
      } else {
        const back = bits + 1 - k; // bits that wrap around to the bottom
        r = ((a << k) | (cin << (k - 1)) | (back < 32 ? a >>> back : 0)) & m;
        cf = (a >>> (bits - k)) & 1;
      }
      _setRotFlags(c, cf, ((r >>> sign) & 1) ^ cf);
      return r;
    }
    case 3: { // RCR
      const k = w === 4 ? n : n % (bits + 1);
      const cin = getFlags(c) & CF;
      if (k === 0) {
        r = a;
        cf = cin;
      } else {
        const back = bits + 1 - k;
        r = ((a >>> k) | (cin << (bits - k)) | (back < 32 ? a << back : 0)) & m;
        cf = (a >>> (k - 1)) & 1;
      }
      _setRotFlags(c, cf, ((r >>> sign) ^ (r >>> (sign - 1))) & 1);
      return r;
    }
    case 5: { // SHR
      r = (a >>> n) & m;
      cf = (a >>> (n - 1)) & 1;
      _setShiftFlags(c, cf, n === 1 ? a >>> sign : 0, 0, r === 0, r);
      return r;
    }
    case 7: { // SAR
      const s = (a << (32 - bits)) >> (32 - bits);
      r = (s >> n) & m;
      cf = (s >> (n - 1)) & 1;
      _setShiftFlags(c, cf, 0, (r >>> sign) & 1, r === 0, r);
      return r;
    }
    default: { // SHL, SAL
      r = (a << n) & m;
      cf = n <= bits ? (a >>> (bits - n)) & 1 : 0;
      const sf = (r >>> sign) & 1;
      _setShiftFlags(c, cf, sf ^ cf, sf, r === 0, r);
      return r;
    }
  }
}

// 64-bit shifts of (h:l) by 0-63, low half returned, high half in _hi.

function _shl64(l: number, h: number, n: number): number {
  if (n === 0) {
    _hi = h;
    return l;
  }
  if (n < 32) {
    _hi = (h << n) | (l >>> (32 - n));
    return l << n;
  }
  _hi = l << (n - 32);
  return 0;
}

function _shr64(l: number, h: number, n: number): number {
  if (n === 0) {
    _hi = h;
    return l;
  }
  if (n < 32) {
    _hi = h >>> n;
    return (l >>> n) | (h << (32 - n));
  }
  _hi = 0;
  return h >>> (n - 32);
}

function _sar64(l: number, h: number, n: number): number {
  if (n < 32) {
    const lo = n === 0 ? l : (l >>> n) | (h << (32 - n));
    _hi = h >> n;
    return lo;
  }
  _hi = h >> 31;
  return h >> (n - 32);
}

function _bit64(l: number, h: number, k: number): number {
  return (k < 32 ? l >>> k : h >>> (k - 32)) & 1;
}

/** 64-bit shift or rotate of (ah:al) by the masked count `n` (1-63); low half returned, high by `shiftHi`. */
export function shift64(c: CpuState, op: number, al: number, ah: number, n: number): number {
  let rl: number, rh: number, cf: number;
  switch (op) {
    case 0: // ROL
    case 1: { // ROR
      const k = op === 0 ? n : 64 - n;
      const x = _shl64(al, ah, k), xh = _hi;
      rl = x | _shr64(al, ah, 64 - k);
      rh = xh | _hi;
      if (op === 0) {
        cf = rl & 1;
        _setRotFlags(c, cf, (rh >>> 31) ^ cf);
      } else {
        cf = rh >>> 31;
        _setRotFlags(c, cf, cf ^ ((rh >>> 30) & 1));
      }
      break;
    }
    case 2: { // RCL
      const cin = getFlags(c) & CF;
      const x = _shl64(al, ah, n), xh = _hi;
      const y = n === 1 ? 0 : _shr64(al, ah, 65 - n), yh = n === 1 ? 0 : _hi;
      rl = x | y | (n - 1 < 32 ? cin << (n - 1) : 0);
      rh = xh | yh | (n - 1 >= 32 ? cin << (n - 33) : 0);
      cf = _bit64(al, ah, 64 - n);
      _setRotFlags(c, cf, (rh >>> 31) ^ cf);
      break;
    }
    case 3: { // RCR
      const cin = getFlags(c) & CF;
      const x = _shr64(al, ah, n), xh = _hi;
      const y = n === 1 ? 0 : _shl64(al, ah, 65 - n), yh = n === 1 ? 0 : _hi;
      rl = x | y | (64 - n < 32 ? cin << (64 - n) : 0);
      rh = xh | yh | (64 - n >= 32 ? cin << (32 - n) : 0);
      cf = _bit64(al, ah, n - 1);
      _setRotFlags(c, cf, ((rh >>> 31) ^ (rh >>> 30)) & 1);
      break;
    }
    case 5: // SHR
      rl = _shr64(al, ah, n);
      rh = _hi;
      cf = _bit64(al, ah, n - 1);
      _setShiftFlags(c, cf, n === 1 ? ah >>> 31 : 0, 0, (rl | rh) === 0, rl);
      break;
    case 7: // SAR
      rl = _sar64(al, ah, n);
      rh = _hi;
      cf = _bit64(al, ah, n - 1);
      _setShiftFlags(c, cf, 0, rh >>> 31, (rl | rh) === 0, rl);
      break;
    default: // SHL, SAL
      rl = _shl64(al, ah, n);
      rh = _hi;
      cf = _bit64(al, ah, 64 - n);
      _setShiftFlags(c, cf, (rh >>> 31) ^ cf, rh >>> 31, (rl | rh) === 0, rl);
  }
  _hi = rh;
  return rl;
}

function _count(c: CpuState, i: Insn, mask: number): number {
  // Count: 1 (D0/D1), CL (D2/D3) or imm8 (C0/C1), masked (SDM SAL/SAR/SHL/SHR).
  const b = i.opc & 0xff;
  return (b >= 0xd2 ? c.r8[8] : b >= 0xd0 ? 1 : i.imm) & mask;
}

// A masked count of 0 changes no flag, but a 32-bit register is still written (zero-extended).
function _shiftR(c: CpuState, i: Insn, w: number): void {
  const n = _count(c, i, 31), a = getReg(c, i.rmX, w);
  setReg(c, i.rmX, w, n === 0 ? a : shift(c, i.sub, a, n, w));
}

function _shiftM(c: CpuState, i: Insn, w: number): void {
  const n = _count(c, i, 31);
  const lin = linRmw(c, i, w);
  const a = rdw(c, lin, w);
  if (n !== 0) wrN(c, lin, w, shift(c, i.sub, a, n, w));
}

function _shift64R(c: CpuState, i: Insn): void {
  const n = _count(c, i, 63), r = c.r32, x = i.rmX;
  if (n === 0) return;
  r[x] = shift64(c, i.sub, r[x], r[x + 1], n);
  r[x + 1] = _hi;
}

function _shift64M(c: CpuState, i: Insn): void {
  const n = _count(c, i, 63);
  const lin = linRmw(c, i, 8);
  const lo = rdw(c, lin, 8);
  if (n !== 0) wr64(c, lin, shift64(c, i.sub, lo, HI[0], n), _hi);
}

/**
 * SHLD (left = true) or SHRD of `d` by `n` (masked, nonzero) bits filled
 * from `s`, width `w` bytes (2 or 4); sets the flags.
 */
export function shiftDouble(
  c: CpuState,
  left: boolean,
  d: number,
  s: number,
  n: number,
  w: number,
): number {
  const bits = w * 8, m = w === 4 ? -1 : 0xffff, sign = bits - 1;
  let r: number, cf: number, of: number;
  if (w === 4) {
    if (left) {
      r = (d << n) | (s >>> (32 - n));
      cf = (d >>> (32 - n)) & 1;
    } else {
      r = (d >>> n) | (s << (32 - n));
      cf = (d >>> (n - 1)) & 1;
    }
  } else if (left) {
    // dest:src:src, 48 bits; the top 16 bits after the shift.
    const x = n <= 16 ? ((d << 16) | s) : ((s << 16) | s);
    const k = n <= 16 ? n : n - 16;
    r = ((x << k) >>> 16) & m;
    cf = n <= 16 ? (d >>> (16 - n)) & 1 : (x >>> (32 - k)) & 1;
  } else {
    // src:src:dest, 48 bits; the low 16 bits after the shift.
    const x = n <= 16 ? ((s << 16) | d) : ((s << 16) | s);
    const k = n <= 16 ? n : n - 16;
    r = (x >>> k) & m;
    cf = (x >>> (k - 1)) & 1;
  }
  if (left) of = ((r >>> sign) & 1) ^ cf;
  else of = ((r >>> sign) ^ (r >>> (sign - 1))) & 1;
  _setShiftFlags(c, cf, of, (r >>> sign) & 1, (r & m) === 0, r);
  return r & m;
}

/** 64-bit SHLD/SHRD of (dh:dl) by `n` (1-63) filled from (sh:sl); low half returned, high by `shiftHi`. */
export function shiftDouble64(
  c: CpuState,
  left: boolean,
  n: number,
  dl: number,
  dh: number,
  sl: number,
  sh: number,
): number {
  let rl: number, rh: number, cf: number, of: number;
  if (left) {
    const x = _shl64(dl, dh, n), xh = _hi;
    rl = x | _shr64(sl, sh, 64 - n);
    rh = xh | _hi;
    cf = _bit64(dl, dh, 64 - n);
    of = (rh >>> 31) ^ cf;
  } else {
    const x = _shr64(dl, dh, n), xh = _hi;
    rl = x | _shl64(sl, sh, 64 - n);
    rh = xh | _hi;
    cf = _bit64(dl, dh, n - 1);
    of = ((rh >>> 31) ^ (rh >>> 30)) & 1;
  }
  _setShiftFlags(c, cf, of, rh >>> 31, (rl | rh) === 0, rl);
  _hi = rh;
  return rl;
}

// SHLD is 0F A4/A5, SHRD 0F AC/AD; A4 and AC take an imm8 count, A5 and AD take CL.
function _dblCount(c: CpuState, i: Insn, mask: number): number {
  return (i.opc & 1 ? c.r8[8] : i.imm) & mask;
}

function _dblR(c: CpuState, i: Insn, w: number): void {
  const n = _dblCount(c, i, 31), d = getReg(c, i.rmX, w);
  const left = (i.opc & 0xff) < 0xa8;
  setReg(c, i.rmX, w, n === 0 ? d : shiftDouble(c, left, d, getReg(c, i.regX, w), n, w));
}

function _dblM(c: CpuState, i: Insn, w: number): void {
  const n = _dblCount(c, i, 31);
  const lin = linRmw(c, i, w);
  const d = rdw(c, lin, w);
  if (n === 0) return;
  const left = (i.opc & 0xff) < 0xa8;
  wrN(c, lin, w, shiftDouble(c, left, d, getReg(c, i.regX, w), n, w));
}

function _dbl64R(c: CpuState, i: Insn): void {
  const n = _dblCount(c, i, 63);
  if (n === 0) return;
  const r = c.r32, x = i.rmX, y = i.regX;
  r[x] = shiftDouble64(c, (i.opc & 0xff) < 0xa8, n, r[x], r[x + 1], r[y], r[y + 1]);
  r[x + 1] = _hi;
}

function _dbl64M(c: CpuState, i: Insn): void {
  const n = _dblCount(c, i, 63);
  const lin = linRmw(c, i, 8);
  const lo = rdw(c, lin, 8), hi = HI[0];
  if (n === 0) return;
  const r = c.r32, y = i.regX;
  wr64(c, lin, shiftDouble64(c, (i.opc & 0xff) < 0xa8, n, lo, hi, r[y], r[y + 1]), _hi);
}

/** Shift-category handlers by name (see HANDLER_NAMES). */
export const SHIFT_HANDLERS: Record<string, Handler> = {
  shift8r: (c, i) => _shiftR(c, i, 1),
  shift8m: (c, i) => _shiftM(c, i, 1),
  shift16r: (c, i) => _shiftR(c, i, 2),
  shift16m: (c, i) => _shiftM(c, i, 2),
  shift32r: (c, i) => _shiftR(c, i, 4),
  shift32m: (c, i) => _shiftM(c, i, 4),
  shift64r: _shift64R,
  shift64m: _shift64M,
  shd16r: (c, i) => _dblR(c, i, 2),
  shd16m: (c, i) => _dblM(c, i, 2),
  shd32r: (c, i) => _dblR(c, i, 4),
  shd32m: (c, i) => _dblM(c, i, 4),
  shd64r: _dbl64R,
  shd64m: _dbl64M,
};
