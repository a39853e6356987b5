/**
 * Test fixtures for paging and IA-32e mode: identity-mapped page tables in
 * a TestMap's RAM and the register settings that enter 64-bit mode.
 * Test-only.
 *
 * @module
 */

import type { TestMap } from "./_testing.ts";
import type { Cpu } from "./cpu.ts";
import { Field } from "./fields.ts";

/** Write the 8-byte paging-structure entry `lo` (high half `hi`) at guest-physical `at`. */
export function setEntry(map: TestMap, at: number, lo: number, hi = 0): void {
  const dv = new DataView(map.ram.bytes.buffer);
  dv.setUint32(at, lo >>> 0, true);
  dv.setUint32(at + 4, hi >>> 0, true);
}

/** Read the low half of the 8-byte entry at `at`. */
export function entryLo(map: TestMap, at: number): number {
  return new DataView(map.ram.bytes.buffer).getUint32(at, true);
}

/**
 * 4-level tables at `root` (PML4), `root + 0x1000` (PDPT), `root + 0x2000`
 * (PD) and `root + 0x3000` (one PT) identity-mapping the first `pages`
 * 4-KiB pages (at most 512), every entry with `flags` (P|RW|US by default).
 */
export function identity4(map: TestMap, root: number, pages: number, flags = 7): void {
  setEntry(map, root, (root + 0x1000) | flags);
  setEntry(map, root + 0x1000, (root + 0x2000) | flags);
  setEntry(map, root + 0x2000, (root + 0x3000) | flags);
  for (let p = 0; p < pages; p++) setEntry(map, root + 0x3000 + p * 8, p * 0x1000 | flags);
}

/** Put `cpu` in 64-bit mode (CR0.PG, CR4.PAE, EFER.LME/LMA, CS.L) with page tables at `cr3`. */
export function enterLong(cpu: Cpu, cr3: number): void {
  cpu.setField(Field.CR0, 0x80000031n);
  cpu.setField(Field.CR4, 0x20n);
  cpu.setField(Field.EFER, 0x500n);
  cpu.setField(Field.CS_AR, 0xa09bn);
  cpu.setField(Field.CR3, BigInt(cr3));
}
