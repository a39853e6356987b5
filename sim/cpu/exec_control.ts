/**
 * Control transfer within the code segment (SDM vol. 2: JMP, Jcc, CALL,
 * RET, LOOP/LOOPE/LOOPNE, JCXZ/JECXZ). Targets are cut to the operand size
 * and checked against the CS limit (#GP(0) on the branch itself).
 *
 * @module
 */

import { addSp, pop, push, type ReadE, readM, readR } from "./access.ts";
import { getZF, testCC } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { type CpuState, CS, raise } from "./state.ts";

function _go(c: CpuState, t: number, w: number): void {
  const ip = w === 2 ? t & 0xffff : t | 0;
  if (ip >>> 0 > c.segLimit[CS]) raise(c, 13, 0);
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

function _jcc(c: CpuState, i: Insn, w: number): void {
  if (testCC(c, i.sub)) _go(c, c.next + i.imm, w);
}

function _jmp(c: CpuState, i: Insn, w: number): void {
  _go(c, c.next + i.imm, w);
}

function _jmpE(c: CpuState, i: Insn, w: number, rd: ReadE): void {
  _go(c, rd(c, i, w), w);
}

function _callRel(c: CpuState, i: Insn, w: number): void {
  _call(c, c.next + i.imm, w);
}

function _callE(c: CpuState, i: Insn, w: number, rd: ReadE): void {
  _call(c, rd(c, i, w), w);
}

function _call(c: CpuState, t: number, w: number): void {
  const ip = w === 2 ? t & 0xffff : t | 0;
  if (ip >>> 0 > c.segLimit[CS]) raise(c, 13, 0);
  push(c, w, c.next);
  c.next = ip;
}

function _ret(c: CpuState, i: Insn, w: number): void {
  const t = pop(c, w);
  if (t >>> 0 > c.segLimit[CS]) {
    addSp(c, -w);
    raise(c, 13, 0);
  }
  c.next = t;
  if (i.posImm >= 0) addSp(c, i.imm);
}

/** Control-category handlers by name. */
export const CONTROL_HANDLERS: Record<string, Handler> = {
  jmp16: (c, i) => _jmp(c, i, 2),
  jmp32: (c, i) => _jmp(c, i, 4),
  jmpE16r: (c, i) => _jmpE(c, i, 2, readR),
  jmpE16m: (c, i) => _jmpE(c, i, 2, readM),
  jmpE32r: (c, i) => _jmpE(c, i, 4, readR),
  jmpE32m: (c, i) => _jmpE(c, i, 4, readM),
  call16: (c, i) => _callRel(c, i, 2),
  call32: (c, i) => _callRel(c, i, 4),
  callE16r: (c, i) => _callE(c, i, 2, readR),
  callE16m: (c, i) => _callE(c, i, 2, readM),
  callE32r: (c, i) => _callE(c, i, 4, readR),
  callE32m: (c, i) => _callE(c, i, 4, readM),
  ret16: (c, i) => _ret(c, i, 2),
  ret32: (c, i) => _ret(c, i, 4),
  loop16: (c, i) => _loop(c, i, 2),
  loop32: (c, i) => _loop(c, i, 4),
  jcc16: (c, i) => _jcc(c, i, 2),
  jcc32: (c, i) => _jcc(c, i, 4),
};
