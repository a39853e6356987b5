/**
 * Derived execution state: code size, CPL, stack width and the per-segment
 * access limits the hot path checks, recomputed whenever CR0, CR4, EFER,
 * RFLAGS or a segment register changes (SDM vol. 3 §3.4.5 descriptor
 * fields, §5.3 limit checking, §5.4-5.5 type checking; real-address mode
 * with VMX unrestricted guest keeps the cached limits and ignores types).
 *
 * IA-32e mode (EFER.LMA = 1) runs 64-bit code when CS.L = 1 and
 * compatibility mode (32- or 16-bit by CS.D) otherwise (vol. 3 §5.2.1).
 * Cached translations depend on CPL and on the paging controls (CR0.PG,
 * CR0.WP, CR4, EFER.NXE/LMA): when any of them changes here, the TLBs
 * are flushed.
 *
 * @module
 */

import { Field } from "./fields.ts";
import { VM } from "./operands.ts";
import { type CpuState, CS, SS } from "./state.ts";

// CR0.PG and CR0.WP; CR4.PSE, PAE, PGE, PCIDE, SMEP, SMAP; EFER.LMA and NXE.
const _CR0_PAGING = 0x80010000, _CR4_PAGING = 0x3200b0, _EFER_PAGING = 0xc00;
const _signature = new WeakMap<CpuState, string>();

/**
 * Recompute the derived state of `c`. Returns "" or the message of a mode
 * this CPU does not model.
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
  c.spMask = c.segAr[SS] & 0x4000 || c.mode === 64 ? -1 : 0xffff;
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
  _flushOnChange(c, cr0);
  if (lma && !c.paging) return "unimplemented IA-32e mode without paging";
  if (pe && c.flags & VM) return "unimplemented virtual-8086 mode";
  return "";
}

function _flushOnChange(c: CpuState, cr0: number): void {
  const sig = `${c.cpl} ${cr0 & _CR0_PAGING} ${c.lo(Field.CR4) & _CR4_PAGING} ${
    c.lo(Field.EFER) & _EFER_PAGING
  }`;
  if (_signature.get(c) === sig) return;
  _signature.set(c, sig);
  c.tlbR.flush();
  c.tlbW.flush();
  c.tlbX.flush();
}
