/**
 * Shrinks a failing generated case to a small reproducer by delta debugging
 * (Zeller's ddmin) over its instructions, then simplifies its start state:
 * registers to zero (pointers and indexes the instructions rely on are
 * kept), RFLAGS to its reserved bit only, memory to zeros in ever smaller
 * chunks. Each round's candidates are judged in one batch, so a shrink costs
 * a few dozen native round trips, not one per candidate.
 *
 * @module
 */

import type { GenCase } from "./gen_insn.ts";
import { RSP } from "./gen_insn_operands.ts";

/** Judges candidates in one batch: true for those that still fail. */
export type FailTest = (candidates: readonly GenCase[]) => Promise<boolean[]>;

/** Options of {@link shrinkCase}. */
export interface ShrinkOptions {
  /** Most candidates judged in all (default 3000). */
  budget?: number;
}

/** The smallest variant of failing case `c` found within the budget (`c` itself if none). */
export async function shrinkCase(
  c: GenCase,
  fails: FailTest,
  options: ShrinkOptions = {},
): Promise<GenCase> {
  let budget = options.budget ?? 3000;
  let best = c;
  /** Judges `cands`, takes the first that fails; false when none does or the budget is spent. */
  const step = async (cands: GenCase[]): Promise<boolean> => {
    if (cands.length === 0 || budget <= 0) return false;
    cands = cands.slice(0, budget);
    budget -= cands.length;
    const r = await fails(cands);
    const k = r.indexOf(true);
    if (k < 0) return false;
    best = cands[k];
    return true;
  };

  // ddmin over the instruction list: remove chunks, halving their size when nothing goes.
  let n = 2;
  while (best.insns.length > 1 && budget > 0) {
    const len = best.insns.length, size = Math.ceil(len / n);
    const cands: GenCase[] = [];
    for (let at = 0; at < len; at += size) {
      cands.push({ ...best, insns: [...best.insns.slice(0, at), ...best.insns.slice(at + size)] });
    }
    if (await step(cands)) n = Math.max(n - 1, 2);
    else if (size === 1) break;
    else n = Math.min(len, n * 2);
  }

  // Registers: all free ones to zero at once, then one at a time.
  const free = (r: number) => r !== RSP && !(best.pinned & (1 << r)) && best.regs[r] !== 0n;
  const zeroed = (regs: number[]) => {
    const out = best.regs.slice();
    for (const r of regs) out[r] = 0n;
    return { ...best, regs: out };
  };
  const all = [...Array(16).keys()].filter(free);
  if (!(all.length > 1 && await step([zeroed(all)]))) {
    while (await step([...Array(16).keys()].filter(free).map((r) => zeroed([r]))));
  }
  if (best.rflags !== 0n) await step([{ ...best, rflags: 0n }]);

  // Memory: each region to zeros, else chunks of it, halving the chunk size down to 8 bytes.
  for (let region = 0; region < best.mem.length; region++) {
    const zero = (from: number, to: number) => {
      const mem = best.mem.map((r) => ({ addr: r.addr, bytes: r.bytes }));
      const bytes = mem[region].bytes.slice();
      bytes.fill(0, from, to);
      mem[region].bytes = bytes;
      return { ...best, mem };
    };
    const len = best.mem[region].bytes.length;
    for (let size = len; size >= 8 && budget > 0; size >>= 1) {
      for (;;) {
        const cands: GenCase[] = [];
        const bytes = best.mem[region].bytes;
        for (let at = 0; at < len; at += size) {
          if (bytes.subarray(at, at + size).some((b) => b !== 0)) cands.push(zero(at, at + size));
        }
        if (!await step(cands)) break;
      }
    }
  }
  return best;
}
