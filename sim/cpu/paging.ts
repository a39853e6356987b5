/**
 * Address translation below the segment unit: guest paging (SDM vol. 3
 * chapter 4) from linear to guest-physical addresses, and EPT (chapter 28)
 * from guest-physical addresses to the host's pages, with the EPT exits
 * (§28.2.3; qualification per §27.2.1, table 27-7).
 *
 * Host model for EPT-violation qualifications: the Skylake's
 * IA32_VMX_EPT_VPID_CAP has bit 22 clear, so there is no advanced VM-exit
 * information: bits 9-11 are 0. Bit 6 is 0 (no mode-based execute
 * control). Bit 7 (guest linear address valid) is set for every access
 * from a linear address; bit 8 is set for the access to the translation
 * of that address and clear for accesses to paging-structure entries
 * during a walk (reads of entries are data reads, A/D updates data
 * writes). A read-modify-write that fails sets both bit 0 and bit 1.
 *
 * @module
 */

import { EPT_EXEC, EPT_READ, EPT_WRITE, type EptEntry, PAGE_SIZE } from "./bus.ts";
import { EXIT_EPT_MISCONFIG, EXIT_EPT_VIOLATION, vmexit } from "./exits.ts";
import { Field } from "./fields.ts";
import { type CpuState, dead } from "./state.ts";

/** EPT-violation qualification bit 7: the guest linear address is valid. */
export const QUAL_LINEAR = 0x80;
/** Bits 7 and 8: the access is to the translation of the linear address. */
export const QUAL_FINAL = 0x180;

const _2_32 = 4294967296;

/** Bits 63:47 of a 64-bit value whose bits 63:32 are the int32 `hi` are all equal. */
export function canonical(hi: number): boolean {
  const t = hi >> 15;
  return t === 0 || t === -1;
}

/** The linear address (48-bit folded) of the canonical address `hi:lo` (int32 halves). */
export function fold(lo: number, hi: number): number {
  return (hi & 0xffff) * _2_32 + (lo >>> 0);
}

/** Bits 63:32 (int32) of the canonical address that linear address `lin` stands for. */
export function unfoldHi(lin: number): number {
  const h = Math.floor(lin / _2_32);
  return h & 0x8000 ? h | 0xffff0000 : h;
}

/** `eptCheck`: the access is allowed. */
export const EPT_OK = 0;
/** `eptCheck`: EPT violation. */
export const EPT_VIOLATION = 1;
/** `eptCheck`: EPT misconfiguration. */
export const EPT_MISCONFIG = 2;

/**
 * How EPT treats an access of kind `acc` (1 read, 2 write, 3
 * read-modify-write, 4 fetch) to the page `e` (undefined: not mapped).
 * Misconfigurations (SDM vol. 3 §28.2.3.1: write-only or write-execute,
 * memory types 2, 3, 7) come before the permission check.
 */
export function eptCheck(e: EptEntry | undefined, acc: number): number {
  const perm = e === undefined ? 0 : e.attr & 7;
  if (perm === 0) return EPT_VIOLATION;
  const mt = (e!.attr >> 3) & 7;
  if (perm === EPT_WRITE || perm === (EPT_WRITE | EPT_EXEC) || mt === 2 || mt === 3 || mt === 7) {
    return EPT_MISCONFIG;
  }
  const need = acc === 4 ? EPT_EXEC : acc === 1 ? EPT_READ : EPT_READ | EPT_WRITE;
  return (perm & need) === need ? EPT_OK : EPT_VIOLATION;
}

/**
 * The EPT entry of guest-physical address `gpa` for an access of kind
 * `acc`, or an EPT exit: `qual` is 0 (no linear address), QUAL_LINEAR (a
 * paging-structure access while translating `lin`) or QUAL_FINAL.
 */
export function eptPage(
  c: CpuState,
  gpa: number,
  acc: number,
  lin: number,
  qual: number,
): EptEntry {
  const e = c.mem.lookupPage(Math.floor(gpa / PAGE_SIZE));
  const st = eptCheck(e, acc);
  if (st === EPT_OK) return e!;
  c.setWide(Field.GUEST_PHYSICAL, gpa >>> 0, Math.floor(gpa / _2_32));
  if (st === EPT_MISCONFIG) vmexit(c, EXIT_EPT_MISCONFIG, 0, 0);
  if (qual & QUAL_LINEAR) c.setWide(Field.GUEST_LINEAR, lin >>> 0, unfoldHi(lin));
  const perm = e === undefined ? 0 : e.attr & 7;
  return vmexit(c, EXIT_EPT_VIOLATION, acc | (perm << 3) | qual, 0);
}

/** Translate linear `lin` through the guest's paging structures for an access of kind `acc`. */
export function walk(c: CpuState, _lin: number, _acc: number): number {
  return dead(c, "unimplemented paging");
}

/** Whether the last `walk`'s translation may be cached in the TLB for the current privilege. */
export function walkCacheable(): boolean {
  return true;
}
