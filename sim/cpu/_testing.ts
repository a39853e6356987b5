/**
 * Test fixtures for the CPU: a PhysMap over one GuestRam with per-page
 * attributes, and a vCPU loaded with code. Test-only.
 *
 * @module
 */

import { type EptEntry, GuestRam, PAGE_SIZE, type PhysMap } from "./bus.ts";
import { Cpu } from "./cpu.ts";
import { Field } from "./fields.ts";

/** RWX, write-back: devvmx's attribute bits for an `rwx wb` map line. */
export const RWX_WB = 7 | (6 << 3) | 0x400;

/** A PhysMap mapping guest-physical pages 1:1 onto one RAM, each page with its own attribute. */
export class TestMap implements PhysMap {
  /** The RAM. */
  readonly ram: GuestRam;
  /** Attribute per page; 0 unmapped. */
  readonly attr: Uint16Array;
  /** RAM page backing each guest page (identity at first). */
  readonly backing: Int32Array;
  /** Count of lookups (to see the TLB work). */
  lookups = 0;

  /** `pages` pages, all mapped with `attr`. */
  constructor(pages: number, attr = RWX_WB) {
    this.ram = new GuestRam(pages * PAGE_SIZE);
    this.attr = new Uint16Array(pages).fill(attr);
    this.backing = Int32Array.from({ length: pages }, (_, k) => k);
  }

  /** The page's translation. */
  lookupPage(page: number): EptEntry | undefined {
    this.lookups++;
    if (page >= this.attr.length || this.attr[page] === 0) return undefined;
    return { ram: this.ram, offset: this.backing[page] * PAGE_SIZE, attr: this.attr[page] };
  }
}

/** Parse "01 d8 ..." into bytes. */
export function hexBytes(s: string): Uint8Array {
  const t = s.replace(/\s+/g, "");
  return new Uint8Array(t.match(/../g)?.map((x) => parseInt(x, 16)) ?? []);
}

/** A vCPU over a fresh 16-page TestMap with `code` at `at` (also RIP), ESP at 0x8000. */
export function cpuWith(
  code: string,
  at = 0x1000,
  opts: { pages?: number; jitAfter?: number } = {},
): { cpu: Cpu; map: TestMap } {
  const map = new TestMap(opts.pages ?? 16);
  map.ram.bytes.set(hexBytes(code), at);
  const cpu = new Cpu(map, { jitAfter: opts.jitAfter });
  cpu.setField(Field.RIP, BigInt(at));
  cpu.setField(Field.RSP, 0x8000n);
  return { cpu, map };
}

/** A field as a number (fields below 2^53). */
export function num(cpu: Cpu, f: Field): number {
  return Number(cpu.getField(f));
}
