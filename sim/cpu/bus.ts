/**
 * The boundary between the CPU and whatever hosts it (the VMX layer in
 * sim/vmx, test harnesses): guest memory backing, the guest-physical map the
 * CPU translates through (the EPT), and the numbering of architectural
 * fields that the VMCS guest-state area names.
 *
 * @module
 */

/** Size of a guest page. */
export const PAGE_SIZE = 4096;

/**
 * Bytes backing guest memory: one #g segment. Writes from outside the CPU
 * (the segment's data file) go through `noteWrite`, so that decoded code from
 * those pages is dropped.
 */
export class GuestRam {
  /** The memory itself. */
  readonly bytes: Uint8Array;
  /** Per-page generation, bumped when a page holding decoded code is written. */
  readonly pageGen: Uint32Array;
  /** Per-page flag: 1 while decoded instructions from the page are cached. */
  readonly codePage: Uint8Array;

  /** Allocate `size` zeroed bytes (a multiple of PAGE_SIZE). */
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    const pages = Math.ceil(size / PAGE_SIZE);
    this.pageGen = new Uint32Array(pages);
    this.codePage = new Uint8Array(pages);
  }

  /** Record that bytes [off, off+len) changed outside the CPU. */
  noteWrite(off: number, len: number): void {
    if (len <= 0) return;
    const last = Math.floor((off + len - 1) / PAGE_SIZE);
    for (let p = Math.floor(off / PAGE_SIZE); p <= last; p++) {
      if (this.codePage[p]) {
        this.codePage[p] = 0;
        this.pageGen[p]++;
      }
    }
  }
}

/** EPT permission bits in `EptEntry.attr`, as devvmx builds them (bit 10: user-execute). */
export const EPT_READ = 1;
/** Write permission. */
export const EPT_WRITE = 2;
/** Execute permission. */
export const EPT_EXEC = 4;

/** One guest-physical page's translation. */
export interface EptEntry {
  /** The backing memory. */
  readonly ram: GuestRam;
  /** Byte offset of the page within `ram`. */
  readonly offset: number;
  /** devvmx's attribute bits: access (bits 0-2), memory type (3-5), ignore PAT (6), 0x400 with x. */
  readonly attr: number;
}

/** The guest-physical address space as the CPU sees it through EPT. */
export interface PhysMap {
  /** Translation of guest-physical page number `page` (gpa / 4096), or undefined if unmapped. */
  lookupPage(page: number): EptEntry | undefined;
}
