/**
 * Stack instructions (SDM vol. 2: PUSH, POP). POP to memory computes its
 * address with the incremented stack pointer, and leaves the stack pointer
 * unchanged if the store faults.
 *
 * @module
 */

import {
  addSp,
  ea,
  getReg,
  maskOf,
  pop,
  push,
  type ReadE,
  readM,
  readR,
  setReg,
  top,
} from "./access.ts";
import type { Handler, Insn } from "./insn.ts";
import { linW, wrN } from "./mem.ts";
import type { CpuState } from "./state.ts";

function _pushZ(c: CpuState, i: Insn, w: number): void {
  push(c, w, getReg(c, i.regX, w));
}

function _popZ(c: CpuState, i: Insn, w: number): void {
  setReg(c, i.regX, w, pop(c, w));
}

function _pushI(c: CpuState, i: Insn, w: number): void {
  push(c, w, i.imm & maskOf(w));
}

function _pushE(c: CpuState, i: Insn, w: number, rd: ReadE): void {
  push(c, w, rd(c, i, w));
}

function _popE(c: CpuState, i: Insn, w: number): void {
  const v = top(c, w);
  if (i.rm >= 0) {
    addSp(c, w);
    setReg(c, i.rmX, w, v);
    return;
  }
  const old = c.r32[8];
  addSp(c, w);
  const off = ea(c, i);
  c.r32[8] = old;
  wrN(c, linW(c, i.seg, off, w), w, v);
  addSp(c, w);
}

/** Stack-category handlers by name. */
export const STACK_HANDLERS: Record<string, Handler> = {
  pushZ16: (c, i) => _pushZ(c, i, 2),
  pushZ32: (c, i) => _pushZ(c, i, 4),
  popZ16: (c, i) => _popZ(c, i, 2),
  popZ32: (c, i) => _popZ(c, i, 4),
  pushI16: (c, i) => _pushI(c, i, 2),
  pushI32: (c, i) => _pushI(c, i, 4),
  pushE16r: (c, i) => _pushE(c, i, 2, readR),
  pushE16m: (c, i) => _pushE(c, i, 2, readM),
  pushE32r: (c, i) => _pushE(c, i, 4, readR),
  pushE32m: (c, i) => _pushE(c, i, 4, readM),
  popE16r: (c, i) => _popE(c, i, 2),
  popE16m: (c, i) => _popE(c, i, 2),
  popE32r: (c, i) => _popE(c, i, 4),
  popE32m: (c, i) => _popE(c, i, 4),
};
