/**
 * Call-threaded compilation of hot blocks: a block that ran often enough
 * becomes one JavaScript function that calls each instruction's handler
 * directly. Every call site then sees one target, so V8 inlines the
 * handlers and folds the decoded fields, where the interpreter loop pays
 * an indirect call per instruction. The generated code does exactly what
 * the interpreter does per instruction (set `next`, run the handler, move
 * `ip`, stop after an instruction that sets `brk`); it reads no clock and
 * allocates nothing when it runs.
 *
 * @module
 */

import type { Insn } from "./insn.ts";
import type { CpuState } from "./state.ts";

/** A compiled block: runs every instruction (or stops early on `brk`) and returns how many ran. */
export type BlockFn = (c: CpuState) => number;

/** Compile `insns` (a whole block, decoded for IP mask `mask`). */
export function compileBlock(insns: readonly Insn[], mask: number): BlockFn {
  const names: string[] = [];
  const values: unknown[] = [];
  const lines = ["c.brk = false;"];
  const last = insns.length - 1;
  insns.forEach((i, k) => {
    names.push(`h${k}`, `i${k}`);
    values.push(i.fn, i);
    lines.push(`c.next = (c.ip + ${i.len}) & ${mask}; h${k}(c, i${k}); c.ip = c.next;`);
    if (k < last) lines.push(`if (c.brk) return ${k + 1};`);
  });
  lines.push(`return ${insns.length};`);
  const make = new Function(...names, `return function block(c) {\n${lines.join("\n")}\n};`);
  return make(...values) as BlockFn;
}
