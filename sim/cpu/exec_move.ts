/**
 * Data movement (SDM vol. 2: MOV, MOVZX, MOVSX, XCHG, LEA, SETcc, CMOVcc,
 * NOP). Handlers come per width.
 *
 * @module
 */

import { ea, getReg, maskOf, readE, setReg, writeE } from "./access.ts";
import { testCC } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { linR, linW, rdN, rdw, wrN } from "./mem.ts";
import type { CpuState } from "./state.ts";

function _xchgEG(c: CpuState, i: Insn, w: number): void {
  const b = getReg(c, i.regX, w);
  if (i.rm >= 0) {
    setReg(c, i.regX, w, getReg(c, i.rmX, w));
    setReg(c, i.rmX, w, b);
  } else {
    const lin = linW(c, i.seg, ea(c, i), w);
    const a = rdw(c, lin, w) & maskOf(w);
    wrN(c, lin, w, b);
    setReg(c, i.regX, w, a);
  }
}

function _xchgZA(c: CpuState, i: Insn, w: number): void {
  const a = getReg(c, 0, w);
  setReg(c, 0, w, getReg(c, i.regX, w));
  setReg(c, i.regX, w, a);
}

function _cmov(c: CpuState, i: Insn, w: number): void {
  // The source is read (and may fault) whatever the condition (SDM CMOVcc).
  const v = readE(c, i, w);
  if (testCC(c, i.sub)) setReg(c, i.regX, w, v);
  else if (w === 4) c.r32[i.regX + 1] = 0;
}

function _lea(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, ea(c, i) & maskOf(w));
}

function _nop(_c: CpuState, _i: Insn): void {}

function _movEG(c: CpuState, i: Insn, w: number): void {
  writeE(c, i, w, getReg(c, i.regX, w));
}

function _movGE(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, readE(c, i, w));
}

function _movEI(c: CpuState, i: Insn, w: number): void {
  writeE(c, i, w, i.imm & maskOf(w));
}

function _movZI(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, i.imm & maskOf(w));
}

function _movAO(c: CpuState, i: Insn, w: number): void {
  setReg(c, 0, w, rdN(c, linR(c, i.seg, _moffs(i), w), w));
}

function _movOA(c: CpuState, i: Insn, w: number): void {
  wrN(c, linW(c, i.seg, _moffs(i), w), w, getReg(c, 0, w));
}

function _movzxb(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, readE(c, i, 1));
}

function _movzxw(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, readE(c, i, 2));
}

function _movsxb(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, ((readE(c, i, 1) << 24) >> 24) & maskOf(w));
}

function _movsxw(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, ((readE(c, i, 2) << 16) >> 16) & maskOf(w));
}

/** Move-category handlers by name. */
export const MOVE_HANDLERS: Record<string, Handler> = {
  movEG8: (c, i) => _movEG(c, i, 1),
  movEG16: (c, i) => _movEG(c, i, 2),
  movEG32: (c, i) => _movEG(c, i, 4),
  movGE8: (c, i) => _movGE(c, i, 1),
  movGE16: (c, i) => _movGE(c, i, 2),
  movGE32: (c, i) => _movGE(c, i, 4),
  movEI8: (c, i) => _movEI(c, i, 1),
  movEI16: (c, i) => _movEI(c, i, 2),
  movEI32: (c, i) => _movEI(c, i, 4),
  movZI8: (c, i) => _movZI(c, i, 1),
  movZI16: (c, i) => _movZI(c, i, 2),
  movZI32: (c, i) => _movZI(c, i, 4),
  movAO8: (c, i) => _movAO(c, i, 1),
  movAO16: (c, i) => _movAO(c, i, 2),
  movAO32: (c, i) => _movAO(c, i, 4),
  movOA8: (c, i) => _movOA(c, i, 1),
  movOA16: (c, i) => _movOA(c, i, 2),
  movOA32: (c, i) => _movOA(c, i, 4),
  movzxb16: (c, i) => _movzxb(c, i, 2),
  movzxb32: (c, i) => _movzxb(c, i, 4),
  movzxw16: (c, i) => _movzxw(c, i, 2),
  movzxw32: (c, i) => _movzxw(c, i, 4),
  movsxb16: (c, i) => _movsxb(c, i, 2),
  movsxb32: (c, i) => _movsxb(c, i, 4),
  movsxw16: (c, i) => _movsxw(c, i, 2),
  movsxw32: (c, i) => _movsxw(c, i, 4),
  xchgEG8: (c, i) => _xchgEG(c, i, 1),
  xchgEG16: (c, i) => _xchgEG(c, i, 2),
  xchgEG32: (c, i) => _xchgEG(c, i, 4),
  xchgZA16: (c, i) => _xchgZA(c, i, 2),
  xchgZA32: (c, i) => _xchgZA(c, i, 4),
  cmovcc16: (c, i) => _cmov(c, i, 2),
  cmovcc32: (c, i) => _cmov(c, i, 4),
  lea16: (c, i) => _lea(c, i, 2),
  lea32: (c, i) => _lea(c, i, 4),
  setcc8: (c, i) => writeE(c, i, 1, testCC(c, i.sub) ? 1 : 0),
  nop: _nop,
  nop16: _nop,
  nop32: _nop,
};

function _moffs(i: Insn): number {
  return i.asz === 2 ? i.disp & 0xffff : i.disp >>> 0;
}
