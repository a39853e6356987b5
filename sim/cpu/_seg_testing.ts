/**
 * Test fixtures for segmentation: descriptors, a GDT in a TestMap's RAM, and
 * real-address mode. Test-only.
 *
 * @module
 */

import type { TestMap } from "./_testing.ts";
import type { Cpu } from "./cpu.ts";
import { Field } from "./fields.ts";

/**
 * An 8-byte segment descriptor as [low, high] doublewords: `base`, the
 * 20-bit `limit` field, the `access` byte (P DPL S type) and the `flags`
 * nibble (G D/B L AVL; default G = 1, D/B = 1).
 */
export function descriptor(
  base: number,
  limit: number,
  access: number,
  flags = 0xc,
): [number, number] {
  const lo = ((base & 0xffff) << 16) | (limit & 0xffff);
  const hi = (base & 0xff000000) | (flags << 20) | (limit & 0xf0000) | (access << 8) |
    ((base >>> 16) & 0xff);
  return [lo >>> 0, hi >>> 0];
}

/** Write `descs` as a GDT at guest-physical `at` (selector 8k is descs[k]) and point GDTR at it. */
export function setGdt(cpu: Cpu, map: TestMap, at: number, descs: [number, number][]): void {
  const dv = new DataView(map.ram.bytes.buffer);
  descs.forEach(([lo, hi], k) => {
    dv.setUint32(at + 8 * k, lo, true);
    dv.setUint32(at + 8 * k + 4, hi, true);
  });
  cpu.setField(Field.GDTR_BASE, BigInt(at));
  cpu.setField(Field.GDTR_LIMIT, BigInt(descs.length * 8 - 1));
}

/** The high doubleword of GDT entry `k` at `at` (to see the accessed bit). */
export function gdtHigh(map: TestMap, at: number, k: number): number {
  return new DataView(map.ram.bytes.buffer).getUint32(at + 8 * k + 4, true);
}

/** Put `cpu` in real-address mode: CS selector 0x100 (base 0x1000), IP 0, a 16-bit stack. */
export function enterReal(cpu: Cpu): void {
  cpu.setField(Field.CR0, 0x30n);
  cpu.setField(Field.CS_SEL, 0x100n);
  cpu.setField(Field.CS_BASE, 0x1000n);
  cpu.setField(Field.CS_LIMIT, 0xffffn);
  cpu.setField(Field.CS_AR, 0x9bn);
  cpu.setField(Field.SS_AR, 0x93n);
  cpu.setField(Field.RIP, 0n);
}
