/**
 * Data movement (SDM vol. 2: MOV, MOVZX, MOVSX, XCHG, LEA, SETcc, CMOVcc,
 * NOP). Handlers come per width.
 *
 * @module
 */

import {
  ea,
  getReg,
  linRmw,
  maskOf,
  type ReadE,
  readM,
  readR,
  setReg,
  type WriteE,
  writeM,
  writeR,
} from "./access.ts";
import { testCC } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { linR, linW, rdN, rdw, wrN } from "./mem.ts";
import type { CpuState } from "./state.ts";

function _xchgR(c: CpuState, i: Insn, w: number): void {
  const b = getReg(c, i.regX, w);
  setReg(c, i.regX, w, getReg(c, i.rmX, w));
  setReg(c, i.rmX, w, b);
}

function _xchgM(c: CpuState, i: Insn, w: number): void {
  const lin = linRmw(c, i, w);
  const a = rdw(c, lin, w) & maskOf(w);
  wrN(c, lin, w, getReg(c, i.regX, w));
  setReg(c, i.regX, w, a);
}

function _xchgZA(c: CpuState, i: Insn, w: number): void {
  const a = getReg(c, 0, w);
  setReg(c, 0, w, getReg(c, i.regX, w));
  setReg(c, i.regX, w, a);
}

function _cmov(c: CpuState, i: Insn, w: number, rd: ReadE): void {
  // The source is read (and may fault) whatever the condition (SDM CMOVcc).
  const v = rd(c, i, w);
  if (testCC(c, i.sub)) setReg(c, i.regX, w, v);
  else if (w === 4) c.r32[i.regX + 1] = 0;
}

function _lea(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, ea(c, i) & maskOf(w));
}

function _nop(_c: CpuState, _i: Insn): void {}

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

function _moffs(i: Insn): number {
  return i.asz === 2 ? i.disp & 0xffff : i.disp >>> 0;
}

function _movAO(c: CpuState, i: Insn, w: number): void {
  setReg(c, 0, w, rdN(c, linR(c, i.seg, _moffs(i), w), w));
}

function _movOA(c: CpuState, i: Insn, w: number): void {
  wrN(c, linW(c, i.seg, _moffs(i), w), w, getReg(c, 0, w));
}

function _movzx(c: CpuState, i: Insn, w: number, from: number, rd: ReadE): void {
  setReg(c, i.regX, w, rd(c, i, from));
}

function _movsx(c: CpuState, i: Insn, w: number, from: number, rd: ReadE): void {
  const s = 32 - from * 8;
  setReg(c, i.regX, w, ((rd(c, i, from) << s) >> s) & maskOf(w));
}

function _setcc(c: CpuState, i: Insn, wr: WriteE): void {
  wr(c, i, 1, testCC(c, i.sub) ? 1 : 0);
}

/** Move-category handlers by name. */
export const MOVE_HANDLERS: Record<string, Handler> = {
  movEG8r: (c, i) => _movEG(c, i, 1, writeR),
  movEG8m: (c, i) => _movEG(c, i, 1, writeM),
  movEG16r: (c, i) => _movEG(c, i, 2, writeR),
  movEG16m: (c, i) => _movEG(c, i, 2, writeM),
  movEG32r: (c, i) => _movEG(c, i, 4, writeR),
  movEG32m: (c, i) => _movEG(c, i, 4, writeM),
  movGE8r: (c, i) => _movGE(c, i, 1, readR),
  movGE8m: (c, i) => _movGE(c, i, 1, readM),
  movGE16r: (c, i) => _movGE(c, i, 2, readR),
  movGE16m: (c, i) => _movGE(c, i, 2, readM),
  movGE32r: (c, i) => _movGE(c, i, 4, readR),
  movGE32m: (c, i) => _movGE(c, i, 4, readM),
  movEI8r: (c, i) => _movEI(c, i, 1, writeR),
  movEI8m: (c, i) => _movEI(c, i, 1, writeM),
  movEI16r: (c, i) => _movEI(c, i, 2, writeR),
  movEI16m: (c, i) => _movEI(c, i, 2, writeM),
  movEI32r: (c, i) => _movEI(c, i, 4, writeR),
  movEI32m: (c, i) => _movEI(c, i, 4, writeM),
  xchgEG8r: (c, i) => _xchgR(c, i, 1),
  xchgEG8m: (c, i) => _xchgM(c, i, 1),
  movZI8: (c, i) => _movZI(c, i, 1),
  movAO8: (c, i) => _movAO(c, i, 1),
  movOA8: (c, i) => _movOA(c, i, 1),
  xchgEG16r: (c, i) => _xchgR(c, i, 2),
  xchgEG16m: (c, i) => _xchgM(c, i, 2),
  movZI16: (c, i) => _movZI(c, i, 2),
  movAO16: (c, i) => _movAO(c, i, 2),
  movOA16: (c, i) => _movOA(c, i, 2),
  xchgEG32r: (c, i) => _xchgR(c, i, 4),
  xchgEG32m: (c, i) => _xchgM(c, i, 4),
  movZI32: (c, i) => _movZI(c, i, 4),
  movAO32: (c, i) => _movAO(c, i, 4),
  movOA32: (c, i) => _movOA(c, i, 4),
  movzxb16r: (c, i) => _movzx(c, i, 2, 1, readR),
  movzxb16m: (c, i) => _movzx(c, i, 2, 1, readM),
  movzxw16r: (c, i) => _movzx(c, i, 2, 2, readR),
  movzxw16m: (c, i) => _movzx(c, i, 2, 2, readM),
  movsxb16r: (c, i) => _movsx(c, i, 2, 1, readR),
  movsxb16m: (c, i) => _movsx(c, i, 2, 1, readM),
  movsxw16r: (c, i) => _movsx(c, i, 2, 2, readR),
  movsxw16m: (c, i) => _movsx(c, i, 2, 2, readM),
  cmovcc16r: (c, i) => _cmov(c, i, 2, readR),
  cmovcc16m: (c, i) => _cmov(c, i, 2, readM),
  xchgZA16: (c, i) => _xchgZA(c, i, 2),
  lea16m: (c, i) => _lea(c, i, 2),
  nop16r: _nop,
  nop16m: _nop,
  movzxb32r: (c, i) => _movzx(c, i, 4, 1, readR),
  movzxb32m: (c, i) => _movzx(c, i, 4, 1, readM),
  movzxw32r: (c, i) => _movzx(c, i, 4, 2, readR),
  movzxw32m: (c, i) => _movzx(c, i, 4, 2, readM),
  movsxb32r: (c, i) => _movsx(c, i, 4, 1, readR),
  movsxb32m: (c, i) => _movsx(c, i, 4, 1, readM),
  movsxw32r: (c, i) => _movsx(c, i, 4, 2, readR),
  movsxw32m: (c, i) => _movsx(c, i, 4, 2, readM),
  cmovcc32r: (c, i) => _cmov(c, i, 4, readR),
  cmovcc32m: (c, i) => _cmov(c, i, 4, readM),
  xchgZA32: (c, i) => _xchgZA(c, i, 4),
  lea32m: (c, i) => _lea(c, i, 4),
  nop32r: _nop,
  nop32m: _nop,
  setcc8r: (c, i) => _setcc(c, i, writeR),
  setcc8m: (c, i) => _setcc(c, i, writeM),
  nop: _nop,
};
