/**
 * Arithmetic, logic, shift and flag instructions (SDM vol. 2: ADD ADC SUB
 * SBB AND OR XOR CMP TEST INC DEC NEG NOT, ROL ROR RCL RCR SAL SHL SHR SAR,
 * CLC STC CMC CLD STD). Handlers come per width; `i.sub` selects the
 * operation within a family.
 *
 * @module
 */

import { getReg, linRmw, maskOf, readM, setReg } from "./access.ts";
import {
  getCF,
  getFlags,
  K_ADC,
  K_ADD,
  K_DEC,
  K_INC,
  K_LOGIC,
  K_SBB,
  K_SUB,
  keepCF,
  PARITY,
} from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { rdw, wrN } from "./mem.ts";
import { ARITH, CF, DF, OF, SF, ZF } from "./operands.ts";
import type { CpuState } from "./state.ts";

function _wl(w: number): number {
  return w === 1 ? 0 : w === 2 ? 1 : 2;
}

/** Apply ALU operation `op` (ADD OR ADC SBB AND SUB XOR CMP) to a, b of width `w`; set lazy flags. */
export function alu(c: CpuState, op: number, a: number, b: number, w: number): number {
  const m = maskOf(w);
  b &= m;
  let r: number, k: number;
  switch (op) {
    case 0:
      r = (a + b) & m;
      k = K_ADD;
      break;
    case 1:
      r = a | b;
      k = K_LOGIC;
      break;
    case 2: {
      const cf = getCF(c) ? 1 : 0;
      r = (a + b + cf) & m;
      k = cf ? K_ADC : K_ADD;
      break;
    }
    case 3: {
      const cf = getCF(c) ? 1 : 0;
      r = (a - b - cf) & m;
      k = cf ? K_SBB : K_SUB;
      break;
    }
    case 4:
      r = a & b;
      k = K_LOGIC;
      break;
    case 6:
      r = a ^ b;
      k = K_LOGIC;
      break;
    default:
      r = (a - b) & m;
      k = K_SUB;
  }
  c.fa = a;
  c.fb = b;
  c.fres = r;
  c.fop = k | _wl(w);
  return r;
}

// Register (r) and memory (m) forms are separate handlers, chosen at decode, so each stays
// small enough for V8 to inline into compiled blocks.

function _aluEGr(c: CpuState, i: Insn, w: number): void {
  const r = alu(c, i.sub, getReg(c, i.rmX, w), getReg(c, i.regX, w), w);
  if (i.sub !== 7) setReg(c, i.rmX, w, r);
}

function _aluEGm(c: CpuState, i: Insn, w: number): void {
  if (i.sub === 7) alu(c, 7, readM(c, i, w), getReg(c, i.regX, w), w);
  else {
    const lin = linRmw(c, i, w);
    wrN(c, lin, w, alu(c, i.sub, rdw(c, lin, w) & maskOf(w), getReg(c, i.regX, w), w));
  }
}

function _aluEIr(c: CpuState, i: Insn, w: number): void {
  const r = alu(c, i.sub, getReg(c, i.rmX, w), i.imm, w);
  if (i.sub !== 7) setReg(c, i.rmX, w, r);
}

function _aluEIm(c: CpuState, i: Insn, w: number): void {
  if (i.sub === 7) alu(c, 7, readM(c, i, w), i.imm, w);
  else {
    const lin = linRmw(c, i, w);
    wrN(c, lin, w, alu(c, i.sub, rdw(c, lin, w) & maskOf(w), i.imm, w));
  }
}

function _aluGEr(c: CpuState, i: Insn, w: number): void {
  const r = alu(c, i.sub, getReg(c, i.regX, w), getReg(c, i.rmX, w), w);
  if (i.sub !== 7) setReg(c, i.regX, w, r);
}

function _aluGEm(c: CpuState, i: Insn, w: number): void {
  const r = alu(c, i.sub, getReg(c, i.regX, w), readM(c, i, w), w);
  if (i.sub !== 7) setReg(c, i.regX, w, r);
}

function _aluAI(c: CpuState, i: Insn, w: number): void {
  const r = alu(c, i.sub, getReg(c, 0, w), i.imm, w);
  if (i.sub !== 7) setReg(c, 0, w, r);
}

function _logic(c: CpuState, r: number, w: number): void {
  c.fa = c.fb = 0;
  c.fres = r;
  c.fop = K_LOGIC | _wl(w);
}

type _Unary = (c: CpuState, a: number, w: number) => number;

/** Read-modify-write of a register: `f` maps the old value to the new one. */
function _rmwR(c: CpuState, i: Insn, w: number, f: _Unary): void {
  setReg(c, i.rmX, w, f(c, getReg(c, i.rmX, w), w));
}

/** Read-modify-write of memory. */
function _rmwM(c: CpuState, i: Insn, w: number, f: _Unary): void {
  const lin = linRmw(c, i, w);
  wrN(c, lin, w, f(c, rdw(c, lin, w) & maskOf(w), w));
}

function _inc(c: CpuState, a: number, w: number): number {
  keepCF(c);
  const r = (a + 1) & maskOf(w);
  c.fa = a;
  c.fb = 1;
  c.fres = r;
  c.fop = K_INC | _wl(w);
  return r;
}

function _dec(c: CpuState, a: number, w: number): number {
  keepCF(c);
  const r = (a - 1) & maskOf(w);
  c.fa = a;
  c.fb = 1;
  c.fres = r;
  c.fop = K_DEC | _wl(w);
  return r;
}

function _neg(c: CpuState, a: number, w: number): number {
  const r = -a & maskOf(w);
  c.fa = 0;
  c.fb = a;
  c.fres = r;
  c.fop = K_SUB | _wl(w);
  return r;
}

function _not(_c: CpuState, a: number, w: number): number {
  return ~a & maskOf(w);
}

/** Shift or rotate `a` (width `w`) by `n` (already masked to 5 bits); flags computed eagerly. */
export function shift(c: CpuState, op: number, a: number, n: number, w: number): number {
  const bits = w * 8, m = maskOf(w), sign = bits - 1;
  a &= m;
  let f = getFlags(c);
  let r: number, cf: number, of: number;
  switch (op) {
    case 0: { // ROL
      const k = n % bits;
      r = ((a << k) | (a >>> (bits - k))) & m;
      cf = r & 1;
      of = ((r >>> sign) & 1) ^ cf;
      break;
    }
    case 1: { // ROR
      const k = n % bits;
      r = ((a >>> k) | (a << (bits - k))) & m;
      cf = (r >>> sign) & 1;
      of = cf ^ ((r >>> (sign - 1)) & 1);
      break;
    }
    case 2: { // RCL: rotate the (bits+1)-bit value CF:a left
      const k = w === 4 ? n : n % (bits + 1);
      r = a;
      cf = f & CF;
      for (let s = 0; s < k; s++) {
        const out = (r >>> sign) & 1;
        r = ((r << 1) | cf) & m;
        cf = out;
      }
      of = ((r >>> sign) & 1) ^ cf;
      break;
    }
    case 3: { // RCR
      const k = w === 4 ? n : n % (bits + 1);
      r = a;
      cf = f & CF;
      of = ((a >>> sign) & 1) ^ cf;
      for (let s = 0; s < k; s++) {
        const out = r & 1;
        r = ((r >>> 1) | (cf << sign)) & m;
        cf = out;
      }
      break;
    }
    case 5: // SHR
      r = n >= 32 ? 0 : (a >>> n) & m;
      cf = n <= bits ? (a >>> (n - 1)) & 1 : 0;
      of = (a >>> sign) & 1;
      break;
    case 7: { // SAR
      const s = (a << (32 - bits)) >> (32 - bits);
      r = (s >> Math.min(n, 31)) & m;
      cf = (s >> Math.min(n - 1, 31)) & 1;
      of = 0;
      break;
    }
    default: // SHL, SAL
      r = n >= 32 ? 0 : (a << n) & m;
      cf = n <= bits ? (a >>> (bits - n)) & 1 : 0;
      of = ((r >>> sign) & 1) ^ cf;
  }
  if (op < 4) {
    f = (f & ~(CF | OF)) | cf | (of ? OF : 0);
  } else {
    f = (f & ~ARITH) | cf | (of ? OF : 0) | PARITY[r & 0xff] | (r === 0 ? ZF : 0) |
      ((r >>> sign) & 1 ? SF : 0);
  }
  c.flags = f;
  c.fop = 0;
  return r;
}

function _count(c: CpuState, i: Insn): number {
  // Count: 1 (D0/D1), CL (D2/D3) or imm8 (C0/C1), masked to 5 bits (SDM SAL/SAR/SHL/SHR).
  const b = i.opc & 0xff;
  return (b >= 0xd2 ? c.r8[8] : b >= 0xd0 ? 1 : i.imm) & 0x1f;
}

function _shiftR(c: CpuState, i: Insn, w: number): void {
  const n = _count(c, i);
  if (n !== 0) setReg(c, i.rmX, w, shift(c, i.sub, getReg(c, i.rmX, w), n, w));
}

function _shiftM(c: CpuState, i: Insn, w: number): void {
  const n = _count(c, i);
  const lin = linRmw(c, i, w);
  const a = rdw(c, lin, w);
  if (n !== 0) wrN(c, lin, w, shift(c, i.sub, a, n, w));
}

function _testEGr(c: CpuState, i: Insn, w: number): void {
  _logic(c, getReg(c, i.rmX, w) & getReg(c, i.regX, w), w);
}

function _testEGm(c: CpuState, i: Insn, w: number): void {
  _logic(c, readM(c, i, w) & getReg(c, i.regX, w), w);
}

function _testAI(c: CpuState, i: Insn, w: number): void {
  _logic(c, getReg(c, 0, w) & i.imm & maskOf(w), w);
}

function _testEIr(c: CpuState, i: Insn, w: number): void {
  _logic(c, getReg(c, i.rmX, w) & i.imm & maskOf(w), w);
}

function _testEIm(c: CpuState, i: Insn, w: number): void {
  _logic(c, readM(c, i, w) & i.imm & maskOf(w), w);
}

function _incZ(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, _inc(c, getReg(c, i.regX, w), w));
}

function _decZ(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, _dec(c, getReg(c, i.regX, w), w));
}

function _flag(c: CpuState, i: Insn): void {
  const f = getFlags(c);
  c.fop = 0;
  switch (i.sub) {
    case 0:
      c.flags = f & ~CF;
      break;
    case 1:
      c.flags = f | CF;
      break;
    case 2:
      c.flags = f ^ CF;
      break;
    case 3:
      c.flags = f & ~DF;
      break;
    default:
      c.flags = f | DF;
  }
}

/** ALU-category handlers by name (see HANDLER_NAMES). */
export const ALU_HANDLERS: Record<string, Handler> = {
  aluEG8r: (c, i) => _aluEGr(c, i, 1),
  aluEG8m: (c, i) => _aluEGm(c, i, 1),
  aluEG16r: (c, i) => _aluEGr(c, i, 2),
  aluEG16m: (c, i) => _aluEGm(c, i, 2),
  aluEG32r: (c, i) => _aluEGr(c, i, 4),
  aluEG32m: (c, i) => _aluEGm(c, i, 4),
  aluGE8r: (c, i) => _aluGEr(c, i, 1),
  aluGE8m: (c, i) => _aluGEm(c, i, 1),
  aluGE16r: (c, i) => _aluGEr(c, i, 2),
  aluGE16m: (c, i) => _aluGEm(c, i, 2),
  aluGE32r: (c, i) => _aluGEr(c, i, 4),
  aluGE32m: (c, i) => _aluGEm(c, i, 4),
  aluEI8r: (c, i) => _aluEIr(c, i, 1),
  aluEI8m: (c, i) => _aluEIm(c, i, 1),
  aluEI16r: (c, i) => _aluEIr(c, i, 2),
  aluEI16m: (c, i) => _aluEIm(c, i, 2),
  aluEI32r: (c, i) => _aluEIr(c, i, 4),
  aluEI32m: (c, i) => _aluEIm(c, i, 4),
  testEG8r: (c, i) => _testEGr(c, i, 1),
  testEG8m: (c, i) => _testEGm(c, i, 1),
  testEG16r: (c, i) => _testEGr(c, i, 2),
  testEG16m: (c, i) => _testEGm(c, i, 2),
  testEG32r: (c, i) => _testEGr(c, i, 4),
  testEG32m: (c, i) => _testEGm(c, i, 4),
  testEI8r: (c, i) => _testEIr(c, i, 1),
  testEI8m: (c, i) => _testEIm(c, i, 1),
  testEI16r: (c, i) => _testEIr(c, i, 2),
  testEI16m: (c, i) => _testEIm(c, i, 2),
  testEI32r: (c, i) => _testEIr(c, i, 4),
  testEI32m: (c, i) => _testEIm(c, i, 4),
  shift8r: (c, i) => _shiftR(c, i, 1),
  shift8m: (c, i) => _shiftM(c, i, 1),
  shift16r: (c, i) => _shiftR(c, i, 2),
  shift16m: (c, i) => _shiftM(c, i, 2),
  shift32r: (c, i) => _shiftR(c, i, 4),
  shift32m: (c, i) => _shiftM(c, i, 4),
  not8r: (c, i) => _rmwR(c, i, 1, _not),
  not8m: (c, i) => _rmwM(c, i, 1, _not),
  not16r: (c, i) => _rmwR(c, i, 2, _not),
  not16m: (c, i) => _rmwM(c, i, 2, _not),
  not32r: (c, i) => _rmwR(c, i, 4, _not),
  not32m: (c, i) => _rmwM(c, i, 4, _not),
  neg8r: (c, i) => _rmwR(c, i, 1, _neg),
  neg8m: (c, i) => _rmwM(c, i, 1, _neg),
  neg16r: (c, i) => _rmwR(c, i, 2, _neg),
  neg16m: (c, i) => _rmwM(c, i, 2, _neg),
  neg32r: (c, i) => _rmwR(c, i, 4, _neg),
  neg32m: (c, i) => _rmwM(c, i, 4, _neg),
  incE8r: (c, i) => _rmwR(c, i, 1, _inc),
  incE8m: (c, i) => _rmwM(c, i, 1, _inc),
  incE16r: (c, i) => _rmwR(c, i, 2, _inc),
  incE16m: (c, i) => _rmwM(c, i, 2, _inc),
  incE32r: (c, i) => _rmwR(c, i, 4, _inc),
  incE32m: (c, i) => _rmwM(c, i, 4, _inc),
  decE8r: (c, i) => _rmwR(c, i, 1, _dec),
  decE8m: (c, i) => _rmwM(c, i, 1, _dec),
  decE16r: (c, i) => _rmwR(c, i, 2, _dec),
  decE16m: (c, i) => _rmwM(c, i, 2, _dec),
  decE32r: (c, i) => _rmwR(c, i, 4, _dec),
  decE32m: (c, i) => _rmwM(c, i, 4, _dec),
  aluAI8: (c, i) => _aluAI(c, i, 1),
  testAI8: (c, i) => _testAI(c, i, 1),
  aluAI16: (c, i) => _aluAI(c, i, 2),
  testAI16: (c, i) => _testAI(c, i, 2),
  aluAI32: (c, i) => _aluAI(c, i, 4),
  testAI32: (c, i) => _testAI(c, i, 4),
  incZ16: (c, i) => _incZ(c, i, 2),
  decZ16: (c, i) => _decZ(c, i, 2),
  incZ32: (c, i) => _incZ(c, i, 4),
  decZ32: (c, i) => _decZ(c, i, 4),
  flag: _flag,
};
