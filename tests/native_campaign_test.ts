// The native differential campaign in CI: saved cases (corpus/native/*.json)
// replayed on the simulator against the host outcome they recorded, with
// no host needed; then a fixed-seed campaign against this machine's CPU
// (the runner is built with cc) that must show no mismatch and no unsafe
// case. Forms the simulator cannot run yet are left out only through
// fuzz/native_exclude.ts.

import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { hostCpu, NativeRunner } from "../oracle/mod.ts";
import { judge, simFirst, SturdyRunner } from "../fuzz/native_check.ts";
import { loadCase, type SavedCase } from "../fuzz/native_corpus.ts";
import { runNativeCampaign } from "../fuzz/native.ts";

const SEED = 0x5eed;
const RUNS = 3000;
const CORPUS = new URL("../corpus/native/", import.meta.url);

function _saved(): SavedCase[] {
  const out: SavedCase[] = [];
  for (const e of Deno.readDirSync(CORPUS)) {
    if (e.name.endsWith(".json")) {
      out.push(JSON.parse(Deno.readTextFileSync(new URL(e.name, CORPUS))));
    }
  }
  return out.sort((a, b) => a.name < b.name ? -1 : 1);
}

Deno.test("corpus/native: every saved case replays as recorded (known bugs still fail)", () => {
  const saved = _saved();
  for (const s of saved) {
    const { case: c, expected } = loadCase(s);
    for (const jit of [false, true]) {
      const j = judge(c, expected, simFirst(c, jit).sim, { vendor: s.vendor });
      const want = s.known === undefined ? "match" : "mismatch";
      const how = jit ? "compiled" : "interpreted";
      assertEquals(
        j.verdict,
        want,
        s.known === undefined
          ? `${s.name} (${how}): ${JSON.stringify(j.diffs)}`
          : `${s.name} (${how}) no longer fails: remove its "known" marker (${s.known})`,
      );
    }
  }
});

Deno.test("corpus/native: entries are well formed and named after their file", () => {
  for (const e of Deno.readDirSync(CORPUS)) {
    ok(e.name.endsWith(".json") || e.name === "README.md", e.name);
  }
  for (const s of _saved()) {
    ok(Deno.statSync(new URL(`${s.name}.json`, CORPUS)).isFile, s.name);
    ok(s.diffs.length > 0 && s.code.length > 0 && s.host.length > 0, s.name);
  }
});

Deno.test(`a ${RUNS}-case campaign (seed ${SEED}) on this CPU: no mismatch, no unsafe case`, async () => {
  const host = await hostCpu();
  await using runner = new SturdyRunner(() => NativeRunner.open());
  const out: string[] = [];
  const r = await runNativeCampaign(
    { seed: SEED, runs: RUNS, json: false, save: false, shrinkLimit: 3 },
    runner,
    host,
    { out: (l) => out.push(l) },
  );
  assertEquals(r.cases, RUNS);
  assertEquals([r.mismatch, r.unsafe, r.timeout], [0, 0, 0], out.join("\n"));
  ok(r.match > RUNS * 0.95, out.join("\n"));
});
