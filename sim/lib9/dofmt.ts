/**
 * 9front's print(2) engine (sys/src/libc/fmt/dofmt.c, fmt.c, vseprint.c,
 * vsnprint.c) over byte strings, with the verbs the kernel uses: flags
 * `# u l h z + - , space 0`, width and precision (also `*`), and
 * `%d %x %X %o %b %p %s %q %c %%`. Floating point, rune verbs and %r are not
 * modeled and throw; other unknown verbs print as "%v%", as _badfmt does.
 *
 * `Seprint` is the bounded buffer devvmx prints into with `p = seprint(p, e,
 * ...)`: the regs and map text into a 4096-byte aux buffer, the wait line
 * into 512 bytes, cmderror's message into ERRMAX-10. It holds at most
 * size-1 bytes (the last is the NUL) and cuts output as vseprint does.
 *
 * @module
 */

import { cut } from "./bytes.ts";
import {
  Fmt,
  type FmtArg,
  FmtByte,
  FmtComma,
  fmtcpy,
  FmtFull,
  FmtLeft,
  FmtLong,
  FmtPrec,
  FmtSharp,
  FmtShort,
  FmtSign,
  FmtSpace,
  FmtUnsigned,
  FmtVLong,
  FmtWidth,
  FmtZero,
} from "./fmtbuf.ts";
import { quotestrfmt } from "./fmtquote.ts";
import { ifmt } from "./ifmt.ts";
import { byteAt, chartorune, runetochar, utflen } from "./rune.ts";

export type { FmtArg };

const _FLAGS: Record<string, number> = {
  ",": FmtComma,
  "-": FmtLeft,
  "+": FmtSign,
  "#": FmtSharp,
  " ": FmtSpace,
  "u": FmtUnsigned,
};

/** _flagfmt: fold flag verb `r` into the flags. */
function _flagfmt(f: Fmt, r: string): void {
  if (r === "h") {
    if (f.flags & FmtShort) f.flags |= FmtByte;
    f.flags |= FmtShort;
  } else if (r === "l") {
    if (f.flags & FmtLong) f.flags |= FmtVLong;
    f.flags |= FmtLong;
  } else if (r === "z") f.flags |= FmtLong | FmtVLong;
  else f.flags |= _FLAGS[r];
}

/** The next argument, which must be a string. */
function _strarg(f: Fmt): string {
  const a = f.arg();
  if (typeof a !== "string") throw new TypeError(`fmt: %${String.fromCharCode(f.r)} of ${a}`);
  return a;
}

/** fmtstrcpy: the %s verb. */
function _strfmt(f: Fmt): void {
  const s = cut(_strarg(f));
  if (f.flags & FmtPrec) {
    let i = 0, j = 0;
    for (; j < f.prec && i < s.length; j++) i += chartorune(s, i)[1];
    fmtcpy(f, s, 0, j, i);
  } else fmtcpy(f, s, 0, utflen(s), s.length);
}

/** _charfmt: the %c verb (one byte; a byte >= 0x80 prints nothing). */
function _charfmt(f: Fmt): void {
  const a = f.arg();
  if (typeof a === "string") throw new TypeError("fmt: %c of a string");
  f.prec = 1;
  fmtcpy(f, String.fromCharCode(Number(BigInt.asUintN(8, BigInt(a)))), 0, 1, 1);
}

/** One verb: returns true for a flag (keep reading), false when printed. */
function _verb(f: Fmt, r: number): boolean {
  const c = String.fromCharCode(r);
  if ("#u lhz+-,".includes(c)) {
    _flagfmt(f, c);
    return true;
  }
  if ("dxXobp".includes(c)) ifmt(f);
  else if (c === "s") _strfmt(f);
  else if (c === "q") quotestrfmt(f, _strarg(f));
  else if (c === "c") _charfmt(f);
  else if (c === "%") {
    f.prec = 1;
    fmtcpy(f, "%", 0, 1, 1);
  } else if (r >= 0x80 || "CSEGefgnr".includes(c)) {
    throw new Error(`fmt: verb %${runetochar(r)} is not modeled`);
  } else {
    const x = "%" + c + "%";
    f.prec = x.length;
    fmtcpy(f, x, 0, x.length, x.length);
  }
  return false;
}

/** _fmtdispatch: parse one %-directive from `i` and print it; index after it. */
function _dispatch(f: Fmt, fmt: string, i: number): number | undefined {
  f.flags = 0;
  f.width = f.prec = 0;
  for (;;) {
    const [r, n] = chartorune(fmt, i);
    i += n;
    f.r = r;
    if (r === 0) return undefined;
    if (r === 0x2e) { // '.'
      f.flags |= FmtWidth | FmtPrec;
      continue;
    }
    if (r === 0x30 && !(f.flags & FmtWidth)) {
      f.flags |= FmtZero;
      continue;
    }
    let num: number | undefined;
    if (r >= 0x30 && r <= 0x39) {
      num = r - 0x30;
      for (let d = byteAt(fmt, i); d >= 0x30 && d <= 0x39; d = byteAt(fmt, ++i)) {
        num = num * 10 + d - 0x30;
      }
    } else if (r === 0x2a) { // '*'
      const a = f.arg();
      if (typeof a !== "number") throw new TypeError("fmt: * takes a number");
      num = a | 0;
      if (num < 0) {
        if (f.flags & FmtPrec) {
          f.flags &= ~FmtPrec;
          f.prec = 0;
          continue;
        }
        num = -num;
        f.flags |= FmtLeft;
      }
    }
    if (num !== undefined) {
      if (f.flags & FmtWidth) {
        f.flags |= FmtPrec;
        f.prec = num;
      } else {
        f.flags |= FmtWidth;
        f.width = num;
      }
      continue;
    }
    if (!_verb(f, r)) return i;
  }
}

/** dofmt: print `fmt` into `f` until its end or until the buffer fills. */
function _dofmt(f: Fmt, fmt: string): void {
  try {
    for (let i = 0;;) {
      for (let r = byteAt(fmt, i); r !== 0 && r !== 0x25; r = byteAt(fmt, i)) {
        const n = r < 0x80 ? 1 : chartorune(fmt, i)[1];
        if (f.out.length + n > f.stop) throw new FmtFull();
        f.out += fmt.slice(i, i + n);
        i += n;
      }
      if (byteAt(fmt, i) === 0) return;
      const next = _dispatch(f, fmt, i + 1);
      if (next === undefined) return;
      i = next;
    }
  } catch (e) {
    if (!(e instanceof FmtFull)) throw e;
  }
}

/** smprint: `fmt` printed with no size limit. */
export function smprint(fmt: string, ...args: FmtArg[]): string {
  const f = new Fmt("", Infinity, args);
  _dofmt(f, fmt);
  return f.out;
}

/**
 * snprint into a buffer of `len` bytes: at most len-1 bytes of output, cut
 * as a bounded print cuts. `len` below 1 is vsnprint's error case and throws.
 */
export function snprint(len: number, fmt: string, ...args: FmtArg[]): string {
  return new Seprint(len).print(fmt, ...args).text;
}

/**
 * A buffer of `size` bytes printed into with successive seprint calls, as
 * `p = seprint(p, e, fmt, ...)` with e = buf + size: each call starts where
 * the last stopped and none writes past e-1.
 */
export class Seprint {
  /** The buffer's size in bytes, NUL included (e - buf). */
  readonly size: number;
  #out = "";
  /** An empty buffer of `size` bytes; vseprint needs at least one. */
  constructor(size: number) {
    if (!(size >= 1)) throw new RangeError(`seprint buffer of ${size} bytes`);
    this.size = size;
  }
  /** `p = seprint(p, e, fmt, ...args)`. */
  print(fmt: string, ...args: FmtArg[]): this {
    const f = new Fmt(this.#out, this.size - 1, args);
    _dofmt(f, fmt);
    this.#out = f.out;
    return this;
  }
  /** `p = strecpy(p, e, s)`: bytes of `s` while they fit, UTF-8 or not. */
  strecpy(s: string): this {
    this.#out = (this.#out + cut(s)).slice(0, this.size - 1);
    return this;
  }
  /** The text printed so far (buf up to p), a byte string. */
  get text(): string {
    return this.#out;
  }
  /** Bytes printed so far (p - buf), what cmdgetregs and cmdwait return. */
  get length(): number {
    return this.#out.length;
  }
}

/** `%#llux`: hex with "0x", also for zero ("0x0"); v cut to 64 bits. */
export function fmtX(v: bigint | number): string {
  return smprint("%#llux", v);
}
