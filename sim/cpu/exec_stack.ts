/**
 * Stack instructions (SDM vol. 2: PUSH, POP). POP to memory computes its
 * address with the incremented stack pointer, and leaves the stack pointer
 * unchanged if the store faults.
 *
 * @module
 */

import { addSp, ea, getReg, maskOf, pop, push, readE, setReg, top } from "./access.ts";
import type { Handler, Insn } from "./insn.ts";
import { linW, wrN } from "./mem.ts";
import type { CpuState } from "./state.ts";

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

function _widths(
  name: string,
  f: (c: CpuState, i: Insn, w: number) => void,
): Record<string, Handler> {
  return {
    [name + "16"]: (c, i) => f(c, i, 2),
    [name + "32"]: (c, i) => f(c, i, 4),
  };
}

/** Stack-category handlers by name. */
export const STACK_HANDLERS: Record<string, Handler> = {
  ..._widths("pushZ", (c, i, w) => push(c, w, getReg(c, i.regX, w))),
  ..._widths("popZ", (c, i, w) => setReg(c, i.regX, w, pop(c, w))),
  ..._widths("pushI", (c, i, w) => push(c, w, i.imm & maskOf(w))),
  ..._widths("pushE", (c, i, w) => push(c, w, readE(c, i, w))),
  ..._widths("popE", _popE),
};
