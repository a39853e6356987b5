/**
 * VEX prefixes (SDM vol. 2 §2.3): the two-byte C5 and three-byte C4 forms
 * that carry REX's R, X, B and W inverted or not, the map (mmmmm: 0F, 0F38,
 * 0F3A), an extra register (vvvv, inverted), the vector length L and an
 * implied mandatory prefix (pp). The decoder hands the prefix bytes here and
 * continues with the opcode in VEX map 4-6 of OPMAP (gen/optab.ts).
 *
 * Only general-purpose VEX instructions (BMI1, BMI2) have rows; they
 * require L = 0, and those without a vvvv operand require vvvv = 1111b.
 * Other VEX opcodes (AVX) are not in the tables: the decoder reports them
 * as not implemented.
 *
 * @module
 */

import { PREFIXES, ROW_OPS } from "./_optab.ts";
import { type Insn, P_LOCK, P_OSIZE, P_REP, P_REPNE } from "./insn.ts";
import { Opk } from "./operands.ts";

let _pp = 0;
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
 * C4, `p2`, into `i` (rex bits in 64-bit mode, vvvv). Returns the OPMAP map
 * (4: 0F, 5: 0F38, 6: 0F3A), or -1 for #UD (a 66, F2, F3, LOCK or REX
 * prefix before it, or a reserved map).
 */
export function vexPrefix(i: Insn, b0: number, p1: number, p2: number): number {
  if (i.pfx & (P_OSIZE | P_REP | P_REPNE | P_LOCK) || i.rex !== 0) return -1;
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
  const w = wvvvvlpp >> 7;
  let vvvv = (_v = (~wvvvvlpp >> 3) & 15);
  if (i.mode === 64) {
    i.rex = 0x40 | (w << 3) | (((rxb >> 2) & 1) << 2) | (((rxb >> 1) & 1) << 1) | (rxb & 1);
  } else vvvv &= 7;
  i.vvvv = vvvv;
  _l = (wvvvvlpp >> 2) & 1;
  _pp = wvvvvlpp & 3;
  return 3 + mmmmm;
}

/**
 * The OPMAP entry of a VEX opcode whose entry is the mandatory-prefix node
 * `e`: the slot of VEX.pp, exactly (a slot that only repeats the
 * unprefixed entry is no row).
 */
export function vexSlot(e: number): number {
  const n = (e & 0xfff) * 4;
  const s = PREFIXES[n + _pp];
  return _pp !== 0 && s === PREFIXES[n] ? 0 : s;
}

/**
 * Whether the last VEX prefix implies no 66/F3/F2 (pp = 00b): an opcode
 * defined only without one (ANDN, the BLSR group) is #UD with any other pp.
 */
export function vexNoPp(): boolean {
  return _pp === 0;
}

/**
 * Whether `row`, found for the last VEX prefix, accepts its L and vvvv (else
 * #UD): L must be 0, and an unused vvvv must be 1111b, all four bits (the
 * top one counts here even where it does not name a register).
 */
export function vexRowOk(row: number): boolean {
  if (_l !== 0) return false;
  const k = row * 3;
  const usesV = ROW_OPS[k] === Opk.Bdq || ROW_OPS[k + 1] === Opk.Bdq || ROW_OPS[k + 2] === Opk.Bdq;
  return usesV || _v === 0;
}
