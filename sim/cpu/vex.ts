/**
 * VEX prefixes (SDM vol. 2 §2.3): the two-byte C5 and three-byte C4 forms
 * that carry REX's R, X, B and W inverted or not, the map (mmmmm: 0F, 0F38,
 * 0F3A), an extra register (vvvv, inverted), the vector length L and an
 * implied mandatory prefix (pp). The decoder hands the prefix bytes here and
 * continues with the opcode in VEX map 4-6 of OPMAP (gen/optab.ts).
 *
 * A VEX opcode's row is chosen by pp, W and L together (VEX_NODES); rows
 * without a vvvv operand require vvvv = 1111b. A 66, F2, F3, LOCK or REX
 * prefix before VEX makes the instruction #UD, but only once it is decoded
 * to its end, so that one running past 15 bytes raises #GP like any other.
 *
 * @module
 */

import { ROW_OPS, VEX_NODES } from "./_optab.ts";
import type { Insn } from "./insn.ts";
import { Opk } from "./operands.ts";

let _pp = 0;
let _w = 0;
let _l = 0;
let _v = 0; // vvvv, all four bits even outside 64-bit mode

/**
 * Whether C4/C5 at this point starts a VEX prefix: always in 64-bit mode;
 * elsewhere only when the next byte has mod = 11 (else it is LES/LDS).
 */
export function isVex(mode: number, next: number): boolean {
  return mode === 64 || (next & 0xc0) === 0xc0;
}

/**
 * Decode the VEX prefix `b0` (C4 or C5) with its payload bytes `p1` and, for
 * C4, `p2`, into `i` (rex bits in 64-bit mode, vvvv, VEX.L). Returns the
 * OPMAP map (4: 0F, 5: 0F38, 6: 0F3A), or -1 for a reserved map (#UD).
 */
export function vexPrefix(i: Insn, b0: number, p1: number, p2: number): number {
  let rxb: number, mmmmm: number, wvvvvlpp: number;
  if (b0 === 0xc5) {
    rxb = (~p1 >> 5) & 4; // R only
    mmmmm = 1;
    wvvvvlpp = p1 & 0x7f;
  } else {
    rxb = (~p1 >> 5) & 7;
    mmmmm = p1 & 0x1f;
    wvvvvlpp = p2;
  }
  if (mmmmm < 1 || mmmmm > 3) return -1;
  const w = (_w = wvvvvlpp >> 7);
  let vvvv = (_v = (~wvvvvlpp >> 3) & 15);
  if (i.mode === 64) {
    i.rex = 0x40 | (w << 3) | (((rxb >> 2) & 1) << 2) | (((rxb >> 1) & 1) << 1) | (rxb & 1);
  } else vvvv &= 7;
  i.vvvv = vvvv;
  i.vl = _l = (wvvvvlpp >> 2) & 1;
  _pp = wvvvvlpp & 3;
  return 3 + mmmmm;
}

/** The entry under the VEX opcode node `e` (a PREFIX entry) for the last prefix's pp, W and L: 0 if none. */
export function vexSlot(e: number): number {
  return VEX_NODES[(e & 0xfff) * 16 + _pp + 4 * _w + 8 * _l];
}

/**
 * Whether `row`, found for the last VEX prefix, accepts its vvvv (else #UD):
 * a row with no vvvv operand needs 1111b, all four bits (the top one counts
 * here even where it does not name a register).
 */
export function vexRowOk(row: number): boolean {
  const k = row * 4;
  for (let n = k; n < k + 4; n++) {
    const op = ROW_OPS[n] & 0xff;
    if (op === Opk.Bdq || op === Opk.H) return true;
  }
  return _v === 0;
}
