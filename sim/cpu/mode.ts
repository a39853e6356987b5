/**
 * Derived execution state: code size, CPL, stack width and the per-segment
 * access limits the hot path checks, recomputed whenever CR0, EFER, RFLAGS
 * or a segment register changes (SDM vol. 3 §3.4.5 descriptor fields, §5.3
 * limit checking, §5.4-5.5 type checking; real-address mode with VMX
 * unrestricted guest keeps the cached limits and ignores types).
 *
 * @module
 */

import { Field } from "./fields.ts";
import { VM } from "./operands.ts";
import { type CpuState, CS, SS } from "./state.ts";

/**
 * Recompute the derived state of `c`. Returns "" or the message of a mode
 * this CPU does not model yet.
 */
export function refreshMode(c: CpuState): string {
  const cr0 = c.lo(Field.CR0);
  const pe = (cr0 & 1) !== 0;
  c.paging = (cr0 & 0x80000000) !== 0;
  const csAr = c.segAr[CS];
  const lma = (c.lo(Field.EFER) & 0x400) !== 0;
  c.mode = lma && csAr & 0x2000 ? 64 : csAr & 0x4000 ? 32 : 16;
  c.cpl = pe ? (c.segAr[SS] >> 5) & 3 : 0;
  c.ipMask = c.mode === 16 ? 0xffff : -1;
  c.spMask = c.segAr[SS] & 0x4000 ? -1 : 0xffff;
  c.segOdd = 0;
  for (let s = 0; s < 6; s++) {
    const ar = c.segAr[s], lim = c.segLimit[s];
    let r = lim, w = lim;
    if (pe) {
      if (ar & 0x10000) r = w = -1;
      else if (ar & 8) {
        // Code: readable if type bit 1, never writable.
        if (!(ar & 2)) r = -1;
        w = -1;
      } else {
        if (!(ar & 2)) w = -1;
        if (ar & 4) {
          c.segOdd |= 1 << s;
          r = w = -1;
        }
      }
    }
    c.rlim[s] = r;
    c.wlim[s] = w;
  }
  if (c.mode === 64) return "unimplemented 64-bit mode";
  if (pe && c.flags & VM) return "unimplemented virtual-8086 mode";
  return "";
}
