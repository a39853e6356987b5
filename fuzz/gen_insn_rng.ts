/**
 * The case generators' random numbers: xoshiro128** seeded through
 * SplitMix32 from a campaign seed and a case index, so every case can be
 * regenerated alone from (seed, index) without replaying the ones before.
 *
 * @module
 */

/** A seeded generator of 32-bit words and the draws built on them. */
export class Rng {
  #s = new Uint32Array(4);

  /** The stream of case `index` of campaign `seed` (both taken as uint32). */
  constructor(seed: number, index = 0) {
    let x = (seed ^ Math.imul(index >>> 0, 0x9e37_79b9)) >>> 0;
    for (let k = 0; k < 4; k++) {
      // SplitMix32 (a Weyl sequence through a mixing function), never all zero.
      x = (x + 0x9e37_79b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35);
      this.#s[k] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.#s[0] | this.#s[1] | this.#s[2] | this.#s[3]) === 0) this.#s[0] = 1;
  }

  /** A uniform uint32. */
  u32(): number {
    const s = this.#s;
    const r = Math.imul(_rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = _rotl(s[3], 11);
    return r;
  }

  /** A uniform integer in [0, n), n at most 2^32. */
  int(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.u32() < p * 0x1_0000_0000;
  }

  /** A uniform element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A uniform 64-bit value. */
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }

  /** `n` uniform bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const w = this.u32();
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = w >>> (8 * k);
    }
    return out;
  }
}

function _rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
