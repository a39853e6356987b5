/**
 * System rows: descriptor tables, LAR/LSL, SYSCALL and kin, XSAVE and FXSAVE, TSX.
 *
 * @module
 */

import type { OpDef } from "./defs_row.ts";

/** System rows. */
export const SYSTEM_DEFS: readonly OpDef[] = [];
