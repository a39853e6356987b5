/**
 * Number parsing as 9front's libc does it: strtoull and strtoul
 * (sys/src/libc/port/strtoull.c, strtoul.c), over byte strings.
 * The kernel parses every number a vmx or segment file takes with these;
 * their quirks (which prefixes are skipped, where parsing stops, how overflow
 * saturates) are visible through the device, so they are kept exactly.
 *
 * `end` is the index where parsing stopped, as `*endptr - nptr`; it is 0 when
 * no digit was parsed (even after blanks, a sign or a skipped "0x").
 *
 * @module
 */

/** Result of a strto* call: the value and where parsing stopped. */
export interface Strto<T> {
  /** The converted value, as the C function returns it. */
  value: T;
  /** Index of the first unparsed byte (`*endptr - nptr`). */
  end: number;
}

/** Index past the blanks and sign at `p`, and whether the sign was '-'. */
function _blanksign(s: string, p: number): [number, boolean] {
  while (" \t\n\f\r\v".includes(s[p] ?? "\0")) p++;
  const c = s[p];
  if (c === "-" || c === "+") return [p + 1, c === "-"];
  return [p, false];
}

/** Value of digit byte `c` in bases up to 36, 36 for anything else. */
function _digit(c: string | undefined): number {
  const x = c === undefined ? 0 : c.charCodeAt(0);
  if (x >= 0x30 && x <= 0x39) return x - 0x30;
  if (x >= 0x61 && x <= 0x7a) return x - 0x61 + 10;
  if (x >= 0x41 && x <= 0x5a) return x - 0x41 + 10;
  return 36;
}

/**
 * The digit loop the three functions share: digits of `base` from `p`, with
 * overflow past `max` noted (the C test `n > max/base || nn < n` is exact).
 */
function _digits(
  s: string,
  p: number,
  base: number,
  max: bigint,
): { n: bigint; p: number; ndig: number; ovfl: boolean } {
  let n = 0n, ndig = 0, ovfl = false;
  const b = BigInt(base);
  for (;; p++, ndig++) {
    const v = _digit(s[p]);
    if (v >= base) break;
    n = n * b + BigInt(v);
    if (n > max) {
      ovfl = true;
      n &= max;
    }
  }
  return { n, p, ndig, ovfl };
}

/** The x or X after a 0 at `p`. */
function _isx(s: string, p: number): boolean {
  return s[p] === "0" && (s[p + 1] === "x" || s[p + 1] === "X");
}

/**
 * strtoull's base and prefix rules: the index of the
 * first digit and the base, or undefined for a base outside 0..36.
 */
function _llprefix(s: string, p: number, base: number): [number, number] | undefined {
  if (base === 0) {
    if (s[p] !== "0") return [p, 10];
    return _isx(s, p) ? [p + 2, 16] : [p, 8];
  }
  if (base === 16 && _isx(s, p)) return [p + 2, 16];
  if (base < 0 || base > 36) return undefined;
  return [p, base];
}

/**
 * strtoull: unsigned 64-bit. Base 0 picks 16 after "0x" (skipped even with
 * no hex digit after it, so "0x" parses nothing), 8 after "0", else 10;
 * base 16 also skips "0x". Overflow gives 2^64-1 whatever the sign; "-n" gives
 * 2^64-n. A base outside 0..36 parses nothing; base 1 accepts only zeros.
 */
export function strtoull(s: string, base: number): Strto<bigint> {
  const [p, neg] = _blanksign(s, 0);
  const pb = _llprefix(s, p, base);
  if (pb === undefined) return { value: 0n, end: 0 };
  const d = _digits(s, pb[0], pb[1], 0xffffffffffffffffn);
  const end = d.ndig === 0 ? 0 : d.p;
  if (d.ovfl) return { value: 0xffffffffffffffffn, end };
  return { value: neg ? BigInt.asUintN(64, -d.n) : d.n, end };
}

/**
 * strtoul: Plan 9's ulong is 32 bits on amd64. Unlike strtoull, "0x" is
 * skipped only when a hex digit follows (so "0x" parses as "0" and stops at
 * the x), and base 1 is refused. Overflow gives 2^32-1; "-n" gives 2^32-n.
 */
export function strtoul(s: string, base: number): Strto<number> {
  const [p0, neg] = _blanksign(s, 0);
  let p = p0;
  if (base === 0) base = s[p] !== "0" ? 10 : _isx(s, p) ? 16 : 8;
  if (base < 2 || base > 36) return { value: 0, end: 0 };
  if (base === 16 && _isx(s, p) && _digit(s[p + 2]) < 16) p += 2;
  const d = _digits(s, p, base, 0xffffffffn);
  const end = d.ndig === 0 ? 0 : d.p;
  if (d.ovfl) return { value: 0xffffffff, end };
  return { value: Number(neg ? BigInt.asUintN(32, -d.n) : d.n), end };
}
