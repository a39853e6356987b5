import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { Rng } from "./gen_insn_rng.ts";

Deno.test("Rng: a stream is a function of (seed, index) alone", () => {
  const draw = (seed: number, index: number) => {
    const r = new Rng(seed, index);
    return [r.u32(), r.u32(), r.int(10), r.u64()];
  };
  assertEquals(draw(1, 2), draw(1, 2));
  ok(draw(1, 2)[0] !== draw(1, 3)[0]);
  ok(draw(1, 2)[0] !== draw(2, 2)[0]);
  // Pinned: a change here changes every seed's cases (and the corpus's seed/index provenance).
  const r = new Rng(0x5eed, 42);
  assertEquals([r.u32(), r.u32()], [2875537630, 2183978451]);
});

Deno.test("Rng: draws stay in range and cover it", () => {
  const r = new Rng(7, 0);
  const seen = new Set<number>();
  for (let k = 0; k < 2000; k++) {
    const v = r.int(10);
    ok(Number.isInteger(v) && v >= 0 && v < 10);
    seen.add(v);
    const w = r.u32();
    ok(w >= 0 && w <= 0xffff_ffff);
    ok(r.u64() < 1n << 64n);
  }
  assertEquals(seen.size, 10);
  assertEquals(r.bytes(5).length, 5);
  ok(["a", "b"].includes(r.pick(["a", "b"])));
  let heads = 0;
  for (let k = 0; k < 1000; k++) if (r.chance(0.25)) heads++;
  ok(heads > 180 && heads < 320, `${heads}`);
  assertEquals([new Rng(1).chance(0), new Rng(1).chance(1)], [false, true]);
});
