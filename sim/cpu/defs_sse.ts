/**
 * MMX, SSE, SSE2 and SSE3 rows of the 0F map: decoded, not executed yet.
 * Unprefixed rows are NP: a 66, F2 or F3 prefix that has no row of its own
 * at the opcode makes it #UD rather than being ignored.
 *
 * @module
 */

import { type OpDef, row } from "./defs_row.ts";
import { Attr } from "./operands.ts";

const NP = { attr: Attr.NP };

/** MMX, SSE, SSE2 and SSE3 rows of the 0F map. */
export const SSE_DEFS: readonly OpDef[] = [
  row("addps", "0F 58 /r", "Vdq,Wdq", "", NP),
  row("addpd", "66 0F 58 /r", "Vdq,Wdq", ""),
  row("addss", "F3 0F 58 /r", "Vdq,Wd", ""),
  row("addsd", "F2 0F 58 /r", "Vdq,Wq", ""),
  row("psubusb", "0F D8 /r", "Pq,Qq", "", NP),
  row("psubusb", "66 0F D8 /r", "Vdq,Wdq", ""),
  row("movntps", "0F 2B /rm", "Mdq,Vdq", "", NP),
  row("movntpd", "66 0F 2B /rm", "Mdq,Vdq", ""),
  row("cmp{cmp}ps", "0F C2 /r", "Vdq,Wdq,Ib", "", NP),
  row("cmp{cmp}pd", "66 0F C2 /r", "Vdq,Wdq,Ib", ""),
  row("cmp{cmp}ss", "F3 0F C2 /r", "Vdq,Wd,Ib", ""),
  row("cmp{cmp}sd", "F2 0F C2 /r", "Vdq,Wq,Ib", ""),
];
