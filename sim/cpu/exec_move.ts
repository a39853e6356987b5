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

function _nop(): void {}

function _widths(
  name: string,
  f: (c: CpuState, i: Insn, w: number) => void,
  from = 1,
): Record<string, Handler> {
  const out: Record<string, Handler> = {
    [name + "16"]: (c, i) => f(c, i, 2),
    [name + "32"]: (c, i) => f(c, i, 4),
  };
  if (from === 1) out[name + "8"] = (c, i) => f(c, i, 1);
  return out;
}

/** Move-category handlers by name. */
export const MOVE_HANDLERS: Record<string, Handler> = {
  ..._widths("movEG", (c, i, w) => writeE(c, i, w, getReg(c, i.regX, w))),
  ..._widths("movGE", (c, i, w) => setReg(c, i.regX, w, readE(c, i, w))),
  ..._widths("movEI", (c, i, w) => writeE(c, i, w, i.imm & maskOf(w))),
  ..._widths("movZI", (c, i, w) => setReg(c, i.regX, w, i.imm & maskOf(w))),
  ..._widths("movAO", (c, i, w) => setReg(c, 0, w, rdN(c, linR(c, i.seg, _moffs(i), w), w))),
  ..._widths("movOA", (c, i, w) => wrN(c, linW(c, i.seg, _moffs(i), w), w, getReg(c, 0, w))),
  ..._widths("movzxb", (c, i, w) => setReg(c, i.regX, w, readE(c, i, 1)), 2),
  ..._widths("movzxw", (c, i, w) => setReg(c, i.regX, w, readE(c, i, 2)), 2),
  ..._widths(
    "movsxb",
    (c, i, w) => setReg(c, i.regX, w, ((readE(c, i, 1) << 24) >> 24) & maskOf(w)),
    2,
  ),
  ..._widths(
    "movsxw",
    (c, i, w) => setReg(c, i.regX, w, ((readE(c, i, 2) << 16) >> 16) & maskOf(w)),
    2,
  ),
  ..._widths("xchgEG", _xchgEG),
  ..._widths("xchgZA", _xchgZA, 2),
  ..._widths("cmovcc", _cmov, 2),
  ..._widths("lea", _lea, 2),
  setcc8: (c, i) => writeE(c, i, 1, testCC(c, i.sub) ? 1 : 0),
  nop: _nop,
  nop16: _nop,
  nop32: _nop,
};

function _moffs(i: Insn): number {
  return i.asz === 2 ? i.disp & 0xffff : i.disp >>> 0;
}
