/**
 * Compilation of hot blocks into JavaScript functions. Common 32- and 64-bit
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
import { HI, jump64, nextRip64, push, readM, readM64 } from "./access.ts";
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
  W64,
} from "./flags.ts";
import type { Insn } from "./insn.ts";
import { lin64, rd64 } from "./mem.ts";
import { type CpuState, CS, FS, raise, ZERO_LANE } from "./state.ts";

/**
 * A compiled block: runs every instruction (or stops early on `brk`) and returns how many ran
 * in its last pass. A block that branches back to its own start and inlines every instruction
 * repeats while at least one more whole pass fits in `rem` instructions, adding the
 * instructions of each earlier pass to `c.retired` itself.
 */
export type BlockFn = (c: CpuState, rem: number) => number;

/** What a compiled block checks before it repeats: its code bytes are unchanged. */
export interface Repeatable {
  /** True while none of the block's pages was written since decoding. */
  valid(): boolean;
}

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

// Lazy flags of a 64-bit result exactly as flags.ts's lazy64() records them, from the halves
// named al ah bl bh rl rh and the kind expression `kind`.
function _lazy64(kind: string, logic: boolean): string {
  return `c.fal = ${logic ? 0 : "al"}; c.fbl = ${logic ? 0 : "bl"}; c.frl = rl; ` +
    `c.fa = ${logic ? 0 : "ah"}; c.fb = ${
      logic ? 0 : "bh"
    }; c.fres = rh; c.fop = (${kind}) | ${W64};`;
}

// ALU operation `op` on 64-bit (ah:al) and (bh:bl) into (rh:rl), as exec_alu.ts's alu64().
function _alu64(op: number): string {
  switch (op) {
    case 0:
    case 2: {
      const cin = op === 2 ? "getCF(c) ? 1 : 0" : "0";
      return `const cin = ${cin}; const rl = (al + bl + cin) | 0; ` +
        `const cout = cin ? (rl >>> 0) <= (al >>> 0) : (rl >>> 0) < (al >>> 0); ` +
        `const rh = (ah + bh + (cout ? 1 : 0)) | 0; ` +
        _lazy64(`cout ? ${K_ADC} : ${K_ADD}`, false);
    }
    case 1:
    case 4:
    case 6: {
      const o = op === 1 ? "|" : op === 4 ? "&" : "^";
      return `const rl = al ${o} bl, rh = ah ${o} bh; ` + _lazy64(`${K_LOGIC}`, true);
    }
    default: {
      const bin = op === 3 ? "getCF(c) ? 1 : 0" : "0";
      return `const bin = ${bin}; const rl = (al - bl - bin) | 0; ` +
        `const bout = bin ? (al >>> 0) <= (bl >>> 0) : (al >>> 0) < (bl >>> 0); ` +
        `const rh = (ah - bh - (bout ? 1 : 0)) | 0; ` +
        _lazy64(`bout ? ${K_SBB} : ${K_SUB}`, false);
    }
  }
}

function _set64(lane: number): string {
  return `c.r32[${lane}] = rl; c.r32[${lane + 1}] = rh;`;
}

// A 64-bit ALU instruction: `b` names the source's halves ("bl, bh" values as an expression pair).
function _arith64(op: number, a: number, b: string, lane: number): string {
  const wb = op === 7 ? "" : _set64(lane);
  return `{ const al = c.r32[${a}], ah = c.r32[${a + 1}], ${b}; ${_alu64(op)} ${wb} }`;
}

// A 64-bit memory read of instruction `k` as "lo, hi" initialisers named `l`, `h`: for the
// common [base + disp] form without FS/GS, the effective address and access.ts's canonical
// check inline (lin64's own fast case), else readM64.
function _read64(i: Insn, k: number, l: string, h: string): string {
  if (i.mode !== 64 || i.asz !== 8 || i.ripRel || i.index !== ZERO_LANE || i.seg >= FS) {
    return `${l} = readM64(c, i${k}), ${h} = HI[0]`;
  }
  const b = i.base, d = i.disp | 0;
  return `e = (c.r32[${b}] >>> 0) + ${d >>> 0}, eh = (c.r32[${b + 1}] + ${d >> 31} + ` +
    `(e >= 4294967296 ? 1 : 0)) | 0, el = e >>> 0, ` +
    `${l} = rd64(c, eh === 0 && el <= 4294967288 ? el : lin64(c, ${i.seg}, el, eh, 8)), ` +
    `${h} = HI[0]`;
}

// 64-bit INC/DEC of register lanes `x`, `x + 1`, as exec_alu.ts's _inc64/_dec64.
function _incDec64(inc: boolean, x: number): string {
  const step = inc
    ? "const rl = (al + 1) | 0, bh = rl === 0 ? 1 : 0, rh = (ah + bh) | 0;"
    : "const rl = (al - 1) | 0, bh = al === 0 ? 1 : 0, rh = (ah - bh) | 0;";
  return `{ keepCF(c); const al = c.r32[${x}], ah = c.r32[${x + 1}], bl = 1; ${step} ` +
    `${_lazy64(`${inc ? K_INC : K_DEC}`, false)} ${_set64(x)} }`;
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
    case "aluEG64r":
      return {
        code: _arith64(i.sub, rm, `bl = c.r32[${reg}], bh = c.r32[${reg + 1}]`, rm),
        faults: false,
      };
    case "aluGE64r":
      return {
        code: _arith64(i.sub, reg, `bl = c.r32[${rm}], bh = c.r32[${rm + 1}]`, reg),
        faults: false,
      };
    case "aluGE64m":
      return {
        code: _arith64(i.sub, reg, _read64(i, k, "bl", "bh"), reg),
        faults: true,
      };
    case "aluEI64r":
      return { code: _arith64(i.sub, rm, `bl = ${imm}, bh = ${imm >> 31}`, rm), faults: false };
    case "aluAI64":
      return { code: _arith64(i.sub, 0, `bl = ${imm}, bh = ${imm >> 31}`, 0), faults: false };
    case "incE64r":
    case "decE64r":
      return { code: _incDec64(HANDLER_NAMES[i.hid] === "incE64r", rm), faults: false };
    case "movEG64r":
      return {
        code: `{ const rl = c.r32[${reg}], rh = c.r32[${reg + 1}]; ${_set64(rm)} }`,
        faults: false,
      };
    case "movGE64r":
      return {
        code: `{ const rl = c.r32[${rm}], rh = c.r32[${rm + 1}]; ${_set64(reg)} }`,
        faults: false,
      };
    case "movGE64m":
      return { code: `{ const ${_read64(i, k, "rl", "rh")}; ${_set64(reg)} }`, faults: true };
    case "movEI64r":
      return { code: `{ const rl = ${imm}, rh = ${i.immHi | 0}; ${_set64(rm)} }`, faults: false };
  }
  return null;
}

/** Inline code for a block's last instruction that sets `next` (a branch), or null. */
function _inlineBranch(i: Insn, k: number): string | null {
  switch (HANDLER_NAMES[i.hid]) {
    case "jcc64":
      return `if (${_cond(i.sub)}) { const lo = nextRip64(c, i${k}, ${
        i.imm | 0
      }); jump64(c, lo, HI[0]); }`;
    case "jmp64":
      return `{ const lo = nextRip64(c, i${k}, ${i.imm | 0}); jump64(c, lo, HI[0]); }`;
    case "jcc32":
      return `if (${_cond(i.sub)}) { ${_branch(i.imm)} c.next = t; }`;
    case "jmp32":
      return `{ ${_branch(i.imm)} c.next = t; }`;
    case "call32":
      return `{ ${_branch(i.imm)} push(c, 4, c.next); c.next = t; }`;
  }
  return null;
}

/**
 * Compile `insns` (a whole block, decoded for IP mask `mask`); `blk` is asked whether its bytes
 * still hold before a self-loop repeats.
 */
export function compileBlock(insns: readonly Insn[], mask: number, blk: Repeatable): BlockFn {
  const names = ["getCF", "getOF", "getPF", "getSF", "getZF", "keepCF", "push", "raise", "readM"];
  const values: unknown[] = [getCF, getOF, getPF, getSF, getZF, keepCF, push, raise, readM];
  names.push("readM64", "HI", "nextRip64", "jump64", "blk", "rd64", "lin64");
  values.push(readM64, HI, nextRip64, jump64, blk, rd64, lin64);
  const lines = ["c.brk = false;", "const ip0 = c.ip, hi0 = c.ipHi;", "for (;;) {"];
  const last = insns.length - 1;
  let off = 0;
  // Repeating inside the function is sound only when nothing in the block can change what the
  // per-block checks of cpu.ts look at (mode, flags TF/IF, controls) or write memory: every
  // instruction is inline and the last is a jump (not CALL, which pushes).
  let loops = true;
  insns.forEach((i, k) => {
    names.push(`h${k}`, `i${k}`);
    values.push(i.fn, i);
    const at = `(ip0 + ${off}) & ${mask}`;
    off += i.len;
    const inl = _inline(i, k);
    if (inl === null && (k < last || HANDLER_NAMES[i.hid] === "call32")) loops = false;
    if (inl !== null) {
      if (k === last) loops = false;
      if (inl.faults) lines.push(`c.ip = ${at};`);
      lines.push(inl.code);
      if (k === last) lines.push(`c.ip = (ip0 + ${off}) & ${mask};`);
      return;
    }
    const br = k === last ? _inlineBranch(i, k) : null;
    if (k === last && br === null) loops = false;
    lines.push(`c.ip = ${at}; c.next = (ip0 + ${off}) & ${mask}; ${br ?? `h${k}(c, i${k});`}`);
    if (k < last) lines.push(`if (c.brk) { c.ip = c.next; return ${k + 1}; }`);
    else lines.push("c.ip = c.next;");
  });
  const n = insns.length;
  if (loops) {
    lines.push(
      `if (c.ip === ip0 && c.ipHi === hi0 && (rem -= ${n}) >= ${n} && blk.valid()) ` +
        `{ c.retired += ${n}; continue; }`,
    );
  }
  lines.push(`return ${n};`, "}");
  const make = new Function(...names, `return function block(c, rem) {\n${lines.join("\n")}\n};`);
  return make(...values) as BlockFn;
}
