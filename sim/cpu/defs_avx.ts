/**
 * AVX and AVX2 rows of the VEX 0F map: decoded, not executed yet.
 *
 * @module
 */

import { type OpDef, row } from "./defs_row.ts";

/** AVX and AVX2 rows of the VEX 0F map. */
export const AVX_DEFS: readonly OpDef[] = [
  row("vaddps", "VEX.Lx.0F 58 /r", "Vx,Hx,Wx", ""),
  row("vaddss", "VEX.LIG.F3.0F 58 /r", "Vdq,Hdq,Wd", ""),
  row("vcmp{cmp}ps", "VEX.Lx.0F C2 /r", "Vx,Hx,Wx,Ib", ""),
  row("vzeroupper", "VEX.128.0F 77", "", ""),
  row("vzeroall", "VEX.256.0F 77", "", ""),
];
