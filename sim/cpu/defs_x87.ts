/**
 * x87 floating-point rows (D8-DF, FWAIT): decoded, not executed yet.
 *
 * @module
 */

import { type OpDef, row } from "./defs_row.ts";

/** x87 floating-point rows. */
export const X87_DEFS: readonly OpDef[] = [
  row("fadd", "D8 /0m", "ST0,Md", ""),
  row("fadd", "D8 /0r", "ST0,STi", ""),
  row("fld", "DB /5m", "ST0,Mt", ""),
];
