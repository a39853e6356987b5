/**
 * Operand values that find bugs: the edges of each width (zero, one, all
 * ones, the sign boundary and its neighbours, carries out of each byte),
 * shift counts around the operand width and its mask, and plain random
 * values so that nothing but edges is tested.
 *
 * @module
 */

import type { Rng } from "./gen_insn_rng.ts";

const _M64 = (1n << 64n) - 1n;

/** An interesting value of `bits` bits (8, 16, 32 or 64), unsigned. */
export function edgeValue(rng: Rng, bits: number): bigint {
  const w = BigInt(bits), mask = (1n << w) - 1n, sign = 1n << (w - 1n);
  switch (rng.int(14)) {
    case 0:
      return 0n;
    case 1:
      return 1n;
    case 2:
      return 2n;
    case 3:
      return mask;
    case 4:
      return mask - 1n;
    case 5:
      return sign;
    case 6:
      return sign - 1n;
    case 7:
      return sign + 1n;
    case 8:
      return (0x5555_5555_5555_5555n & mask) << BigInt(rng.int(2));
    case 9:
      return 1n << BigInt(rng.int(bits));
    case 10:
      return (1n << BigInt(rng.int(bits))) - 1n; // a run of ones: carries out of every byte below
    case 11:
      return BigInt(rng.int(256)) & mask;
    case 12:
      return (mask - BigInt(rng.int(256))) & mask;
    default:
      return rng.u64() & mask;
  }
}

/** `v` of `bits` bits sign-extended to 64. */
export function signExtend(v: bigint, bits: number): bigint {
  return BigInt.asUintN(64, BigInt.asIntN(bits, v));
}

/** An initial register value: edges of every width, zero- or sign-extended, small numbers, random words. */
export function regValue(rng: Rng): bigint {
  const r = rng.int(10);
  if (r < 4) {
    const bits = rng.pick([8, 16, 32, 64]);
    const v = edgeValue(rng, bits);
    return rng.chance(0.5) ? v : signExtend(v, bits);
  }
  if (r < 5) return BigInt.asUintN(64, BigInt(rng.int(129) - 64));
  if (r < 7) return BigInt(rng.u32());
  return rng.u64() & _M64;
}

/** A shift or rotate count for an operand of `bits` bits: 0, 1, around the width and the 5/6-bit mask, random bytes. */
export function countValue(rng: Rng, bits: number): number {
  if (rng.chance(0.2)) return rng.int(256);
  const w = bits;
  return rng.pick([0, 1, 2, w - 1, w, w + 1, 8, 9, 16, 17, 31, 32, 33, 63, 64, 65, 255]) & 0xff;
}

/** A small signed number, for index registers and bit offsets: |v| ≤ `limit`. */
export function smallSigned(rng: Rng, limit: number): number {
  return rng.int(2 * limit + 1) - limit;
}
