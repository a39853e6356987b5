import { deepEqual } from "node:assert/strict";
import fc from "fast-check";
import { strtoul, strtoull } from "./strtoul.ts";

const U64 = 2n ** 64n;

Deno.test("strtoull: prefixes, blanks and signs", () => {
  deepEqual(strtoull("0x10", 0), { value: 16n, end: 4 });
  deepEqual(strtoull("0X1f", 0), { value: 31n, end: 4 });
  deepEqual(strtoull("010", 0), { value: 8n, end: 3 });
  deepEqual(strtoull("08", 0), { value: 0n, end: 1 });
  deepEqual(strtoull("0", 0), { value: 0n, end: 1 });
  deepEqual(strtoull("19z", 0), { value: 19n, end: 2 });
  deepEqual(strtoull(" \t\n\f\r\v+7", 0), { value: 7n, end: 8 });
  deepEqual(strtoull("-1", 0), { value: U64 - 1n, end: 2 });
  deepEqual(strtoull("-0x8000000000000000", 0), { value: 2n ** 63n, end: 19 });
  deepEqual(strtoull("-0", 10), { value: 0n, end: 2 });
  deepEqual(strtoull("0x10", 16), { value: 16n, end: 4 });
  deepEqual(strtoull("10", 16), { value: 16n, end: 2 });
  deepEqual(strtoull("zZ", 36), { value: 35n * 36n + 35n, end: 2 });
});

Deno.test("strtoull: nothing parsed means end 0", () => {
  for (const s of ["", " ", "-", "+", "x", " -x", "0x", "0xg", "0X"]) {
    deepEqual(strtoull(s, 0), { value: 0n, end: 0 }, s);
  }
  deepEqual(strtoull("0x", 16), { value: 0n, end: 0 });
  deepEqual(strtoull("12", -1), { value: 0n, end: 0 });
  deepEqual(strtoull("12", 37), { value: 0n, end: 0 });
});

Deno.test("strtoull: base 1 takes zeros only (the C does not refuse it)", () => {
  deepEqual(strtoull("0012", 1), { value: 0n, end: 2 });
  deepEqual(strtoull("1", 1), { value: 0n, end: 0 });
});

Deno.test("strtoull: overflow saturates whatever the sign", () => {
  deepEqual(strtoull("18446744073709551615", 10), { value: U64 - 1n, end: 20 });
  deepEqual(strtoull("18446744073709551616", 10), { value: U64 - 1n, end: 20 });
  deepEqual(strtoull("-18446744073709551616", 10), { value: U64 - 1n, end: 21 });
  deepEqual(strtoull("0x1ffffffffffffffff", 0), { value: U64 - 1n, end: 19 });
});

Deno.test("strtoul: 32-bit ulong, 0x skipped only before a hex digit", () => {
  deepEqual(strtoul("0x10", 0), { value: 16, end: 4 });
  deepEqual(strtoul("0x", 0), { value: 0, end: 1 });
  deepEqual(strtoul("0xg", 0), { value: 0, end: 1 });
  deepEqual(strtoul("0xg", 16), { value: 0, end: 1 });
  deepEqual(strtoul("0x1g", 0), { value: 1, end: 3 });
  deepEqual(strtoul("017", 0), { value: 15, end: 3 });
  deepEqual(strtoul("17", 0), { value: 17, end: 2 });
  deepEqual(strtoul(" \t-0x10", 0), { value: 2 ** 32 - 16, end: 7 });
  deepEqual(strtoul("-1", 10), { value: 2 ** 32 - 1, end: 2 });
  deepEqual(strtoul("4294967295", 10), { value: 2 ** 32 - 1, end: 10 });
  deepEqual(strtoul("4294967296", 10), { value: 2 ** 32 - 1, end: 10 });
  deepEqual(strtoul("-4294967296", 10), { value: 2 ** 32 - 1, end: 11 });
  deepEqual(strtoul("", 10), { value: 0, end: 0 });
  deepEqual(strtoul("-", 10), { value: 0, end: 0 });
  deepEqual(strtoul("0", 1), { value: 0, end: 0 });
  deepEqual(strtoul("1", 37), { value: 0, end: 0 });
});

// An independent reference: find the prefix and digit run with regular
// expressions and compute the value with unbounded BigInt arithmetic.
function _val(c: string): number {
  const v = parseInt(c, 36);
  return Number.isNaN(v) ? 36 : v;
}

function _ref(s: string, base: number, bits: 32 | 64, prefixNeedsDigit: boolean) {
  const m = /^[ \t\n\f\r\v]*([+-]?)/.exec(s)!;
  let p = m[0].length;
  const neg = m[1] === "-";
  const hasx = /^0[xX]/.test(s.slice(p));
  const hexAfter = /^0[xX][0-9a-fA-F]/.test(s.slice(p));
  if (base === 0) base = hasx ? 16 : s[p] === "0" ? 8 : 10;
  const lowest = prefixNeedsDigit ? 2 : 0;
  if (base !== 16 && (base < lowest || base > 36)) return { value: 0n, end: 0 };
  if (base === 16 && (prefixNeedsDigit ? hexAfter : hasx)) p += 2;
  let q = p;
  let v = 0n;
  while (q < s.length && _val(s[q]) < base) v = v * BigInt(base) + BigInt(_val(s[q++]));
  if (q === p) return { value: 0n, end: 0 };
  const max = 2n ** BigInt(bits) - 1n;
  if (v > max) return { value: max, end: q };
  return { value: neg ? BigInt.asUintN(bits, -v) : v, end: q };
}

const _numbery = fc.tuple(
  fc.constantFrom("", " ", "\t \n"),
  fc.constantFrom("", "-", "+"),
  fc.constantFrom("", "0", "0x", "0X", "00"),
  fc.string({ unit: fc.constantFrom(..."0123456789abcdefxyzABCDEFXYZ ,-"), maxLength: 30 }),
).map((t) => t.join(""));

const _base = fc.oneof(fc.integer({ min: 0, max: 36 }), fc.constantFrom(-1, 37));

Deno.test("strtoull matches a BigInt reference in every base", () => {
  fc.assert(
    fc.property(_numbery, _base, (s, base) => {
      deepEqual(strtoull(s, base), _ref(s, base, 64, false));
    }),
    { seed: 0x5eed, numRuns: 5000 },
  );
});

Deno.test("strtoul matches a BigInt reference in every base", () => {
  fc.assert(
    fc.property(_numbery, _base, (s, base) => {
      const r = _ref(s, base, 32, true);
      deepEqual(strtoul(s, base), { value: Number(r.value), end: r.end });
    }),
    { seed: 0x5eed, numRuns: 5000 },
  );
});
