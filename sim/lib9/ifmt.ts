/**
 * Integer verbs (%d %x %X %o %b %p) as 9front's _ifmt prints them
 * (sys/src/libc/fmt/dofmt.c). Plan 9 differs from ANSI C where devvmx shows
 * it: `%#x` always prints "0x", also for zero ("0x0"), and `%#.16llux` pads to
 * 16 digits after the "0x". %p is an unsigned 64-bit (amd64 uintptr) %x.
 *
 * C would read the argument at the width the flags name; here a number or
 * bigint argument is cut to that width (two's complement), so `%d` of -1
 * prints -1 and `%ud` of -1 prints 4294967295 (int and long are 32 bits).
 *
 * @module
 */

import {
  type Fmt,
  FmtByte,
  FmtComma,
  fmtcpy,
  FmtLeft,
  FmtLong,
  FmtPrec,
  FmtSharp,
  FmtShort,
  FmtSign,
  FmtSpace,
  FmtUnsigned,
  FmtVLong,
  FmtZero,
} from "./fmtbuf.ts";

const _BASES: Record<string, number> = { d: 10, x: 16, X: 16, b: 2, o: 8 };

/** The argument as the C function would have read it: sign and magnitude. */
function _value(f: Fmt, fl: number): [bigint, boolean] {
  const a = f.arg();
  if (typeof a === "string") throw new TypeError(`fmt: %${String.fromCharCode(f.r)} of a string`);
  if (typeof a === "number" && !Number.isInteger(a)) {
    throw new TypeError(`fmt: %${String.fromCharCode(f.r)} of non-integer ${a}`);
  }
  const v = BigInt(a);
  const bits = fl & FmtVLong ? 64 : fl & FmtLong ? 32 : fl & FmtByte ? 8 : fl & FmtShort ? 16 : 32;
  const x = fl & FmtUnsigned ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
  return x < 0n ? [-x, true] : [x, false];
}

/** _ifmt: print the next argument as an integer in the verb's base. */
export function ifmt(f: Fmt): void {
  let fl = f.flags;
  if (f.r === 0x70) { // 'p'
    fl |= FmtUnsigned | FmtVLong | FmtLong;
    f.r = 0x78;
  }
  const verb = String.fromCharCode(f.r);
  const base = _BASES[verb];
  const [v, neg] = _value(f, fl);
  const conv = verb === "X" ? "0123456789ABCDEF" : "0123456789abcdef";
  // buf[70] filled from the end, as the C does, so its limits match.
  const buf: string[] = new Array(70).fill("");
  let p = 69;
  let n = 0;
  const b = BigInt(base);
  for (let vu = v; vu !== 0n; vu /= b) {
    if ((fl & FmtComma) && n % 4 === 3) {
      buf[p--] = ",";
      n++;
    }
    buf[p--] = conv[Number(vu % b)];
    n++;
  }
  if (n === 0) {
    buf[p--] = "0";
    n = 1;
  }
  for (const w = f.prec; n < w && p > 3; n++) buf[p--] = "0";
  if (neg || (fl & (FmtSign | FmtSpace))) n++;
  if (fl & FmtSharp) {
    if (base === 16) n += 2;
    else if (base === 8) {
      if (buf[p + 1] === "0") fl &= ~FmtSharp;
      else n++;
    }
  }
  if ((fl & FmtZero) && !(fl & (FmtLeft | FmtPrec))) {
    for (const w = f.width; n < w && p > 3; n++) buf[p--] = "0";
    f.width = 0;
  }
  if (fl & FmtSharp) {
    if (base === 16) buf[p--] = verb;
    if (base === 16 || base === 8) buf[p--] = "0";
  }
  if (neg) buf[p--] = "-";
  else if (fl & FmtSign) buf[p--] = "+";
  else if (fl & FmtSpace) buf[p--] = " ";
  f.flags &= ~FmtPrec;
  fmtcpy(f, buf.slice(p + 1).join(""), 0, n, n);
}
