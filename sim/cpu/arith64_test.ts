import { deepStrictEqual as assertEquals } from "node:assert/strict";
import fc from "fast-check";
import {
  divS128,
  divS64,
  divU128,
  divU64,
  mulS32,
  mulS64,
  mulU32,
  mulU64,
  R64,
} from "./arith64.ts";

const _M32 = 0xffffffffn;

function _halves(v: bigint, n: number): number[] {
  return Array.from({ length: n }, (_, k) => Number((v >> BigInt(32 * k)) & _M32) | 0);
}

function _r64(n: number): bigint {
  let v = 0n;
  for (let k = n - 1; k >= 0; k--) v = (v << 32n) | BigInt(R64[k]);
  return v;
}

// Biased toward edges: 0, ±1, sign boundaries, then anything.
const _u64 = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n),
  fc.constantFrom(0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn),
  fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
);
const _u32 = _u64.map((v) => v & _M32);
const _OPTS = { seed: 0x5eed, numRuns: 3000 };

Deno.test("mulU32/mulS32: 32 x 32 -> 64-bit products", () => {
  fc.assert(
    fc.property(_u32, _u32, (a, b) => {
      const [x, y] = [Number(a) | 0, Number(b) | 0];
      mulU32(x, y);
      assertEquals(_r64(2), a * b);
      mulS32(x, y);
      assertEquals(_r64(2), BigInt.asUintN(64, BigInt.asIntN(32, a) * BigInt.asIntN(32, b)));
    }),
    _OPTS,
  );
});

Deno.test("mulU64/mulS64: 64 x 64 -> 128-bit products", () => {
  fc.assert(
    fc.property(_u64, _u64, (a, b) => {
      const [al, ah] = _halves(a, 2), [bl, bh] = _halves(b, 2);
      mulU64(al, ah, bl, bh);
      assertEquals(_r64(4), a * b);
      mulS64(al, ah, bl, bh);
      assertEquals(_r64(4), BigInt.asUintN(128, BigInt.asIntN(64, a) * BigInt.asIntN(64, b)));
    }),
    _OPTS,
  );
});

Deno.test("divU64/divS64: 64 by 32 bits, false when the quotient does not fit", () => {
  fc.assert(
    fc.property(_u64, _u32, (n, d) => {
      const [nl, nh] = _halves(n, 2), dd = Number(d) | 0;
      const fits = d !== 0n && n / d <= _M32;
      assertEquals(divU64(nl, nh, dd), fits);
      if (fits) assertEquals([BigInt(R64[0]), BigInt(R64[2])], [n / d, n % d]);
      const sn = BigInt.asIntN(64, n), sd = BigInt.asIntN(32, d);
      const sfits = sd !== 0n && sn / sd >= -0x80000000n && sn / sd <= 0x7fffffffn;
      assertEquals(divS64(nl, nh, dd), sfits);
      if (sfits) {
        assertEquals([BigInt(R64[0]), BigInt(R64[2])], [
          BigInt.asUintN(32, sn / sd),
          BigInt.asUintN(32, sn % sd),
        ]);
      }
    }),
    _OPTS,
  );
});

// Dividends with a high half below the divisor are the interesting ones (the rest overflow).
const _div128 = fc.tuple(_u64, _u64, _u64).map(([hi, lo, d]) => {
  const dd = d === 0n ? 1n : d;
  return [((hi % dd) << 64n) | lo, d] as const;
});

Deno.test("divU128/divS128: 128 by 64 bits, long division and the 16-bit-digit path", () => {
  fc.assert(
    fc.property(
      fc.oneof(_div128, fc.tuple(_u64, _u64).map(([a, b]) => [a << 64n, b] as const)),
      ([n, d]) => {
        const [n0, n1, n2, n3] = _halves(n, 4), [dl, dh] = _halves(d, 2);
        const fits = d !== 0n && n / d <= 0xffffffffffffffffn;
        assertEquals(divU128(n0, n1, n2, n3, dl, dh), fits);
        if (fits) assertEquals([_r64(2), BigInt(R64[2]) | (BigInt(R64[3]) << 32n)], [n / d, n % d]);
        const sn = BigInt.asIntN(128, n), sd = BigInt.asIntN(64, d);
        const q = sd === 0n ? 0n : sn / sd;
        const sfits = sd !== 0n && q >= -(1n << 63n) && q < 1n << 63n;
        assertEquals(divS128(n0, n1, n2, n3, dl, dh), sfits);
        if (sfits) {
          assertEquals(_r64(4), BigInt.asUintN(64, q) | (BigInt.asUintN(64, sn % sd) << 64n));
        }
      },
    ),
    _OPTS,
  );
});

Deno.test("division edges: zero divisor, most negative by -1, quotient exactly 2^63", () => {
  assertEquals(divU64(5, 0, 0), false);
  assertEquals(divS64(0, 0x80000000 | 0, -1), false); // -2^63 / -1
  assertEquals(divS64(0x80000000 | 0, -1, -1), false); // -2^31 / -1
  assertEquals(divS64(0x80000000 | 0, -1, 1), true); // -2^31 / 1
  assertEquals(divS128(0, 0, 0, 0x80000000 | 0, -1, -1), false);
  // -2^63 / 1 fits, 2^63 / 1 does not.
  assertEquals(divS128(0, 0x80000000 | 0, -1, -1, 1, 0), true);
  assertEquals(divS128(0, 0x80000000 | 0, 0, 0, 1, 0), false);
});
