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
  parseVectors,
} from "../fuzz/mod.ts";

const _DATA = new URL("./testdata/decoder/", import.meta.url);

function _vectors(name: string) {
  return parseVectors(Deno.readTextFileSync(new URL(name, _DATA)), name);
}

/** Our decoder on a vector file: the mismatches, and how many lines there are. */
function _replay(name: string): { bad: string[]; lines: number } {
  const bad: string[] = [];
  const vs = _vectors(name);
  for (const v of vs) {
    const c = checkVector(v);
    if (c.kind === "mismatch") {
      bad.push(`${v.where}: ${c.reason} differs: ours ${c.ours.text} (${c.ours.len} bytes)`);
    }
  }
  return { bad, lines: vs.length };
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

Deno.test("vectors.txt: our decoder gives every line's answer", () => {
  const r = _replay("vectors.txt");
  assertEquals(r.bad, []);
  assertEquals(r.lines > 200, true);
});

Deno.test("regressions.txt: our decoder gives iced-x86's answer, without iced-x86", () => {
  assertEquals(_replay("regressions.txt").bad, []);
});

for (const mode of DECODER_MODES) {
  Deno.test(`${mode}-bit sample of 10000 random cases: no mismatch with iced-x86`, () => {
    const oracle = new DecoderOracle();
    try {
      fc.assert(
        fc.property(decoderCaseArb({ modes: [mode] }), (c) => {
          const v = oracle.check(c);
          if (v.kind === "mismatch") throw new Error(formatVerdict(v).join("\n"));
        }),
        { seed: 0x5eed ^ mode, numRuns: 10000 },
      );
    } finally {
      oracle.free();
    }
  });
}
