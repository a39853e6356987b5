/**
 * SSSE3, SSE4.1, SSE4.2, AES-NI and PCLMULQDQ rows of the 0F 38 and 0F 3A maps.
 *
 * @module
 */

import { type OpDef, row } from "./defs_row.ts";

/** SSSE3, SSE4.1, SSE4.2, AES-NI and PCLMULQDQ rows of the 0F 38 and 0F 3A maps.. */
export const SSE4_DEFS: readonly OpDef[] = [
  row("pclmul{clmul}dq", "66 0F 3A 44 /r", "Vdq,Wdq,Ib", ""),
];
