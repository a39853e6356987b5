import { deepStrictEqual as assertEquals } from "node:assert/strict";
import fc from "fast-check";
import {
  checkVector,
  compareDecoded,
  DECODER_MODES,
  decoderCaseArb,
  DecoderOracle,
  formatVerdict,
  IcedDecoder,
  mapRank,
  parseVectors,
} from "../fuzz/mod.ts";

const _DATA = new URL("./testdata/decoder/", import.meta.url);

function _vectors(name: string) {
  return parseVectors(Deno.readTextFileSync(new URL(name, _DATA)), name);
}

/** Our decoder on a vector file: the mismatches, and how many lines are not implemented yet. */
function _replay(name: string): { bad: string[]; unimpl: number; lines: number } {
  const bad: string[] = [];
  let unimpl = 0;
  const vs = _vectors(name);
  for (const v of vs) {
    const c = checkVector(v);
    if (c.kind === "unimpl") unimpl++;
    if (c.kind === "mismatch") {
      bad.push(`${v.where}: ${c.reason} differs: ours ${c.ours.text} (${c.ours.len} bytes)`);
    }
  }
  return { bad, unimpl, lines: vs.length };
}

Deno.test("vectors.txt: iced-x86 gives every line's answer", () => {
  const iced = new IcedDecoder();
  const bad: string[] = [];
  try {
    for (const v of _vectors("vectors.txt")) {
      const r = iced.decode(v.mode, v.bytes);
      const why = compareDecoded(r, v.expect);
      if (why !== "") bad.push(`${v.where}: ${why} differs: iced ${r.text} (${r.len} bytes)`);
    }
  } finally {
    iced.free();
  }
  assertEquals(bad, []);
});

Deno.test("vectors.txt: our decoder gives every line's answer (or does not know it yet)", () => {
  const r = _replay("vectors.txt");
  console.log(`vectors.txt: ${r.lines} lines, ${r.unimpl} not yet implemented by sim/cpu`);
  assertEquals(r.bad, []);
  assertEquals(r.lines > 200, true);
});

Deno.test("regressions.txt: our decoder gives iced-x86's answer, without iced-x86", () => {
  const r = _replay("regressions.txt");
  console.log(`regressions.txt: ${r.lines} lines, ${r.unimpl} not yet implemented by sim/cpu`);
  assertEquals(r.bad, []);
});

for (const mode of DECODER_MODES) {
  Deno.test(`${mode}-bit sample of 3000 random cases: no mismatch with iced-x86`, () => {
    const oracle = new DecoderOracle();
    const unimpl = new Map<string, number>();
    let failed = false;
    try {
      fc.assert(
        fc.property(decoderCaseArb({ modes: [mode] }), (c) => {
          const v = oracle.check(c);
          if (v.kind === "mismatch") {
            failed = true;
            throw new Error(formatVerdict(v).join("\n"));
          }
          if (v.kind === "unimpl" && !failed) {
            unimpl.set(v.key.map, (unimpl.get(v.key.map) ?? 0) + 1);
          }
        }),
        { seed: 0x5eed ^ mode, numRuns: 3000 },
      );
    } finally {
      oracle.free();
      const maps = [...unimpl].sort(([a], [b]) => (mapRank(a) < mapRank(b) ? -1 : 1));
      console.log(
        `${mode}-bit not yet implemented: ${maps.map(([m, n]) => `${m} ${n}`).join(", ")}`,
      );
    }
  });
}
