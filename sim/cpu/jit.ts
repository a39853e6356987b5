/**
 * Compilation of hot blocks into JavaScript functions. Common 32-bit
 * register forms (ALU operations, INC/DEC, MOV) become inline code with
 * their register lanes and immediates as constants; every other instruction
 * becomes a direct call of its handler, a call site with one target that V8
 * can inline. Either way the generated code keeps the interpreter's
 * contract: `ip` is the instruction's RIP whenever something can fault,
 * `next` is set before a handler runs, the block stops after an instruction
 * that sets `brk`, and the function returns how many instructions ran. It
 * reads no clock and allocates nothing when it runs. jit_test.ts checks it
 * against the interpreter.
 *
 * @module
 */

import { HANDLER_NAMES } from "./_optab.ts";
import { push, readM } from "./access.ts";
import {
  getCF,
  getOF,
  getPF,
  getSF,
  getZF,
  K_ADC,
  K_ADD,
  K_DEC,
  K_INC,
  K_LOGIC,
  K_SBB,
  K_SUB,
  keepCF,
} from "./flags.ts";
import type { Insn } from "./insn.ts";
import { type CpuState, CS, raise } from "./state.ts";

/** A compiled block: runs every instruction (or stops early on `brk`) and returns how many ran. */
export type BlockFn = (c: CpuState) => number;

// ALU operation `op` (ADD OR ADC SBB AND SUB XOR CMP) on int32 `a`, `b` into `r`, with lazy flags
// exactly as exec_alu.ts's alu() leaves them for a 32-bit operand.
function _alu32(op: number): string {
  switch (op) {
    case 0:
      return `r = (a + b) | 0; c.fop = ${K_ADD | 2};`;
    case 2:
      return `const cf = getCF(c) ? 1 : 0; r = (a + b + cf) | 0; c.fop = cf ? ${K_ADC | 2} : ${
        K_ADD | 2
      };`;
    case 3:
      return `const cf = getCF(c) ? 1 : 0; r = (a - b - cf) | 0; c.fop = cf ? ${K_SBB | 2} : ${
        K_SUB | 2
      };`;
    case 1:
      return `r = a | b; c.fop = ${K_LOGIC | 2};`;
    case 4:
      return `r = a & b; c.fop = ${K_LOGIC | 2};`;
    case 6:
      return `r = a ^ b; c.fop = ${K_LOGIC | 2};`;
    default:
      return `r = (a - b) | 0; c.fop = ${K_SUB | 2};`;
  }
}

function _set(lane: number): string {
  return `c.r32[${lane}] = r; c.r32[${lane + 1}] = 0;`;
}

function _arith(op: number, a: string, b: string, lane: number): string {
  const wb = op === 7 ? "" : _set(lane);
  return `{ const a = ${a}, b = ${b}; let r; ${_alu32(op)} c.fa = a; c.fb = b; c.fres = r; ${wb} }`;
}

// Condition code `cc` as an expression over the lazy-flag getters (SDM vol. 2 appendix B.1).
function _cond(cc: number): string {
  const t = [
    "getOF(c) !== 0",
    "getCF(c) !== 0",
    "getZF(c) !== 0",
    "(getCF(c) | getZF(c)) !== 0",
    "getSF(c) !== 0",
    "getPF(c) !== 0",
    "(getSF(c) !== 0) !== (getOF(c) !== 0)",
    "(getZF(c) !== 0 || (getSF(c) !== 0) !== (getOF(c) !== 0))",
  ][cc >> 1];
  return cc & 1 ? `!(${t})` : t;
}

// A near branch to `next + imm` (32-bit operand size): #GP(0) beyond the CS limit.
function _branch(imm: number): string {
  return `const t = (c.next + ${imm}) | 0; if (t >>> 0 > c.segLimit[${CS}]) raise(c, 13, 0);`;
}

/** Inline code for `i` (the k-th instruction), or null to call its handler. `faults`: it may fault. */
function _inline(i: Insn, k: number): { code: string; faults: boolean } | null {
  const rm = i.rmX, reg = i.regX, imm = i.imm | 0;
  switch (HANDLER_NAMES[i.hid]) {
    case "aluEG32r":
      return { code: _arith(i.sub, `c.r32[${rm}]`, `c.r32[${reg}]`, rm), faults: false };
    case "aluGE32r":
      return { code: _arith(i.sub, `c.r32[${reg}]`, `c.r32[${rm}]`, reg), faults: false };
    case "aluGE32m":
      return { code: _arith(i.sub, `c.r32[${reg}]`, `readM(c, i${k}, 4)`, reg), faults: true };
    case "aluEI32r":
      return { code: _arith(i.sub, `c.r32[${rm}]`, `${imm}`, rm), faults: false };
    case "aluAI32":
      return { code: _arith(i.sub, "c.r32[0]", `${imm}`, 0), faults: false };
    case "incZ32":
    case "decZ32": {
      const inc = HANDLER_NAMES[i.hid] === "incZ32";
      const kind = inc ? K_INC | 2 : K_DEC | 2;
      return {
        code: `{ keepCF(c); const a = c.r32[${reg}], r = (a ${inc ? "+" : "-"} 1) | 0; ` +
          `c.fa = a; c.fb = 1; c.fres = r; c.fop = ${kind}; ${_set(reg)} }`,
        faults: false,
      };
    }
    case "movEG32r":
      return { code: `{ const r = c.r32[${reg}]; ${_set(rm)} }`, faults: false };
    case "movGE32r":
      return { code: `{ const r = c.r32[${rm}]; ${_set(reg)} }`, faults: false };
    case "movGE32m":
      return { code: `{ const r = readM(c, i${k}, 4); ${_set(reg)} }`, faults: true };
    case "movZI32":
      return { code: `{ const r = ${imm}; ${_set(reg)} }`, faults: false };
  }
  return null;
}

/** Inline code for a block's last instruction that sets `next` (a branch), or null. */
function _inlineBranch(i: Insn): string | null {
  switch (HANDLER_NAMES[i.hid]) {
    case "jcc32":
      return `if (${_cond(i.sub)}) { ${_branch(i.imm)} c.next = t; }`;
    case "jmp32":
      return `{ ${_branch(i.imm)} c.next = t; }`;
    case "call32":
      return `{ ${_branch(i.imm)} push(c, 4, c.next); c.next = t; }`;
  }
  return null;
}

/** Compile `insns` (a whole block, decoded for IP mask `mask`). */
export function compileBlock(insns: readonly Insn[], mask: number): BlockFn {
  const names = ["getCF", "getOF", "getPF", "getSF", "getZF", "keepCF", "push", "raise", "readM"];
  const values: unknown[] = [getCF, getOF, getPF, getSF, getZF, keepCF, push, raise, readM];
  const lines = ["c.brk = false;", "const ip0 = c.ip;"];
  const last = insns.length - 1;
  let off = 0;
  insns.forEach((i, k) => {
    names.push(`h${k}`, `i${k}`);
    values.push(i.fn, i);
    const at = `(ip0 + ${off}) & ${mask}`;
    off += i.len;
    const inl = _inline(i, k);
    if (inl !== null) {
      if (inl.faults) lines.push(`c.ip = ${at};`);
      lines.push(inl.code);
      if (k === last) lines.push(`c.ip = (ip0 + ${off}) & ${mask};`);
      return;
    }
    const br = k === last ? _inlineBranch(i) : null;
    lines.push(`c.ip = ${at}; c.next = (ip0 + ${off}) & ${mask}; ${br ?? `h${k}(c, i${k});`}`);
    if (k < last) lines.push(`if (c.brk) { c.ip = c.next; return ${k + 1}; }`);
    else lines.push("c.ip = c.next;");
  });
  lines.push(`return ${insns.length};`);
  const make = new Function(...names, `return function block(c) {\n${lines.join("\n")}\n};`);
  return make(...values) as BlockFn;
}
