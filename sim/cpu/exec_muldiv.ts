/**
 * Multiply and divide (SDM vol. 2: MUL, IMUL in its one-, two- and
 * three-operand forms, DIV, IDIV) and the accumulator sign extensions that
 * set up a division (CBW CWDE CDQE, CWD CDQ CQO), at 8, 16, 32 and 64 bits.
 *
 * MUL/IMUL set CF = OF = "the high half is significant" and leave SF ZF AF
 * PF as they were; DIV/IDIV leave all six unchanged (undefined in the SDM;
 * the choices are listed in undefined_flags.ts). DIV/IDIV raise #DE for a
 * zero divisor or a quotient that does not fit, before writing anything.
 *
 * @module
 */

import { getReg, HI, maskOf, readM, readM64, setReg } from "./access.ts";
import {
  divS128,
  divS64,
  divU128,
  divU64,
  mulS32,
  mulS64,
  mulU32,
  mulU64,
  R64,
} from "./arith64.ts";
import { getFlags } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { CF, OF } from "./operands.ts";
import { type CpuState, raise } from "./state.ts";

const _DE = 0;

function _setCO(c: CpuState, ov: boolean): void {
  c.flags = (getFlags(c) & ~(CF | OF)) | (ov ? CF | OF : 0);
  c.fop = 0;
}

/** F6/F7 /4-/7 on `s` of width `w` (1, 2, 4): sub 0 MUL, 1 IMUL, 2 DIV, 3 IDIV. */
function _muldiv(c: CpuState, i: Insn, s: number, w: number): void {
  const r = c.r32;
  switch (i.sub) {
    case 0: // MUL
      if (w === 1) {
        const p = c.r8[0] * s;
        c.r16[0] = p;
        _setCO(c, p > 0xff);
      } else if (w === 2) {
        const p = c.r16[0] * s;
        c.r16[0] = p;
        c.r16[8] = p >>> 16;
        _setCO(c, p > 0xffff);
      } else {
        mulU32(r[0], s);
        setReg(c, 0, 4, R64[0]);
        setReg(c, 4, 4, R64[1]);
        _setCO(c, R64[1] !== 0);
      }
      return;
    case 1: // IMUL
      if (w === 1) {
        const p = ((c.r8[0] << 24) >> 24) * ((s << 24) >> 24);
        c.r16[0] = p;
        _setCO(c, p !== (p << 24) >> 24);
      } else if (w === 2) {
        const p = ((c.r16[0] << 16) >> 16) * ((s << 16) >> 16);
        c.r16[0] = p;
        c.r16[8] = p >> 16;
        _setCO(c, p !== (p << 16) >> 16);
      } else {
        mulS32(r[0], s);
        setReg(c, 0, 4, R64[0]);
        setReg(c, 4, 4, R64[1]);
        _setCO(c, (R64[1] | 0) !== (R64[0] | 0) >> 31);
      }
      return;
    case 2: { // DIV
      if (w === 1) {
        const n = c.r16[0];
        const q = s === 0 ? 256 : Math.floor(n / s);
        if (q > 0xff) raise(c, _DE);
        c.r8[0] = q;
        c.r8[1] = n - q * s;
      } else if (w === 2) {
        const n = c.r16[8] * 65536 + c.r16[0];
        const q = s === 0 ? 65536 : Math.floor(n / s);
        if (q > 0xffff) raise(c, _DE);
        c.r16[0] = q;
        c.r16[8] = n - q * s;
      } else {
        if (!divU64(r[0], r[4], s)) raise(c, _DE);
        setReg(c, 0, 4, R64[0]);
        setReg(c, 4, 4, R64[2]);
      }
      return;
    }
    default: { // IDIV
      if (w === 1) {
        const n = (c.r16[0] << 16) >> 16, d = (s << 24) >> 24;
        const q = d === 0 ? 128 : Math.trunc(n / d);
        if (q > 127 || q < -128) raise(c, _DE);
        c.r8[0] = q;
        c.r8[1] = n - q * d;
      } else if (w === 2) {
        const n = (c.r16[8] << 16) | c.r16[0], d = (s << 16) >> 16;
        const q = d === 0 ? 32768 : Math.trunc(n / d);
        if (q > 32767 || q < -32768) raise(c, _DE);
        c.r16[0] = q;
        c.r16[8] = n - q * d;
      } else {
        if (!divS64(r[0], r[4], s)) raise(c, _DE);
        setReg(c, 0, 4, R64[0]);
        setReg(c, 4, 4, R64[2]);
      }
    }
  }
}

/** F7 /4-/7 with a 64-bit operand (sh:sl): RDX:RAX. */
function _muldiv64(c: CpuState, i: Insn, sl: number, sh: number): void {
  const r = c.r32;
  switch (i.sub) {
    case 0:
      mulU64(r[0], r[1], sl, sh);
      _setCO(c, (R64[2] | R64[3]) !== 0);
      break;
    case 1:
      mulS64(r[0], r[1], sl, sh);
      _setCO(c, !_sext128());
      break;
    case 2:
      if (!divU128(r[0], r[1], r[4], r[5], sl, sh)) raise(c, _DE);
      break;
    default:
      if (!divS128(r[0], r[1], r[4], r[5], sl, sh)) raise(c, _DE);
  }
  r[0] = R64[0];
  r[1] = R64[1];
  r[4] = R64[2];
  r[5] = R64[3];
}

// The 128-bit signed product in R64 is the sign extension of its low 64 bits.
function _sext128(): boolean {
  const s = (R64[1] | 0) >> 31;
  return (R64[2] | 0) === s && (R64[3] | 0) === s;
}

/** IMUL Gv, Ev[, imm]: `a` times `b`, width `w` (2, 4) into `i.regX`. */
function _imul2(c: CpuState, i: Insn, a: number, b: number, w: number): void {
  if (w === 2) {
    const p = ((a << 16) >> 16) * ((b << 16) >> 16);
    setReg(c, i.regX, 2, p & 0xffff);
    _setCO(c, p !== (p << 16) >> 16);
  } else {
    mulS32(a, b);
    setReg(c, i.regX, 4, R64[0]);
    _setCO(c, (R64[1] | 0) !== (R64[0] | 0) >> 31);
  }
}

function _imul2x64(c: CpuState, i: Insn, al: number, ah: number, bl: number, bh: number): void {
  mulS64(al, ah, bl, bh);
  c.r32[i.regX] = R64[0];
  c.r32[i.regX + 1] = R64[1];
  _setCO(c, !_sext128());
}

/** CBW/CWDE/CDQE (sub 0) and CWD/CDQ/CQO (sub 1) at operand width `w` (2, 4, 8). */
function _sext(c: CpuState, i: Insn, w: number): void {
  const r = c.r32;
  if (i.sub === 0) {
    if (w === 2) c.r16[0] = (c.r8[0] << 24) >> 24;
    else if (w === 4) setReg(c, 0, 4, (c.r16[0] << 16) >> 16);
    else r[1] = r[0] >> 31;
  } else if (w === 2) c.r16[8] = (c.r16[0] << 16) >> 31;
  else if (w === 4) setReg(c, 4, 4, r[0] >> 31);
  else r[4] = r[5] = r[1] >> 31;
}

/** Multiply/divide-category handlers by name (see HANDLER_NAMES). */
export const MULDIV_HANDLERS: Record<string, Handler> = {
  muldiv8r: (c, i) => _muldiv(c, i, getReg(c, i.rmX, 1), 1),
  muldiv8m: (c, i) => _muldiv(c, i, readM(c, i, 1), 1),
  muldiv16r: (c, i) => _muldiv(c, i, getReg(c, i.rmX, 2), 2),
  muldiv16m: (c, i) => _muldiv(c, i, readM(c, i, 2), 2),
  muldiv32r: (c, i) => _muldiv(c, i, getReg(c, i.rmX, 4), 4),
  muldiv32m: (c, i) => _muldiv(c, i, readM(c, i, 4), 4),
  muldiv64r: (c, i) => _muldiv64(c, i, c.r32[i.rmX], c.r32[i.rmX + 1]),
  muldiv64m: (c, i) => {
    const lo = readM64(c, i);
    _muldiv64(c, i, lo, HI[0]);
  },
  imulGE16r: (c, i) => _imul2(c, i, getReg(c, i.regX, 2), getReg(c, i.rmX, 2), 2),
  imulGE16m: (c, i) => _imul2(c, i, getReg(c, i.regX, 2), readM(c, i, 2), 2),
  imulGE32r: (c, i) => _imul2(c, i, c.r32[i.regX], c.r32[i.rmX], 4),
  imulGE32m: (c, i) => _imul2(c, i, c.r32[i.regX], readM(c, i, 4), 4),
  imulGE64r: (c, i) =>
    _imul2x64(c, i, c.r32[i.regX], c.r32[i.regX + 1], c.r32[i.rmX], c.r32[i.rmX + 1]),
  imulGE64m: (c, i) => {
    const lo = readM64(c, i);
    _imul2x64(c, i, c.r32[i.regX], c.r32[i.regX + 1], lo, HI[0]);
  },
  imulGEI16r: (c, i) => _imul2(c, i, getReg(c, i.rmX, 2), i.imm & maskOf(2), 2),
  imulGEI16m: (c, i) => _imul2(c, i, readM(c, i, 2), i.imm & maskOf(2), 2),
  imulGEI32r: (c, i) => _imul2(c, i, c.r32[i.rmX], i.imm, 4),
  imulGEI32m: (c, i) => _imul2(c, i, readM(c, i, 4), i.imm, 4),
  imulGEI64r: (c, i) => _imul2x64(c, i, c.r32[i.rmX], c.r32[i.rmX + 1], i.imm, i.imm >> 31),
  imulGEI64m: (c, i) => {
    const lo = readM64(c, i);
    _imul2x64(c, i, lo, HI[0], i.imm, i.imm >> 31);
  },
  sext16: (c, i) => _sext(c, i, 2),
  sext32: (c, i) => _sext(c, i, 4),
  sext64: (c, i) => _sext(c, i, 8),
};
