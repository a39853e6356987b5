/**
 * The output side of 9front's print engine (sys/src/libc/fmt/fmtdef.h,
 * dofmt.c): a Fmt that writes into a bounded buffer with no flush function,
 * as vseprint and vsnprint set it up, or into an unbounded one, as smprint
 * does. When a bounded buffer is full the verb being printed stops (a rune
 * is never split) and so does the whole print; what was written stays.
 * That stop is the `FmtFull` exception, caught once per print.
 *
 * @module
 */

import { byteAt, chartorune, fullrune, Runeself, runetochar, UTFmax } from "./rune.ts";

/** Flag bits of Fmt.flags, as libc.h names them. */
export const FmtWidth = 1,
  FmtLeft = 2,
  FmtPrec = 4,
  FmtSharp = 8,
  FmtSpace = 16,
  FmtSign = 32,
  FmtZero = 64,
  FmtUnsigned = 128,
  FmtShort = 256,
  FmtLong = 512,
  FmtVLong = 1024,
  FmtComma = 2048,
  FmtByte = 4096;

/** A print argument: strings for %s %q, numbers or bigints for the rest. */
export type FmtArg = string | number | bigint;

/** Thrown when a bounded buffer fills: the C code's `return -1`. */
export class FmtFull extends Error {
  /** Make the sentinel. */
  constructor() {
    super("fmt buffer full");
  }
}

/** One print in progress: the buffer, its limit, and the current verb's state. */
export class Fmt {
  /** Bytes in the buffer so far (a byte string), earlier prints included. */
  out: string;
  /** Most bytes the buffer may hold before its NUL; Infinity when unbounded. */
  stop: number;
  /** Verb flags (Fmt* bits). */
  flags = 0;
  /** Field width. */
  width = 0;
  /** Precision. */
  prec = 0;
  /** The verb rune. */
  r = 0;
  readonly #args: readonly FmtArg[];
  #argi = 0;
  /** A print appending to `out`, limited to `stop` bytes, taking `args`. */
  constructor(out: string, stop: number, args: readonly FmtArg[]) {
    this.out = out;
    this.stop = stop;
    this.#args = args;
  }
  /** Whether output can always grow (smprint's flush), which %q consults. */
  get unbounded(): boolean {
    return this.stop === Infinity;
  }
  /** The next argument, as va_arg takes it; running out is a caller bug. */
  arg(): FmtArg {
    if (this.#argi >= this.#args.length) throw new TypeError("fmt: too few arguments");
    return this.#args[this.#argi++];
  }
}

/** FMTCHAR: append byte `c`. */
export function fmtchar(f: Fmt, c: number): void {
  if (f.out.length + 1 > f.stop) throw new FmtFull();
  f.out += String.fromCharCode(c);
}

/** FMTRUNE: append rune `r` whole, or stop. */
export function fmtrune(f: Fmt, r: number): void {
  const u = runetochar(r);
  if (f.out.length + u.length > f.stop) throw new FmtFull();
  f.out += u;
}

/** _fmtpad: `n` blanks. */
export function fmtpad(f: Fmt, n: number): void {
  for (let i = 0; i < n; i++) fmtchar(f, 0x20);
}

/**
 * _fmtcpy: `n` runes of the `sz` bytes at `m` in `s`, padded to the width.
 * Bytes that do not decode become Runeerror; a rune cut off by `sz` ends it.
 */
export function fmtcpy(f: Fmt, s: string, m: number, n: number, sz: number): void {
  const fl = f.flags;
  const w = f.width;
  const me = m + sz;
  if ((fl & FmtPrec) && n > f.prec) n = f.prec;
  if (!(fl & FmtLeft)) fmtpad(f, w - n);
  for (let nc = n; nc > 0; nc--) {
    const rw = fmtrunein(s, m, me);
    if (rw === undefined) break;
    m += rw[1];
    fmtrune(f, rw[0]);
  }
  if (fl & FmtLeft) fmtpad(f, w - n);
}

/**
 * The rune at byte `m` of `s` and its width, as _fmtcpy and qstrfmt step
 * through text ending at byte `me`: undefined where `me` cuts a rune off.
 */
export function fmtrunein(s: string, m: number, me: number): [number, number] | undefined {
  const r = byteAt(s, m);
  if (r < Runeself) return [r, 1];
  if (me - m >= UTFmax || fullrune(s, m, me - m)) return chartorune(s, m);
  return undefined;
}
