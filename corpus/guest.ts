/**
 * Guest programs of the corpus scripts beyond examples/guest: each is a few
 * bytes of 32-bit code loaded at guest-physical 0x1000 (segment offset 0)
 * and started with pc=0x1000. `deno task corpus:gen` writes each to
 * corpus/guest/NAME.bin; the listing comments give address and bytes.
 *
 * @module
 */

/** A guest program: its file name (without .bin), what it does, its bytes. */
export interface GuestProgram {
  /** corpus/guest/NAME.bin. */
  readonly name: string;
  /** What it is for. */
  readonly doc: string;
  /** The code. */
  readonly bytes: readonly number[];
}

/** The programs, by name. */
export const GUEST_PROGRAMS: readonly GuestProgram[] = Object.freeze([
  {
    name: "ud",
    doc: "an invalid opcode: a #ud exit under extrap 0x40, a triple fault without (no IDT)",
    // 1000: 0f 0b  ud2
    // 1002: f4     hlt
    bytes: [0x0f, 0x0b, 0xf4],
  },
]);

/** Guest-physical address of the GDT `descriptorTables` lays out. */
export const GDT = 0x100;
/** Guest-physical address of its IDT. */
export const IDT = 0x200;
/** Handler of vector v: a `hlt` at HANDLERS + 16 * v. */
export const HANDLERS = 0x3000;

/** An 8-byte descriptor from its low and high doublewords, little-endian. */
function _desc(lo: number, hi: number): number[] {
  return [lo, lo >>> 8, lo >>> 16, lo >>> 24, hi, hi >>> 8, hi >>> 16, hi >>> 24].map((x) =>
    x & 0xff
  );
}

/**
 * What a guest needs in memory to take exceptions and interrupts through an
 * IDT in 32-bit protected mode, as [guest-physical address, bytes] writes: a
 * GDT at GDT (null; 0x08 flat 32-bit code, DPL 0; 0x10 flat writable data)
 * and 32-bit interrupt gates at IDT for `vectors`, each leading to a `hlt`
 * at HANDLERS + 16 * vector. Point gdtr at GDT (limit 0x17) and idtr at IDT.
 */
export function descriptorTables(vectors: readonly number[]): [number, number[]][] {
  // Flat descriptors: limit 0xfffff with G, base 0; access 0x9a (code) and 0x92 (data), D=1.
  const out: [number, number[]][] = [
    [GDT, [..._desc(0, 0), ..._desc(0xffff, 0x00cf9a00), ..._desc(0xffff, 0x00cf9200)]],
  ];
  for (const v of vectors) {
    const h = HANDLERS + 16 * v;
    // Interrupt gate: offset 15:0, selector 0x08; P, DPL 0, type 0xe, offset 31:16.
    out.push([IDT + 8 * v, _desc(0x00080000 | (h & 0xffff), (h & 0xffff0000) | 0x8e00)]);
    out.push([h, [0xf4]]);
  }
  return out;
}
