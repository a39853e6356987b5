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
