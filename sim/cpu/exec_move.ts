/**
 * Data movement (SDM vol. 2: MOV including MOV r64, imm64, moffs and
 * segment registers, MOVZX, MOVSX, MOVSXD, MOVBE, XCHG, XADD, CMPXCHG,
 * CMPXCHG8B, CMPXCHG16B, LEA, XLAT, LDS/LES/LFS/LGS/LSS, SETcc, CMOVcc,
 * NOP). Handlers come per width.
 *
 * - A 32-bit register write clears bits 63:32; CMOVcc r32 does so even when
 *   the condition is false, and reads its source (which may fault) always.
 * - NOP 90 with REX.B is XCHG r8, rAX; without it NOTHING is written (so
 *   `xchg eax, eax` does not clear RAX's high half).
 * - CMPXCHG: on equality only the destination is written (a 32-bit
 *   register zero-extended), on failure only the accumulator, except that
 *   a memory destination is written back unchanged (the SDM's DEST <- TEMP,
 *   a locked write): a register destination keeps bits 63:32, as hardware
 *   does. CMPXCHG8B/16B change only ZF and, on failure, EDX:EAX (zero-
 *   extended) or RDX:RAX; CMPXCHG16B needs a 16-byte aligned operand
 *   (#GP(0)).
 * - MOV from a segment register zero-extends into a 32/64-bit register and
 *   stores 16 bits to memory; MOV to CS or to selectors 6-7 is #UD; MOV SS
 *   blocks interrupts and debug traps for the next instruction.
 * - Memory is written before registers, so a faulting store changes no
 *   register.
 *
 * @module
 */

import {
  ea,
  ea64,
  getReg,
  HI,
  linM,
  linRmw,
  maskOf,
  type ReadE,
  readM,
  readM64,
  readR,
  setReg,
  setReg64,
  type WriteE,
  writeM,
  writeM64,
  writeR,
} from "./access.ts";
import { alu, alu64, hi64 } from "./exec_alu.ts";
import { getFlags, testCC } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { lin64, linR, linW, rd16, rd64, rd8, rdN, rdw, wr64, wrN } from "./mem.ts";
import { ZF } from "./operands.ts";
import { loadSeg } from "./segload.ts";
import { type CpuState, CS, raise, SS } from "./state.ts";

const _2_32 = 4294967296;

// --- MOV

function _movEG(c: CpuState, i: Insn, w: number, wr: WriteE): void {
  wr(c, i, w, getReg(c, i.regX, w));
}

function _movGE(c: CpuState, i: Insn, w: number, rd: ReadE): void {
  setReg(c, i.regX, w, rd(c, i, w));
}

function _movEI(c: CpuState, i: Insn, w: number, wr: WriteE): void {
  wr(c, i, w, i.imm & maskOf(w));
}

function _movZI(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, i.imm & maskOf(w));
}

function _movEG64(c: CpuState, i: Insn, mem: boolean): void {
  const lo = c.r32[i.regX], hi = c.r32[i.regX + 1];
  if (mem) writeM64(c, i, lo, hi);
  else setReg64(c, i.rmX, lo, hi);
}

function _movGE64(c: CpuState, i: Insn, mem: boolean): void {
  if (!mem) return setReg64(c, i.regX, c.r32[i.rmX], c.r32[i.rmX + 1]);
  const lo = readM64(c, i);
  setReg64(c, i.regX, lo, HI[0]);
}

function _movEI64(c: CpuState, i: Insn, mem: boolean): void {
  if (mem) writeM64(c, i, i.imm, i.immHi);
  else setReg64(c, i.rmX, i.imm, i.immHi);
}

// The moffs operand's linear address: address-size offset (64 bits in 64-bit mode).
function _moffs(c: CpuState, i: Insn, w: number, write: boolean): number {
  if (i.asz === 8) return lin64(c, i.seg, i.disp, i.immHi, w);
  const off = i.asz === 2 ? i.disp & 0xffff : i.disp >>> 0;
  return write ? linW(c, i.seg, off, w) : linR(c, i.seg, off, w);
}

function _movAO(c: CpuState, i: Insn, w: number): void {
  const lin = _moffs(c, i, w, false);
  if (w === 8) {
    const lo = rd64(c, lin);
    setReg64(c, 0, lo, HI[0]);
  } else setReg(c, 0, w, rdN(c, lin, w));
}

function _movOA(c: CpuState, i: Insn, w: number): void {
  const lin = _moffs(c, i, w, true);
  if (w === 8) wr64(c, lin, c.r32[0], c.r32[1]);
  else wrN(c, lin, w, getReg(c, 0, w));
}

// --- MOVZX, MOVSX, MOVSXD

function _movzx(c: CpuState, i: Insn, w: number, from: number, rd: ReadE): void {
  const v = rd(c, i, from);
  if (w === 8) setReg64(c, i.regX, v, 0);
  else setReg(c, i.regX, w, v);
}

function _movsx(c: CpuState, i: Insn, w: number, from: number, rd: ReadE): void {
  const s = 32 - from * 8;
  const v = (rd(c, i, from) << s) >> s;
  if (w === 8) setReg64(c, i.regX, v, v >> 31);
  else setReg(c, i.regX, w, v & maskOf(w));
}

// --- XCHG, XADD, CMPXCHG

function _xchgR(c: CpuState, i: Insn, w: number): void {
  if (w === 8) {
    const lo = c.r32[i.regX], hi = c.r32[i.regX + 1];
    setReg64(c, i.regX, c.r32[i.rmX], c.r32[i.rmX + 1]);
    return setReg64(c, i.rmX, lo, hi);
  }
  const b = getReg(c, i.regX, w);
  setReg(c, i.regX, w, getReg(c, i.rmX, w));
  setReg(c, i.rmX, w, b);
}

function _xchgM(c: CpuState, i: Insn, w: number): void {
  const lin = linRmw(c, i, w);
  if (w === 8) {
    const lo = rdw(c, lin, 8), hi = HI[0];
    wr64(c, lin, c.r32[i.regX], c.r32[i.regX + 1]);
    return setReg64(c, i.regX, lo, hi);
  }
  const a = rdw(c, lin, w) & maskOf(w);
  wrN(c, lin, w, getReg(c, i.regX, w));
  setReg(c, i.regX, w, a);
}

// Exchange rAX with the register in lane `x` (operand size `w`).
function _xchgA(c: CpuState, x: number, w: number): void {
  if (w === 8) {
    const lo = c.r32[0], hi = c.r32[1];
    setReg64(c, 0, c.r32[x], c.r32[x + 1]);
    return setReg64(c, x, lo, hi);
  }
  const a = getReg(c, 0, w);
  setReg(c, 0, w, getReg(c, x, w));
  setReg(c, x, w, a);
}

// 90: NOP, or XCHG r8, rAX with REX.B (the opcode's register field is then 8).
function _nop90(c: CpuState, i: Insn): void {
  if (i.rex & 1) _xchgA(c, i.osz === 2 ? 32 : 16, i.osz);
}

function _xadd(c: CpuState, i: Insn, w: number, mem: boolean): void {
  const s = getReg(c, i.regX, w);
  if (!mem) {
    const d = getReg(c, i.rmX, w);
    const t = alu(c, 0, d, s, w);
    setReg(c, i.regX, w, d);
    return setReg(c, i.rmX, w, t);
  }
  const lin = linRmw(c, i, w);
  const d = rdw(c, lin, w) & maskOf(w);
  wrN(c, lin, w, alu(c, 0, d, s, w));
  setReg(c, i.regX, w, d);
}

function _xadd64(c: CpuState, i: Insn, mem: boolean): void {
  const sl = c.r32[i.regX], sh = c.r32[i.regX + 1];
  if (!mem) {
    const dl = c.r32[i.rmX], dh = c.r32[i.rmX + 1];
    const tl = alu64(c, 0, dl, dh, sl, sh), th = hi64();
    setReg64(c, i.regX, dl, dh);
    return setReg64(c, i.rmX, tl, th);
  }
  const lin = linRmw(c, i, 8);
  const dl = rdw(c, lin, 8), dh = HI[0];
  const tl = alu64(c, 0, dl, dh, sl, sh);
  wr64(c, lin, tl, hi64());
  setReg64(c, i.regX, dl, dh);
}

function _cmpxchg(c: CpuState, i: Insn, w: number, mem: boolean): void {
  const lin = mem ? linRmw(c, i, w) : 0;
  const t = mem ? rdw(c, lin, w) & maskOf(w) : getReg(c, i.rmX, w);
  const a = getReg(c, 0, w);
  alu(c, 7, a, t, w);
  const eq = a === t;
  if (mem) wrN(c, lin, w, eq ? getReg(c, i.regX, w) : t);
  else if (eq) setReg(c, i.rmX, w, getReg(c, i.regX, w));
  if (!eq) setReg(c, 0, w, t);
}

function _cmpxchg64(c: CpuState, i: Insn, mem: boolean): void {
  const lin = mem ? linRmw(c, i, 8) : 0;
  let tl: number, th: number;
  if (mem) {
    tl = rdw(c, lin, 8);
    th = HI[0];
  } else {
    tl = c.r32[i.rmX];
    th = c.r32[i.rmX + 1];
  }
  const al = c.r32[0], ah = c.r32[1];
  alu64(c, 7, al, ah, tl, th);
  const eq = al === tl && ah === th;
  if (mem) wr64(c, lin, eq ? c.r32[i.regX] : tl, eq ? c.r32[i.regX + 1] : th);
  else if (eq) setReg64(c, i.rmX, c.r32[i.regX], c.r32[i.regX + 1]);
  if (!eq) setReg64(c, 0, tl, th);
}

function _setZF(c: CpuState, z: boolean): void {
  c.flags = (getFlags(c) & ~ZF) | (z ? ZF : 0);
  c.fop = 0;
}

// CMPXCHG8B m64: EDX:EAX against the operand; ECX:EBX stored on equality.
function _cmpxchg8b(c: CpuState, i: Insn): void {
  const lin = linRmw(c, i, 8);
  const tl = rdw(c, lin, 8), th = HI[0];
  const eq = tl === c.r32[0] && th === c.r32[4];
  wr64(c, lin, eq ? c.r32[6] : tl, eq ? c.r32[2] : th);
  _setZF(c, eq);
  if (!eq) {
    setReg(c, 0, 4, tl);
    setReg(c, 4, 4, th);
  }
}

// CMPXCHG16B m128: RDX:RAX against the operand; RCX:RBX stored on equality.
function _cmpxchg16b(c: CpuState, i: Insn): void {
  const lo = ea64(c, i);
  if (lo & 15) raise(c, 13, 0);
  const lin = linRmw(c, i, 16);
  const l0 = rdw(c, lin, 8), l1 = HI[0];
  const h0 = rdw(c, lin + 8, 8), h1 = HI[0];
  const r = c.r32;
  const eq = l0 === r[0] && l1 === r[1] && h0 === r[4] && h1 === r[5];
  if (eq) {
    wr64(c, lin, r[6], r[7]);
    wr64(c, lin + 8, r[2], r[3]);
  } else {
    wr64(c, lin, l0, l1);
    wr64(c, lin + 8, h0, h1);
    setReg64(c, 0, l0, l1);
    setReg64(c, 4, h0, h1);
  }
  _setZF(c, eq);
}

// --- MOVBE

function _bswap16(v: number): number {
  return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
}

function _bswap32(v: number): number {
  return ((v << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) | 0;
}

function _movbeLoad(c: CpuState, i: Insn, w: number): void {
  if (w === 8) {
    const lo = readM64(c, i), hi = HI[0];
    return setReg64(c, i.regX, _bswap32(hi), _bswap32(lo));
  }
  const v = readM(c, i, w);
  setReg(c, i.regX, w, w === 2 ? _bswap16(v) : _bswap32(v));
}

function _movbeStore(c: CpuState, i: Insn, w: number): void {
  if (w === 8) return writeM64(c, i, _bswap32(c.r32[i.regX + 1]), _bswap32(c.r32[i.regX]));
  const v = getReg(c, i.regX, w);
  writeM(c, i, w, w === 2 ? _bswap16(v) : _bswap32(v));
}

// --- LEA, XLAT, CMOVcc, SETcc

function _lea(c: CpuState, i: Insn, w: number): void {
  if (w === 8) {
    const lo = ea64(c, i);
    return setReg64(c, i.regX, lo, HI[0]);
  }
  setReg(c, i.regX, w, ea(c, i) & maskOf(w));
}

// XLAT: AL <- [seg:rBX + AL] (DS unless overridden), the sum cut to the address size.
function _xlat(c: CpuState, i: Insn): void {
  const seg = i.segPfx >= 0 ? i.segPfx : 3;
  const al = c.r8[0];
  let lin: number;
  if (i.asz === 2) lin = linR(c, seg, (c.r16[12] + al) & 0xffff, 1);
  else if (i.asz === 4) lin = linR(c, seg, ((c.r32[6] >>> 0) + al) >>> 0, 1);
  else {
    const s = (c.r32[6] >>> 0) + al;
    lin = lin64(c, seg, s | 0, (c.r32[7] + (s >= _2_32 ? 1 : 0)) | 0, 1);
  }
  c.r8[0] = rd8(c, lin);
}

function _cmov(c: CpuState, i: Insn, w: number, rd: ReadE): void {
  const v = rd(c, i, w);
  if (testCC(c, i.sub)) setReg(c, i.regX, w, v);
  else if (w === 4) c.r32[i.regX + 1] = 0;
}

function _cmov64(c: CpuState, i: Insn, mem: boolean): void {
  let lo: number, hi: number;
  if (mem) {
    lo = readM64(c, i);
    hi = HI[0];
  } else {
    lo = c.r32[i.rmX];
    hi = c.r32[i.rmX + 1];
  }
  if (testCC(c, i.sub)) setReg64(c, i.regX, lo, hi);
}

function _setcc(c: CpuState, i: Insn, wr: WriteE): void {
  wr(c, i, 1, testCC(c, i.sub) ? 1 : 0);
}

function _nop(_c: CpuState, _i: Insn): void {}

// --- Segment registers: MOV Sreg, LDS/LES/LFS/LGS/LSS

// MOV Ev, Sw: a register gets the selector zero-extended to the operand size, memory 16 bits.
function _movES(c: CpuState, i: Insn, w: number, mem: boolean): void {
  const v = c.segSel[i.reg];
  if (mem) writeM(c, i, 2, v);
  else if (w === 8) setReg64(c, i.rmX, v, 0);
  else setReg(c, i.rmX, w, v);
}

function _movSE(c: CpuState, i: Insn, rd: ReadE): void {
  if (i.reg === CS) raise(c, 6);
  loadSeg(c, i.reg, rd(c, i, 2));
  if (i.reg === SS) {
    c.newBlock = 2;
    c.brk = true;
  }
}

// LDS/LES/LFS/LGS/LSS Gv, Mp: offset (operand size), then the selector.
function _lxs(c: CpuState, i: Insn, w: number): void {
  const lin = linM(c, i, w + 2);
  let lo: number, hi = 0;
  if (w === 8) {
    lo = rd64(c, lin);
    hi = HI[0];
  } else lo = rdN(c, lin, w);
  const sel = rd16(c, lin + w);
  loadSeg(c, i.sub, sel);
  if (w === 8) setReg64(c, i.regX, lo, hi);
  else setReg(c, i.regX, w, lo);
}

/** Move-category handlers by name. */
export const MOVE_HANDLERS: Record<string, Handler> = {
  movEG8r: (c, i) => _movEG(c, i, 1, writeR),
  movEG8m: (c, i) => _movEG(c, i, 1, writeM),
  movEG16r: (c, i) => _movEG(c, i, 2, writeR),
  movEG16m: (c, i) => _movEG(c, i, 2, writeM),
  movEG32r: (c, i) => _movEG(c, i, 4, writeR),
  movEG32m: (c, i) => _movEG(c, i, 4, writeM),
  movEG64r: (c, i) => _movEG64(c, i, false),
  movEG64m: (c, i) => _movEG64(c, i, true),
  movGE8r: (c, i) => _movGE(c, i, 1, readR),
  movGE8m: (c, i) => _movGE(c, i, 1, readM),
  movGE16r: (c, i) => _movGE(c, i, 2, readR),
  movGE16m: (c, i) => _movGE(c, i, 2, readM),
  movGE32r: (c, i) => _movGE(c, i, 4, readR),
  movGE32m: (c, i) => _movGE(c, i, 4, readM),
  movGE64r: (c, i) => _movGE64(c, i, false),
  movGE64m: (c, i) => _movGE64(c, i, true),
  movEI8r: (c, i) => _movEI(c, i, 1, writeR),
  movEI8m: (c, i) => _movEI(c, i, 1, writeM),
  movEI16r: (c, i) => _movEI(c, i, 2, writeR),
  movEI16m: (c, i) => _movEI(c, i, 2, writeM),
  movEI32r: (c, i) => _movEI(c, i, 4, writeR),
  movEI32m: (c, i) => _movEI(c, i, 4, writeM),
  movEI64r: (c, i) => _movEI64(c, i, false),
  movEI64m: (c, i) => _movEI64(c, i, true),
  movZI8: (c, i) => _movZI(c, i, 1),
  movZI16: (c, i) => _movZI(c, i, 2),
  movZI32: (c, i) => _movZI(c, i, 4),
  movZI64: (c, i) => setReg64(c, i.regX, i.imm, i.immHi),
  movAO8: (c, i) => _movAO(c, i, 1),
  movAO16: (c, i) => _movAO(c, i, 2),
  movAO32: (c, i) => _movAO(c, i, 4),
  movAO64: (c, i) => _movAO(c, i, 8),
  movOA8: (c, i) => _movOA(c, i, 1),
  movOA16: (c, i) => _movOA(c, i, 2),
  movOA32: (c, i) => _movOA(c, i, 4),
  movOA64: (c, i) => _movOA(c, i, 8),
  movzxb16r: (c, i) => _movzx(c, i, 2, 1, readR),
  movzxb16m: (c, i) => _movzx(c, i, 2, 1, readM),
  movzxb32r: (c, i) => _movzx(c, i, 4, 1, readR),
  movzxb32m: (c, i) => _movzx(c, i, 4, 1, readM),
  movzxb64r: (c, i) => _movzx(c, i, 8, 1, readR),
  movzxb64m: (c, i) => _movzx(c, i, 8, 1, readM),
  movzxw16r: (c, i) => _movzx(c, i, 2, 2, readR),
  movzxw16m: (c, i) => _movzx(c, i, 2, 2, readM),
  movzxw32r: (c, i) => _movzx(c, i, 4, 2, readR),
  movzxw32m: (c, i) => _movzx(c, i, 4, 2, readM),
  movzxw64r: (c, i) => _movzx(c, i, 8, 2, readR),
  movzxw64m: (c, i) => _movzx(c, i, 8, 2, readM),
  movsxb16r: (c, i) => _movsx(c, i, 2, 1, readR),
  movsxb16m: (c, i) => _movsx(c, i, 2, 1, readM),
  movsxb32r: (c, i) => _movsx(c, i, 4, 1, readR),
  movsxb32m: (c, i) => _movsx(c, i, 4, 1, readM),
  movsxb64r: (c, i) => _movsx(c, i, 8, 1, readR),
  movsxb64m: (c, i) => _movsx(c, i, 8, 1, readM),
  movsxw16r: (c, i) => _movsx(c, i, 2, 2, readR),
  movsxw16m: (c, i) => _movsx(c, i, 2, 2, readM),
  movsxw32r: (c, i) => _movsx(c, i, 4, 2, readR),
  movsxw32m: (c, i) => _movsx(c, i, 4, 2, readM),
  movsxw64r: (c, i) => _movsx(c, i, 8, 2, readR),
  movsxw64m: (c, i) => _movsx(c, i, 8, 2, readM),
  // MOVSXD r16/r32 copy (the 16-bit form keeps bits 63:16); r64 sign-extends. The source is
  // decoded as a 32-bit register (Ed), so the 16-bit form takes its low half.
  movsxd16r: (c, i) => setReg(c, i.regX, 2, c.r32[i.rmX] & 0xffff),
  movsxd16m: (c, i) => _movGE(c, i, 2, readM),
  movsxd32r: (c, i) => _movGE(c, i, 4, readR),
  movsxd32m: (c, i) => _movGE(c, i, 4, readM),
  movsxd64r: (c, i) => _movsx(c, i, 8, 4, readR),
  movsxd64m: (c, i) => _movsx(c, i, 8, 4, readM),
  movbeGM16m: (c, i) => _movbeLoad(c, i, 2),
  movbeGM32m: (c, i) => _movbeLoad(c, i, 4),
  movbeGM64m: (c, i) => _movbeLoad(c, i, 8),
  movbeMG16m: (c, i) => _movbeStore(c, i, 2),
  movbeMG32m: (c, i) => _movbeStore(c, i, 4),
  movbeMG64m: (c, i) => _movbeStore(c, i, 8),
  xchgEG8r: (c, i) => _xchgR(c, i, 1),
  xchgEG8m: (c, i) => _xchgM(c, i, 1),
  xchgEG16r: (c, i) => _xchgR(c, i, 2),
  xchgEG16m: (c, i) => _xchgM(c, i, 2),
  xchgEG32r: (c, i) => _xchgR(c, i, 4),
  xchgEG32m: (c, i) => _xchgM(c, i, 4),
  xchgEG64r: (c, i) => _xchgR(c, i, 8),
  xchgEG64m: (c, i) => _xchgM(c, i, 8),
  xchgZA16: (c, i) => _xchgA(c, i.regX, 2),
  xchgZA32: (c, i) => _xchgA(c, i.regX, 4),
  xchgZA64: (c, i) => _xchgA(c, i.regX, 8),
  nop90: _nop90,
  xadd8r: (c, i) => _xadd(c, i, 1, false),
  xadd8m: (c, i) => _xadd(c, i, 1, true),
  xadd16r: (c, i) => _xadd(c, i, 2, false),
  xadd16m: (c, i) => _xadd(c, i, 2, true),
  xadd32r: (c, i) => _xadd(c, i, 4, false),
  xadd32m: (c, i) => _xadd(c, i, 4, true),
  xadd64r: (c, i) => _xadd64(c, i, false),
  xadd64m: (c, i) => _xadd64(c, i, true),
  cmpxchg8r: (c, i) => _cmpxchg(c, i, 1, false),
  cmpxchg8m: (c, i) => _cmpxchg(c, i, 1, true),
  cmpxchg16r: (c, i) => _cmpxchg(c, i, 2, false),
  cmpxchg16m: (c, i) => _cmpxchg(c, i, 2, true),
  cmpxchg32r: (c, i) => _cmpxchg(c, i, 4, false),
  cmpxchg32m: (c, i) => _cmpxchg(c, i, 4, true),
  cmpxchg64r: (c, i) => _cmpxchg64(c, i, false),
  cmpxchg64m: (c, i) => _cmpxchg64(c, i, true),
  cmpxchg8b16m: _cmpxchg8b,
  cmpxchg8b32m: _cmpxchg8b,
  cmpxchg8b64m: _cmpxchg16b,
  lea16m: (c, i) => _lea(c, i, 2),
  lea32m: (c, i) => _lea(c, i, 4),
  lea64m: (c, i) => _lea(c, i, 8),
  xlat: _xlat,
  cmovcc16r: (c, i) => _cmov(c, i, 2, readR),
  cmovcc16m: (c, i) => _cmov(c, i, 2, readM),
  cmovcc32r: (c, i) => _cmov(c, i, 4, readR),
  cmovcc32m: (c, i) => _cmov(c, i, 4, readM),
  cmovcc64r: (c, i) => _cmov64(c, i, false),
  cmovcc64m: (c, i) => _cmov64(c, i, true),
  setcc8r: (c, i) => _setcc(c, i, writeR),
  setcc8m: (c, i) => _setcc(c, i, writeM),
  nop: _nop,
  nop16r: _nop,
  nop16m: _nop,
  nop32r: _nop,
  nop32m: _nop,
  nop64r: _nop,
  nop64m: _nop,
  movES16r: (c, i) => _movES(c, i, 2, false),
  movES16m: (c, i) => _movES(c, i, 2, true),
  movES32r: (c, i) => _movES(c, i, 4, false),
  movES32m: (c, i) => _movES(c, i, 4, true),
  movES64r: (c, i) => _movES(c, i, 8, false),
  movES64m: (c, i) => _movES(c, i, 8, true),
  movSEr: (c, i) => _movSE(c, i, readR),
  movSEm: (c, i) => _movSE(c, i, readM),
  lxs16m: (c, i) => _lxs(c, i, 2),
  lxs32m: (c, i) => _lxs(c, i, 4),
  lxs64m: (c, i) => _lxs(c, i, 8),
};
