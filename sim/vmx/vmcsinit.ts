/**
 * vmcsinit: the VMCS a new vCPU starts with, after devvmx.c's vmcsinit —
 * the controls derived from the modeled host's capability MSRs, and the
 * guest state: flat 32-bit ring-0 segments, an unusable LDTR, a busy TSS,
 * CR0/CR4 with the kernel-owned bits, PAT, EFER 0, RFLAGS 2. Fields it does
 * not write are zero, as in the zeroed VMCS region.
 *
 * @module
 */

import { Field, type GuestState } from "../cpu/mod.ts";
import { guestinit, HOST, type Host, vmxcontrols } from "./host.ts";

// Access rights as vmcsinit builds them from pc64/mem.h's SEG* bits (>> 8, | accessed).
const _SEGG = 1 << 23, _SEGD = 1 << 22, _SEGP = 1 << 15, _SEGEXEC = 0x18 << 8, _SEGR = 1 << 9;
const _SEGDATA = 0x10 << 8, _SEGW = 1 << 9, _SEGTSS = 0x9 << 8;
/** CS: 32-bit execute/read code, present, DPL 0, 4 KiB granularity, accessed. */
export const CODE_AR = ((_SEGG | _SEGD | _SEGP | _SEGEXEC | _SEGR) >> 8) | 1;
/** DS, ES, FS, GS, SS: writable data, big, present, DPL 0, accessed. */
export const DATA_AR = ((_SEGG | _SEGD | _SEGP | _SEGDATA | _SEGW) >> 8) | 1;
/** TR: a busy 32-bit TSS (type 11). */
export const TSS_AR = ((_SEGTSS | _SEGP) >> 8) | 2;
/** LDTR: unusable. */
export const UNUSABLE_AR = 1 << 16;

/** Write vmcsinit's initial state for host `h` into `gs`. */
export function vmcsinit(gs: GuestState, h: Host = HOST): void {
  const ctl = vmxcontrols(h), g = guestinit(h);
  const set = (f: Field, v: number | bigint) => gs.setField(f, BigInt(v));
  set(Field.PROCBASED_CTLS, ctl.procbased);
  set(Field.PROCBASED_CTLS2, ctl.procbased2);
  set(Field.ENTRY_CTLS, ctl.entry);
  set(Field.EXCEPTION_BITMAP, ctl.exceptionBitmap);
  const segs = [Field.CS_SEL, Field.DS_SEL, Field.ES_SEL, Field.FS_SEL, Field.GS_SEL, Field.SS_SEL];
  for (const sel of segs) {
    // Each segment's fields follow its selector: base, limit, access rights.
    set(sel + 1, 0);
    set(sel + 2, 0xffffffff);
    set(sel + 3, sel === Field.CS_SEL ? CODE_AR : DATA_AR);
  }
  set(Field.LDTR_AR, UNUSABLE_AR);
  set(Field.CR0_MASK, g.cr0mask);
  set(Field.CR4_MASK, g.cr4mask);
  set(Field.CR0, g.cr0);
  set(Field.CR3, 0);
  set(Field.CR4, g.cr4);
  set(Field.CR0_SHADOW, g.cr0shadow);
  set(Field.CR4_SHADOW, g.cr4shadow);
  set(Field.PAT, 0x0007040600070406n);
  set(Field.EFER, 0);
  set(Field.TR_BASE, 0);
  set(Field.TR_LIMIT, 0xffff);
  set(Field.TR_AR, TSS_AR);
  set(Field.RFLAGS, 2);
  set(Field.XCR0, g.xcr0);
}
