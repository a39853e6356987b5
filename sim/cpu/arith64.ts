/**
 * 64- and 128-bit integer arithmetic on 32-bit halves, for the
 * multiply and divide instructions (SDM vol. 2: MUL, IMUL, DIV, IDIV, MULX)
 * without BigInt: products by `Math.imul` and 16-bit splits, quotients by
 * doubles only where every intermediate stays below 2^53, and by long
 * division otherwise. Results go to the preallocated `R64` (nothing is
 * allocated per call).
 *
 * Halves are passed as numbers whose low 32 bits count (int32 or uint32).
 *
 * @module
 */

/**
 * Results, as uint32 words: products in R64[0..1] (64-bit) or R64[0..3]
 * (128-bit, least significant first); quotient in R64[0..1] and remainder
 * in R64[2..3] after a division.
 */
export const R64: Uint32Array = new Uint32Array(4);

const _2_32 = 4294967296;

/** Unsigned 32 × 32 → 64-bit product into R64[0] (low), R64[1] (high). */
export function mulU32(a: number, b: number): void {
  const a0 = a & 0xffff, a1 = (a >>> 16) & 0xffff, b0 = b & 0xffff, b1 = (b >>> 16) & 0xffff;
  const p01 = a0 * b1, p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  R64[0] = Math.imul(a, b);
  R64[1] = a1 * b1 + Math.floor(p01 / 65536) + Math.floor(p10 / 65536) + Math.floor(mid / 65536);
}

/** Signed 32 × 32 → 64-bit product into R64[0], R64[1]. */
export function mulS32(a: number, b: number): void {
  mulU32(a, b);
  // The unsigned product of two's-complement values overcounts by 2^32 * b when a < 0, and so on.
  R64[1] = R64[1] - (a < 0 || a > 0x7fffffff ? b : 0) - (b < 0 || b > 0x7fffffff ? a : 0);
}

/** Unsigned 64 × 64 → 128-bit product of (ah:al)(bh:bl) into R64[0..3]. */
export function mulU64(al: number, ah: number, bl: number, bh: number): void {
  mulU32(al, bl);
  const w0 = R64[0], h0 = R64[1];
  mulU32(al, bh);
  const l1 = R64[0], h1 = R64[1];
  mulU32(ah, bl);
  const l2 = R64[0], h2 = R64[1];
  mulU32(ah, bh);
  const l3 = R64[0], h3 = R64[1];
  const c1 = h0 + l1 + l2; // < 3 * 2^32: exact
  const k1 = Math.floor(c1 / _2_32);
  const c2 = h1 + h2 + l3 + k1;
  const k2 = Math.floor(c2 / _2_32);
  R64[0] = w0;
  R64[1] = c1;
  R64[2] = c2;
  R64[3] = h3 + k2;
}

/** Signed 64 × 64 → 128-bit product into R64[0..3]. */
export function mulS64(al: number, ah: number, bl: number, bh: number): void {
  mulU64(al, ah, bl, bh);
  // Subtract b << 64 when a < 0 and a << 64 when b < 0 (mod 2^128).
  if (ah & 0x80000000) _subHigh(bl, bh);
  if (bh & 0x80000000) _subHigh(al, ah);
}

function _subHigh(xl: number, xh: number): void {
  const lo = (R64[2] >>> 0) - (xl >>> 0);
  R64[2] = lo;
  R64[3] = R64[3] - (xh >>> 0) - (lo < 0 ? 1 : 0);
}

/**
 * Unsigned (nh:nl) ÷ d, 64 by 32 bits: quotient R64[0], remainder R64[2].
 * False when the quotient does not fit 32 bits (which includes d = 0).
 */
export function divU64(nl: number, nh: number, d: number): boolean {
  nh >>>= 0;
  d >>>= 0;
  if (nh >= d) return false;
  // Two 16-bit digits of quotient; each partial dividend is below d * 2^16 <= 2^48.
  let t = nh * 65536 + (nl >>> 16);
  let q1 = Math.floor(t / d);
  let r = t - q1 * d;
  if (r < 0) (q1--, r += d);
  t = r * 65536 + (nl & 0xffff);
  let q0 = Math.floor(t / d);
  r = t - q0 * d;
  if (r < 0) (q0--, r += d);
  R64[0] = q1 * 65536 + q0;
  R64[1] = 0;
  R64[2] = r;
  R64[3] = 0;
  return true;
}

/**
 * Unsigned (n3:n2:n1:n0) ÷ (dh:dl), 128 by 64 bits: quotient R64[0..1],
 * remainder R64[2..3]. False when the quotient does not fit 64 bits
 * (which includes a zero divisor).
 */
export function divU128(
  n0: number,
  n1: number,
  n2: number,
  n3: number,
  dl: number,
  dh: number,
): boolean {
  n2 >>>= 0;
  n3 >>>= 0;
  dl >>>= 0;
  dh >>>= 0;
  if (n3 > dh || (n3 === dh && n2 >= dl)) return false;
  if (dh === 0) {
    // n3 = 0 and n2 < dl: four 16-bit quotient digits from n1 and n0.
    let r = n2, q1 = 0, q0 = 0;
    for (let k = 0; k < 4; k++) {
      const digit = k < 2 ? (n1 >>> (16 - 16 * k)) & 0xffff : (n0 >>> (48 - 16 * k)) & 0xffff;
      const t = r * 65536 + digit;
      let q = Math.floor(t / dl);
      r = t - q * dl;
      if (r < 0) (q--, r += dl);
      if (k < 2) q1 = q1 * 65536 + q;
      else q0 = q0 * 65536 + q;
    }
    R64[0] = q0;
    R64[1] = q1;
    R64[2] = r;
    R64[3] = 0;
    return true;
  }
  // Divisor of 33 bits or more: restoring division, one quotient bit a step.
  let rl = n2, rh = n3, ql = 0, qh = 0;
  for (let k = 63; k >= 0; k--) {
    const top = rh >>> 31;
    const bit = k >= 32 ? (n1 >>> (k - 32)) & 1 : (n0 >>> k) & 1;
    rh = ((rh << 1) | (rl >>> 31)) >>> 0;
    rl = ((rl << 1) | bit) >>> 0;
    if (top || rh > dh || (rh === dh && rl >= dl)) {
      const lo = rl - dl;
      rh = (rh - dh - (lo < 0 ? 1 : 0)) >>> 0;
      rl = lo >>> 0;
      if (k >= 32) qh |= 1 << (k - 32);
      else ql |= 1 << k;
    }
  }
  R64[0] = ql;
  R64[1] = qh;
  R64[2] = rl;
  R64[3] = rh;
  return true;
}

/**
 * Signed (nh:nl) ÷ d, 64 by 32 bits, truncating: quotient R64[0], remainder
 * R64[2] (sign of the dividend). False when the quotient does not fit int32.
 */
export function divS64(nl: number, nh: number, d: number): boolean {
  const nneg = (nh & 0x80000000) !== 0, dneg = (d & 0x80000000) !== 0;
  let ml = nl >>> 0, mh = nh >>> 0;
  if (nneg) {
    ml = (-ml) >>> 0;
    mh = (~mh + (ml === 0 ? 1 : 0)) >>> 0;
  }
  const md = dneg ? (-d) >>> 0 : d >>> 0;
  if (!divU64(ml, mh, md)) return false;
  const q = R64[0];
  if (nneg !== dneg ? q > 0x80000000 : q > 0x7fffffff) return false;
  if (nneg !== dneg) R64[0] = -q;
  if (nneg) R64[2] = -R64[2];
  return true;
}

/**
 * Signed (n3:n2:n1:n0) ÷ (dh:dl), 128 by 64 bits, truncating: quotient
 * R64[0..1], remainder R64[2..3]. False when the quotient does not fit int64.
 */
export function divS128(
  n0: number,
  n1: number,
  n2: number,
  n3: number,
  dl: number,
  dh: number,
): boolean {
  const nneg = (n3 & 0x80000000) !== 0, dneg = (dh & 0x80000000) !== 0;
  if (nneg) {
    // Two's complement of the 128-bit dividend: invert, then add 1 with carry.
    n0 = (~n0 + 1) >>> 0;
    let c = n0 === 0 ? 1 : 0;
    n1 = (~n1 + c) >>> 0;
    c = c && n1 === 0 ? 1 : 0;
    n2 = (~n2 + c) >>> 0;
    c = c && n2 === 0 ? 1 : 0;
    n3 = (~n3 + c) >>> 0;
  }
  if (dneg) {
    dl = (-dl) >>> 0;
    dh = (~dh + (dl === 0 ? 1 : 0)) >>> 0;
  }
  if (!divU128(n0, n1, n2, n3, dl, dh)) return false;
  const ql = R64[0], qh = R64[1];
  const neg = nneg !== dneg;
  // |q| must be at most 2^63 (negative quotient) or 2^63 - 1.
  if (qh > 0x80000000 || (qh === 0x80000000 && (!neg || ql !== 0))) return false;
  if (neg) _neg(0);
  if (nneg) _neg(2);
  return true;
}

function _neg(k: number): void {
  const lo = (-R64[k]) >>> 0;
  R64[k + 1] = ~R64[k + 1] + (lo === 0 ? 1 : 0);
  R64[k] = lo;
}
