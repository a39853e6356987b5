/**
 * AVX, AVX2, FMA and F16C rows of the VEX 0F38 and 0F3A maps: decoded, not executed yet.
 *
 * @module
 */

import { type OpDef, row } from "./defs_row.ts";

/** AVX, AVX2, FMA and F16C rows of the VEX 0F38 and 0F3A maps. */
export const AVX2_DEFS: readonly OpDef[] = [
  row("vblendvps", "VEX.Lx.66.0F3A.W0 4A /r", "Vx,Hx,Wx,Lx", ""),
  row("vbroadcastsd", "VEX.256.66.0F38.W0 19 /r", "Vqq,Wq", ""),
];
