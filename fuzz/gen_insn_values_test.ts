import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { Rng } from "./gen_insn_rng.ts";
import { countValue, edgeValue, regValue, signExtend, smallSigned } from "./gen_insn_values.ts";

Deno.test("edgeValue: within the width, hitting the edges", () => {
  const r = new Rng(3, 0);
  for (const bits of [8, 16, 32, 64]) {
    const seen = new Set<bigint>();
    for (let k = 0; k < 3000; k++) {
      const v = edgeValue(r, bits);
      ok(v >= 0n && v < 1n << BigInt(bits), `${v} in ${bits} bits`);
      seen.add(v);
    }
    const top = (1n << BigInt(bits)) - 1n, sign = 1n << BigInt(bits - 1);
    for (const e of [0n, 1n, 2n, top, top - 1n, sign, sign - 1n, sign + 1n]) {
      ok(seen.has(e), `${e}`);
    }
  }
});

Deno.test("signExtend, regValue, countValue, smallSigned", () => {
  assertEquals(signExtend(0x80n, 8), 0xffff_ffff_ffff_ff80n);
  assertEquals(signExtend(0x7fn, 8), 0x7fn);
  assertEquals(signExtend(0xffff_ffffn, 32), (1n << 64n) - 1n);
  const r = new Rng(4, 0);
  const counts = new Set<number>();
  for (let k = 0; k < 2000; k++) {
    ok(regValue(r) < 1n << 64n);
    const c = countValue(r, 16);
    ok(c >= 0 && c < 256);
    counts.add(c);
    const s = smallSigned(r, 5);
    ok(s >= -5 && s <= 5);
  }
  for (const c of [0, 1, 15, 16, 17, 31, 32, 63, 64, 255]) ok(counts.has(c), `count ${c}`);
});
