import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import type { CpuFeature, HostCpu, NativeCase, NativeResult } from "../oracle/mod.ts";
import { INSN_CLASSES } from "./gen_insn_table.ts";
import { type BatchRunner, simFirst } from "./native_check.ts";
import { loadCase } from "./native_corpus.ts";
import { nativeCampaign, runNativeCampaign, summary } from "./native.ts";

const HOST: HostCpu = {
  vendor: "AuthenticAMD",
  brand: "Test CPU",
  family: 25,
  model: 17,
  stepping: 1,
  features: new Proxy({}, { get: () => true }) as Record<CpuFeature, boolean>,
};

/** A host that does what the simulator does, except that `edit` changes its results. */
function _runner(edit: (r: NativeResult) => void = () => {}): BatchRunner {
  return {
    run: (cases: readonly NativeCase[]) =>
      Promise.resolve(cases.map((c) => {
        const s = simFirst(c).sim;
        const r: NativeResult = {
          kind: s.kind === "exception" ? "fault" : s.kind === "other" ? "fault" : "ok",
          regs: s.regs.slice(),
          rflags: s.rflags,
          rip: s.rip,
          mem: s.mem.map((m) => ({ addr: m.addr, bytes: m.bytes.slice() })),
        };
        if (r.kind === "fault") {
          const signal = { 0: 8, 6: 4, 12: 7, 13: 11, 14: 11 }[s.vector ?? -1] ?? 31;
          Object.assign(r, {
            signal,
            trapno: s.vector ?? 0,
            siCode: 1,
            errorCode: BigInt(s.errorCode ?? 0),
            faultAddr: s.faultAddr ?? 0n,
          });
        }
        edit(r);
        return r;
      })),
  };
}

Deno.test("a campaign against a host that agrees: every verdict counted, every class seen", async () => {
  const out: string[] = [], progress: string[] = [];
  const r = await runNativeCampaign(
    { seed: 5, runs: 300, json: false, save: false, batch: 100, shrinkLimit: 0 },
    _runner(),
    HOST,
    { out: (l) => out.push(l), progress: (l) => l !== undefined && progress.push(l) },
  );
  assertEquals(r.cases, 300);
  assertEquals(r.match + r.mismatch + r.undefined + r.unsafe + r.timeout, 300);
  assertEquals(r.unsafe, 0);
  ok(r.match > 0);
  assertEquals(Object.keys(r.byClass), Object.keys(INSN_CLASSES));
  ok(Object.values(r.byClass).every((s) => s.insns > 0 && s.cases > 0));
  assertEquals(r.unshrunk, r.mismatch);
  assertEquals(progress.length, 3);
  ok(out[0].startsWith("native: host Test CPU (AuthenticAMD family 25 model 17); 583 forms"));
  assertEquals(out.slice(1), summary(r));
  assertEquals(r.host, "Test CPU (AuthenticAMD family 25 model 17)");
});

Deno.test("a host that disagrees: mismatches shrunk to reproducers, saved, folded when alike", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out: string[] = [];
    const r = await runNativeCampaign(
      {
        seed: 6,
        runs: 40,
        json: true,
        save: true,
        corpusDir: new URL(`file://${dir}/`),
        shrinkLimit: 3,
      },
      _runner((res) => res.regs[15] ^= 1n),
      HOST,
      { out: (l) => out.push(l) },
    );
    // Every case differs in R15, but a case that reads an undefined flag is not compared at all.
    assertEquals(r.mismatch + r.undefined, 40);
    assertEquals(r.unshrunk, r.mismatch - 3);
    const json = JSON.parse(out.join("\n"));
    assertEquals([json.seed, json.cases, json.mismatch], [6, 40, r.mismatch]);
    const reps = r.reproducers.length + r.reproducers.reduce((n, x) => n + x.duplicates, 0);
    assertEquals(reps, 3);
    for (const rep of r.reproducers) {
      ok(rep.diffs.some((d) => d.field === "r15"), rep.text);
      ok(rep.text.startsWith(`mismatch: seed 6 index ${rep.index}`), rep.text);
      const saved = JSON.parse(await Deno.readTextFile(rep.saved!));
      const l = loadCase(saved);
      assertEquals(saved.seed, 6);
      assertEquals(l.expected.regs[15] !== simFirst(l.case).sim.regs[15], true);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the campaign record for the dispatcher", () => {
  ok(nativeCampaign.summary.length > 0);
  assertEquals([nativeCampaign.flags, Object.isFrozen(nativeCampaign)], [["all"], true]);
  ok(nativeCampaign.usage[0].includes("--all"));
});

Deno.test("exclusions remove their forms and are counted", async () => {
  const out: string[] = [];
  const r = await runNativeCampaign(
    {
      seed: 7,
      runs: 60,
      json: false,
      save: false,
      shrinkLimit: 0,
      excluded: [{ match: "mul", why: "test" }, { match: "Xlat_m8", why: "test" }],
    },
    _runner(),
    HOST,
    { out: (l) => out.push(l) },
  );
  assertEquals([r.byClass.mul.insns, r.byClass.xlat.insns, r.excluded.list], [0, 0, 2]);
  ok(r.excluded.insns > 0 && r.excluded.cases > 0);
  ok(out.some((l) => l.includes(`excluded ${r.excluded.insns} instructions`)));
});
