/**
 * One row of the instruction definitions (defs.ts and the defs_*.ts files
 * it gathers): the record and the function that builds it.
 *
 * @module
 */

/** One encoding of an instruction. */
export interface OpDef {
  /** Mnemonic as the disassembler prints it (iced-x86's Intel names). */
  readonly mnem: string;
  /** Encoding, see the module doc. */
  readonly enc: string;
  /** Operands in SDM notation, comma separated (`Ev,Gv`), or empty. */
  readonly form: string;
  /** Handler family; the width in bits is appended for byte and wide rows. Empty: not executed yet. */
  readonly h: string;
  /** Sub-operation: ALU operation, condition code, shift kind. */
  readonly sub: number;
  /** Attr bits beyond those implied by the encoding and form. */
  readonly attr: number;
  /** Flags written. */
  readonly fw: number;
  /** Flags left undefined. */
  readonly fu: number;
}

/** A row: `mnem`, `enc`, `form` and handler family `h` (see defs.ts), with optional fields. */
export function row(
  mnem: string,
  enc: string,
  form: string,
  h: string,
  opts: { sub?: number; attr?: number; fw?: number; fu?: number } = {},
): OpDef {
  return {
    mnem,
    enc,
    form,
    h,
    sub: opts.sub ?? 0,
    attr: opts.attr ?? 0,
    fw: opts.fw ?? 0,
    fu: opts.fu ?? 0,
  };
}

/** A byte as two uppercase hex digits, as encodings write opcodes (`0F`, `C1`). */
export function hexByte(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, "0");
}
