/**
 * Control transfer within the code segment (SDM vol. 2: JMP, Jcc, CALL,
 * RET, LOOP/LOOPE/LOOPNE, JCXZ/JECXZ). Targets are cut to the operand size
 * and checked against the CS limit (#GP(0) on the branch itself).
 *
 * @module
 */

import { addSp, pop, push, readE } from "./access.ts";
import { getZF, testCC } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { type CpuState, CS, raise } from "./state.ts";

function _go(c: CpuState, t: number, w: number): void {
  const ip = w === 2 ? t & 0xffff : t >>> 0;
  if (ip > c.segLimit[CS]) raise(c, 13, 0);
  c.next = ip;
}

function _loop(c: CpuState, i: Insn, w: number): void {
  let n: number;
  if (i.sub === 3) n = i.asz === 2 ? c.r16[4] : c.r32[2];
  else if (i.asz === 2) n = c.r16[4] = c.r16[4] - 1;
  else n = c.r32[2] = c.r32[2] - 1;
  let t = n !== 0;
  if (i.sub === 3) t = !t;
  else if (i.sub === 1) t = t && getZF(c) !== 0;
  else if (i.sub === 0) t = t && getZF(c) === 0;
  if (t) _go(c, c.next + i.imm, w);
}

function _call(c: CpuState, t: number, w: number): void {
  const ip = w === 2 ? t & 0xffff : t >>> 0;
  if (ip > c.segLimit[CS]) raise(c, 13, 0);
  push(c, w, c.next);
  c.next = ip;
}

function _ret(c: CpuState, i: Insn, w: number): void {
  const t = pop(c, w);
  if (t >>> 0 > c.segLimit[CS]) {
    addSp(c, -w);
    raise(c, 13, 0);
  }
  c.next = t >>> 0;
  if (i.posImm >= 0) addSp(c, i.imm);
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

/** Control-category handlers by name. */
export const CONTROL_HANDLERS: Record<string, Handler> = {
  ..._widths("jcc", (c, i, w) => {
    if (testCC(c, i.sub)) _go(c, c.next + i.imm, w);
  }),
  ..._widths("jmp", (c, i, w) => _go(c, c.next + i.imm, w)),
  ..._widths("jmpE", (c, i, w) => _go(c, readE(c, i, w), w)),
  ..._widths("call", (c, i, w) => _call(c, c.next + i.imm, w)),
  ..._widths("callE", (c, i, w) => _call(c, readE(c, i, w), w)),
  ..._widths("ret", _ret),
  ..._widths("loop", _loop),
};
