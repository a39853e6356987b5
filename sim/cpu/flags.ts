/**
 * Lazy arithmetic flags (the v86 scheme): ALU handlers store the operation,
 * its operands and its result; CF PF AF ZF SF OF are computed only when read.
 * Formulas follow the flag definitions of SDM vol. 1 §3.4.3 and the
 * per-instruction flag effects of vol. 2.
 *
 * `fop` packs kind << 2 | width index (0: 8, 1: 16, 2: 32, 3: 64 bits); 0
 * means `flags` already holds every bit. Operands and result are stored cut
 * to the width (8/16-bit values non-negative, 32-bit values as int32).
 *
 * 64-bit operations (width index 3) store the HIGH halves in `fa`, `fb` and
 * `fres`, with the carry or borrow out of the low half folded into the kind
 * (ADD becomes ADC, SUB becomes SBB, INC/DEC take it as `fb`), so CF, OF and
 * SF come out of the same formulas as for 32 bits. The low halves go to
 * `fal`, `fbl` and `frl`, for PF (low byte), AF (bit 4) and ZF (both halves
 * zero): nothing is computed until a flag is read (see `lazy64`).
 *
 * @module
 */

import { AF, ARITH, CF, OF, PF, SF, ZF } from "./operands.ts";
import type { CpuState } from "./state.ts";

/** Lazy kind: a + b. */
export const K_ADD = 1 << 2;
/** Lazy kind: a + b + 1 (ADC with carry in). */
export const K_ADC = 2 << 2;
/** Lazy kind: a - b (SUB, CMP, NEG with a = 0). */
export const K_SUB = 3 << 2;
/** Lazy kind: a - b - 1 (SBB with borrow in). */
export const K_SBB = 4 << 2;
/** Lazy kind: logical result (CF = OF = 0, AF = 0). */
export const K_LOGIC = 5 << 2;
/** Lazy kind: INC (a + b, b = 1; CF kept in `flags`). */
export const K_INC = 6 << 2;
/** Lazy kind: DEC (a - b, b = 1; CF kept in `flags`). */
export const K_DEC = 7 << 2;
/** Width index of 64-bit operations (high halves stored, see the module doc). */
export const W64 = 3;

/** Parity flag by low result byte (PF set when the count of 1 bits is even). */
export const PARITY: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    let n = 0;
    for (let b = v; b; b >>= 1) n += b & 1;
    t[v] = n & 1 ? 0 : PF;
  }
  return t;
})();

const _SHIFT = [7, 15, 31, 31];

/** CF of the current state. */
export function getCF(c: CpuState): number {
  const a = c.fa >>> 0, b = c.fb >>> 0, r = c.fres >>> 0;
  switch (c.fop >> 2) {
    case 0:
    case 6:
    case 7:
      return c.flags & CF;
    case 1:
      return r < a ? CF : 0;
    case 2:
      return r <= a ? CF : 0;
    case 3:
      return a < b ? CF : 0;
    case 4:
      return a <= b ? CF : 0;
    default:
      return 0;
  }
}

/** ZF of the current state. */
export function getZF(c: CpuState): number {
  if (c.fop === 0) return c.flags & ZF;
  if (c.fres !== 0) return 0;
  return (c.fop & 3) !== W64 || c.frl === 0 ? ZF : 0;
}

/** SF of the current state. */
export function getSF(c: CpuState): number {
  return c.fop === 0 ? c.flags & SF : (c.fres >>> _SHIFT[c.fop & 3]) & 1 ? SF : 0;
}

/** OF of the current state. */
export function getOF(c: CpuState): number {
  const k = c.fop >> 2;
  if (k === 0) return c.flags & OF;
  const a = c.fa, b = c.fb, r = c.fres;
  let x: number;
  if (k === 1 || k === 2 || k === 6) x = (a ^ r) & (b ^ r);
  else if (k === 3 || k === 4 || k === 7) x = (a ^ b) & (a ^ r);
  else return 0;
  return (x >>> _SHIFT[c.fop & 3]) & 1 ? OF : 0;
}

/** PF of the current state. */
export function getPF(c: CpuState): number {
  if (c.fop === 0) return c.flags & PF;
  return PARITY[((c.fop & 3) === W64 ? c.frl : c.fres) & 0xff];
}

/** AF of the current state. */
export function getAF(c: CpuState): number {
  const k = c.fop >> 2;
  if (k === 0) return c.flags & AF;
  if (k === 5) return 0;
  if ((c.fop & 3) === W64) return (c.fal ^ c.fbl ^ c.frl) & AF;
  return (c.fa ^ c.fb ^ c.fres) & AF;
}

/** Complete RFLAGS value. */
export function getFlags(c: CpuState): number {
  if (c.fop === 0) return c.flags;
  return (c.flags & ~ARITH) | getCF(c) | getPF(c) | getAF(c) | getZF(c) | getSF(c) | getOF(c);
}

/** Fold the lazy state into `flags` (before writing flags directly). */
export function settleFlags(c: CpuState): void {
  c.flags = getFlags(c);
  c.fop = 0;
}

/** Make CF in `flags` valid before INC/DEC, which keep it. */
export function keepCF(c: CpuState): void {
  if (c.fop !== 0) c.flags = (c.flags & ~ARITH) | getCF(c);
}

/**
 * Record a 64-bit operation lazily: `kind` (with the low half's carry or
 * borrow already folded in) on high halves `ah`, `bh` giving `rh`; `al`,
 * `bl`, `rl` are the low halves (PF, AF and ZF come from them). For K_LOGIC
 * pass `al = bl = 0`: AF is 0 anyway.
 */
export function lazy64(
  c: CpuState,
  kind: number,
  ah: number,
  bh: number,
  rh: number,
  al: number,
  bl: number,
  rl: number,
): void {
  c.fal = al;
  c.fbl = bl;
  c.frl = rl;
  c.fa = ah;
  c.fb = bh;
  c.fres = rh;
  c.fop = kind | W64;
}

/** Replace the arithmetic flags by `f` (bits outside ARITH ignored), leaving the lazy state. */
export function setArith(c: CpuState, f: number): void {
  c.flags = (getFlags(c) & ~ARITH) | (f & ARITH);
  c.fop = 0;
}

/** Evaluate condition code `cc` (SDM vol. 2 appendix B.1, Jcc encodings). */
export function testCC(c: CpuState, cc: number): boolean {
  let t: boolean;
  switch (cc >> 1) {
    case 0:
      t = getOF(c) !== 0;
      break;
    case 1:
      t = getCF(c) !== 0;
      break;
    case 2:
      t = getZF(c) !== 0;
      break;
    case 3:
      t = (getCF(c) | getZF(c)) !== 0;
      break;
    case 4:
      t = getSF(c) !== 0;
      break;
    case 5:
      t = getPF(c) !== 0;
      break;
    case 6:
      t = (getSF(c) !== 0) !== (getOF(c) !== 0);
      break;
    default:
      t = getZF(c) !== 0 || (getSF(c) !== 0) !== (getOF(c) !== 0);
  }
  return (cc & 1) === 0 ? t : !t;
}
