/**
 * Arithmetic and logic instructions (SDM vol. 2: ADD ADC SUB SBB AND OR XOR
 * CMP TEST INC DEC NEG NOT, ADCX ADOX, CLC STC CMC CLD STD) at 8, 16, 32
 * and 64 bits. Handlers come per width and per register or memory form;
 * `i.sub` selects the operation within a family. Flags are lazy (flags.ts);
 * 64-bit operands are two int32 halves (see access.ts).
 *
 * @module
 */

import { getReg, HI, linRmw, maskOf, readM, readM64, setReg } from "./access.ts";
import {
  getCF,
  getFlags,
  getOF,
  K_ADC,
  K_ADD,
  K_DEC,
  K_INC,
  K_LOGIC,
  K_SBB,
  K_SUB,
  keepCF,
  lazy64,
} from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { rdw, wr64, wrN } from "./mem.ts";
import { CF, DF, OF } from "./operands.ts";
import type { CpuState } from "./state.ts";

function _wl(w: number): number {
  return w === 1 ? 0 : w === 2 ? 1 : 2;
}

/** Apply ALU operation `op` (ADD OR ADC SBB AND SUB XOR CMP) to a, b of width `w`; set lazy flags. */
export function alu(c: CpuState, op: number, a: number, b: number, w: number): number {
  // One flag read (ADC, SBB) and no switch: small enough for V8 to inline into every handler.
  const m = maskOf(w), cf = (op === 2 || op === 3) && getCF(c) !== 0 ? 1 : 0;
  b &= m;
  let r: number, k: number;
  if (op === 0 || op === 2) {
    r = (a + b + cf) & m;
    k = cf ? K_ADC : K_ADD;
  } else if (op === 3 || op === 5 || op === 7) {
    r = (a - b - cf) & m;
    k = cf ? K_SBB : K_SUB;
  } else {
    r = op === 1 ? a | b : op === 4 ? a & b : a ^ b;
    k = K_LOGIC;
  }
  c.fa = a;
  c.fb = b;
  c.fres = r;
  c.fop = k | _wl(w);
  return r;
}

// High half of the last 64-bit result (alu64 and the unary helpers return the low half).
let _hi = 0;

/**
 * 64-bit ALU operation `op` on (ah:al) and (bh:bl): returns the low half of
 * the result, leaves the high half for `hi64()`, sets lazy flags.
 */
export function alu64(
  c: CpuState,
  op: number,
  al: number,
  ah: number,
  bl: number,
  bh: number,
): number {
  // One flag read for ADC and SBB and one lazy64 for the arithmetic: small enough for V8 to
  // inline into a handler together with a memory read.
  const cf = (op === 2 || op === 3) && getCF(c) !== 0 ? 1 : 0;
  let rl: number, rh: number, k: number;
  if (op === 0 || op === 2) {
    rl = (al + bl + cf) | 0;
    const cout = cf ? (rl >>> 0) <= (al >>> 0) : (rl >>> 0) < (al >>> 0);
    rh = (ah + bh + (cout ? 1 : 0)) | 0;
    k = cout ? K_ADC : K_ADD;
  } else if (op === 3 || op === 5 || op === 7) {
    rl = (al - bl - cf) | 0;
    const bout = cf ? (al >>> 0) <= (bl >>> 0) : (al >>> 0) < (bl >>> 0);
    rh = (ah - bh - (bout ? 1 : 0)) | 0;
    k = bout ? K_SBB : K_SUB;
  } else {
    rl = op === 1 ? al | bl : op === 4 ? al & bl : al ^ bl;
    rh = op === 1 ? ah | bh : op === 4 ? ah & bh : ah ^ bh;
    k = K_LOGIC;
    al =
      ah =
      bl =
      bh =
        0;
  }
  lazy64(c, k, ah, bh, rh, al, bl, rl);
  _hi = rh;
  return rl;
}

/** High half of the last 64-bit result of this module's helpers. */
export function hi64(): number {
  return _hi;
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

// 32-bit forms writing register lane `d` (the high half cleared, as 32-bit results do).
function _alu32(c: CpuState, op: number, d: number, b: number): void {
  const r = alu(c, op, c.r32[d], b, 4);
  if (op !== 7) {
    c.r32[d] = r;
    c.r32[d + 1] = 0;
  }
}

// 32-bit INC and DEC of lane `x`.
function _incDec32(c: CpuState, x: number, dec: boolean): void {
  keepCF(c);
  const a = c.r32[x], r = dec ? (a - 1) | 0 : (a + 1) | 0;
  c.fa = a;
  c.fb = 1;
  c.fres = r;
  c.fop = (dec ? K_DEC : K_INC) | 2;
  c.r32[x] = r;
  c.r32[x + 1] = 0;
}

// 64-bit register forms: lanes x (low) and x + 1 (high). Immediates are sign-extended.

function _alu64RR(c: CpuState, op: number, d: number, s: number): void {
  const r = c.r32;
  const lo = alu64(c, op, r[d], r[d + 1], r[s], r[s + 1]);
  if (op !== 7) {
    r[d] = lo;
    r[d + 1] = _hi;
  }
}

function _alu64RI(c: CpuState, op: number, d: number, imm: number): void {
  const r = c.r32;
  const lo = alu64(c, op, r[d], r[d + 1], imm, imm >> 31);
  if (op !== 7) {
    r[d] = lo;
    r[d + 1] = _hi;
  }
}

// 64-bit memory forms. CMP and TEST only read; the others read with write permission first.

function _alu64M(c: CpuState, i: Insn, bl: number, bh: number): void {
  if (i.sub === 7) {
    const al = readM64(c, i);
    alu64(c, 7, al, HI[0], bl, bh);
    return;
  }
  const lin = linRmw(c, i, 8);
  const al = rdw(c, lin, 8);
  const lo = alu64(c, i.sub, al, HI[0], bl, bh);
  wr64(c, lin, lo, _hi);
}

function _aluGE64m(c: CpuState, i: Insn): void {
  const bl = readM64(c, i), r = c.r32, d = i.regX;
  const lo = alu64(c, i.sub, r[d], r[d + 1], bl, HI[0]);
  if (i.sub !== 7) {
    r[d] = lo;
    r[d + 1] = _hi;
  }
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

type _Unary64 = (c: CpuState, lo: number, hi: number) => number;

// 64-bit unary operations: (hi:lo) to a low half returned and `_hi`.

function _inc64(c: CpuState, lo: number, hi: number): number {
  keepCF(c);
  const rl = (lo + 1) | 0, carry = rl === 0 ? 1 : 0;
  _hi = (hi + carry) | 0;
  lazy64(c, K_INC, hi, carry, _hi, lo, 1, rl);
  return rl;
}

function _dec64(c: CpuState, lo: number, hi: number): number {
  keepCF(c);
  const rl = (lo - 1) | 0, borrow = lo === 0 ? 1 : 0;
  _hi = (hi - borrow) | 0;
  lazy64(c, K_DEC, hi, borrow, _hi, lo, 1, rl);
  return rl;
}

function _neg64(c: CpuState, lo: number, hi: number): number {
  return alu64(c, 5, 0, 0, lo, hi);
}

function _not64(_c: CpuState, lo: number, hi: number): number {
  _hi = ~hi;
  return ~lo;
}

function _rmw64R(c: CpuState, i: Insn, f: _Unary64): void {
  const r = c.r32, x = i.rmX;
  r[x] = f(c, r[x], r[x + 1]);
  r[x + 1] = _hi;
}

function _rmw64M(c: CpuState, i: Insn, f: _Unary64): void {
  const lin = linRmw(c, i, 8);
  const lo = rdw(c, lin, 8);
  const rl = f(c, lo, HI[0]);
  wr64(c, lin, rl, _hi);
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

/**
 * ADCX (sub 0: carry in and out through CF) and ADOX (sub 1: through OF):
 * an unsigned add with carry of (bh:bl) into the G register, 32 or 64 bits
 * (`w`), that writes only that one flag (SDM ADCX, ADOX).
 */
function _adx(c: CpuState, i: Insn, bl: number, bh: number, w: number): void {
  const flag = i.sub === 0 ? CF : OF;
  const cin = (i.sub === 0 ? getCF(c) : getOF(c)) ? 1 : 0;
  const r = c.r32, d = i.regX, al = r[d];
  const rl = (al + bl + cin) | 0;
  let cout = cin ? (rl >>> 0) <= (bl >>> 0) : (rl >>> 0) < (bl >>> 0);
  if (w === 8) {
    const rh = (r[d + 1] + bh + (cout ? 1 : 0)) | 0;
    cout = cout ? (rh >>> 0) <= (bh >>> 0) : (rh >>> 0) < (bh >>> 0);
    r[d + 1] = rh;
  } else r[d + 1] = 0;
  r[d] = rl;
  const f = getFlags(c);
  c.flags = cout ? f | flag : f & ~flag;
  c.fop = 0;
}

/** TEST of two 64-bit values: flags only. */
export function alu64Test(c: CpuState, al: number, ah: number, bl: number, bh: number): void {
  lazy64(c, K_LOGIC, 0, 0, ah & bh, 0, 0, al & bl);
}

/** ALU-category handlers by name (see HANDLER_NAMES). */
export const ALU_HANDLERS: Record<string, Handler> = {
  aluEG8r: (c, i) => _aluEGr(c, i, 1),
  aluEG8m: (c, i) => _aluEGm(c, i, 1),
  aluEG16r: (c, i) => _aluEGr(c, i, 2),
  aluEG16m: (c, i) => _aluEGm(c, i, 2),
  aluEG32r: (c, i) => _alu32(c, i.sub, i.rmX, c.r32[i.regX]),
  aluEG32m: (c, i) => _aluEGm(c, i, 4),
  aluEG64r: (c, i) => _alu64RR(c, i.sub, i.rmX, i.regX),
  aluEG64m: (c, i) => _alu64M(c, i, c.r32[i.regX], c.r32[i.regX + 1]),
  aluGE8r: (c, i) => _aluGEr(c, i, 1),
  aluGE8m: (c, i) => _aluGEm(c, i, 1),
  aluGE16r: (c, i) => _aluGEr(c, i, 2),
  aluGE16m: (c, i) => _aluGEm(c, i, 2),
  aluGE32r: (c, i) => _alu32(c, i.sub, i.regX, c.r32[i.rmX]),
  aluGE32m: (c, i) => _alu32(c, i.sub, i.regX, readM(c, i, 4)),
  aluGE64r: (c, i) => _alu64RR(c, i.sub, i.regX, i.rmX),
  aluGE64m: _aluGE64m,
  aluEI8r: (c, i) => _aluEIr(c, i, 1),
  aluEI8m: (c, i) => _aluEIm(c, i, 1),
  aluEI16r: (c, i) => _aluEIr(c, i, 2),
  aluEI16m: (c, i) => _aluEIm(c, i, 2),
  aluEI32r: (c, i) => _alu32(c, i.sub, i.rmX, i.imm),
  aluEI32m: (c, i) => _aluEIm(c, i, 4),
  aluEI64r: (c, i) => _alu64RI(c, i.sub, i.rmX, i.imm),
  aluEI64m: (c, i) => _alu64M(c, i, i.imm, i.imm >> 31),
  aluAI8: (c, i) => _aluAI(c, i, 1),
  aluAI16: (c, i) => _aluAI(c, i, 2),
  aluAI32: (c, i) => _alu32(c, i.sub, 0, i.imm),
  aluAI64: (c, i) => _alu64RI(c, i.sub, 0, i.imm),
  testEG8r: (c, i) => _testEGr(c, i, 1),
  testEG8m: (c, i) => _testEGm(c, i, 1),
  testEG16r: (c, i) => _testEGr(c, i, 2),
  testEG16m: (c, i) => _testEGm(c, i, 2),
  testEG32r: (c, i) => _testEGr(c, i, 4),
  testEG32m: (c, i) => _testEGm(c, i, 4),
  testEG64r: (c, i) =>
    alu64Test(c, c.r32[i.rmX], c.r32[i.rmX + 1], c.r32[i.regX], c.r32[i.regX + 1]),
  testEG64m: (c, i) => {
    const lo = readM64(c, i);
    alu64Test(c, lo, HI[0], c.r32[i.regX], c.r32[i.regX + 1]);
  },
  testEI8r: (c, i) => _testEIr(c, i, 1),
  testEI8m: (c, i) => _testEIm(c, i, 1),
  testEI16r: (c, i) => _testEIr(c, i, 2),
  testEI16m: (c, i) => _testEIm(c, i, 2),
  testEI32r: (c, i) => _testEIr(c, i, 4),
  testEI32m: (c, i) => _testEIm(c, i, 4),
  testEI64r: (c, i) => alu64Test(c, c.r32[i.rmX], c.r32[i.rmX + 1], i.imm, i.imm >> 31),
  testEI64m: (c, i) => {
    const lo = readM64(c, i);
    alu64Test(c, lo, HI[0], i.imm, i.imm >> 31);
  },
  testAI8: (c, i) => _testAI(c, i, 1),
  testAI16: (c, i) => _testAI(c, i, 2),
  testAI32: (c, i) => _testAI(c, i, 4),
  testAI64: (c, i) => alu64Test(c, c.r32[0], c.r32[1], i.imm, i.imm >> 31),
  not8r: (c, i) => _rmwR(c, i, 1, _not),
  not8m: (c, i) => _rmwM(c, i, 1, _not),
  not16r: (c, i) => _rmwR(c, i, 2, _not),
  not16m: (c, i) => _rmwM(c, i, 2, _not),
  not32r: (c, i) => _rmwR(c, i, 4, _not),
  not32m: (c, i) => _rmwM(c, i, 4, _not),
  not64r: (c, i) => _rmw64R(c, i, _not64),
  not64m: (c, i) => _rmw64M(c, i, _not64),
  neg8r: (c, i) => _rmwR(c, i, 1, _neg),
  neg8m: (c, i) => _rmwM(c, i, 1, _neg),
  neg16r: (c, i) => _rmwR(c, i, 2, _neg),
  neg16m: (c, i) => _rmwM(c, i, 2, _neg),
  neg32r: (c, i) => _rmwR(c, i, 4, _neg),
  neg32m: (c, i) => _rmwM(c, i, 4, _neg),
  neg64r: (c, i) => _rmw64R(c, i, _neg64),
  neg64m: (c, i) => _rmw64M(c, i, _neg64),
  incE8r: (c, i) => _rmwR(c, i, 1, _inc),
  incE8m: (c, i) => _rmwM(c, i, 1, _inc),
  incE16r: (c, i) => _rmwR(c, i, 2, _inc),
  incE16m: (c, i) => _rmwM(c, i, 2, _inc),
  incE32r: (c, i) => _incDec32(c, i.rmX, false),
  incE32m: (c, i) => _rmwM(c, i, 4, _inc),
  incE64r: (c, i) => _rmw64R(c, i, _inc64),
  incE64m: (c, i) => _rmw64M(c, i, _inc64),
  decE8r: (c, i) => _rmwR(c, i, 1, _dec),
  decE8m: (c, i) => _rmwM(c, i, 1, _dec),
  decE16r: (c, i) => _rmwR(c, i, 2, _dec),
  decE16m: (c, i) => _rmwM(c, i, 2, _dec),
  decE32r: (c, i) => _incDec32(c, i.rmX, true),
  decE32m: (c, i) => _rmwM(c, i, 4, _dec),
  decE64r: (c, i) => _rmw64R(c, i, _dec64),
  decE64m: (c, i) => _rmw64M(c, i, _dec64),
  incZ16: (c, i) => _incZ(c, i, 2),
  decZ16: (c, i) => _decZ(c, i, 2),
  incZ32: (c, i) => _incDec32(c, i.regX, false),
  decZ32: (c, i) => _incDec32(c, i.regX, true),
  flag: _flag,
  adx32r: (c, i) => _adx(c, i, c.r32[i.rmX], 0, 4),
  adx32m: (c, i) => _adx(c, i, readM(c, i, 4), 0, 4),
  adx64r: (c, i) => _adx(c, i, c.r32[i.rmX], c.r32[i.rmX + 1], 8),
  adx64m: (c, i) => _adx(c, i, readM64(c, i), HI[0], 8),
};
