/**
 * The MIPS table: every workload (workloads.ts) with compiled blocks, with
 * the interpreter only (CpuOptions.jitAfter = Infinity) and decoding only,
 * and the end-to-end device session (device.ts), each timed by
 * benchmark.js (repeated samples, mean with relative margin of error).
 * `deno run -A bench/mips.ts` prints one row per case; `--quick` samples
 * less; `--only <text>` keeps the cases whose name contains the text (e.g.
 * `--only "interpreter only"`).
 *
 * @module
 */

import Benchmark from "benchmark";
import { deviceSession, INSNS_PER_EXIT } from "./device.ts";
import { decodeOnly, runFor, workloadCpu, WORKLOADS } from "./workloads.ts";

const _N = 1_000_000;

/** One table row: a case name and the guest instructions one call of `fn` runs. */
interface _Case {
  name: string;
  insns: number;
  fn: () => void;
}

function _cases(): _Case[] {
  const out: _Case[] = [];
  for (const name of Object.keys(WORKLOADS)) {
    const jit = workloadCpu(name), interp = workloadCpu(name, Infinity), dec = decodeOnly(name);
    out.push({ name: `${name} compiled blocks`, insns: _N, fn: () => runFor(jit, _N) });
    out.push({ name: `${name} interpreter only`, insns: _N, fn: () => runFor(interp, _N) });
    const reps = Math.ceil(_N / dec.count);
    out.push({
      name: `${name} decode only`,
      insns: reps * dec.count,
      fn: () => {
        for (let k = 0; k < reps; k++) dec.run();
      },
    });
  }
  out.push({
    name: "checksum32 through #X (go/wait)",
    insns: 4 * INSNS_PER_EXIT,
    fn: () => deviceSession(4),
  });
  return out;
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const at = Deno.args.indexOf("--only");
  const only = at >= 0 ? Deno.args[at + 1] ?? "" : "";
  const suite = new Benchmark.Suite();
  const cases = _cases().filter((c) => c.name.includes(only));
  for (const c of cases) {
    suite.add(c.name, c.fn, { minSamples: quick ? 5 : 20, maxTime: quick ? 1 : 4 });
  }
  console.log(`| case | MIPS (mean) | ± | samples |\n| --- | ---: | ---: | ---: |`);
  suite.on("cycle", (e: { target: Benchmark }) => {
    const t = e.target, c = cases.find((x) => x.name === t.name)!;
    const mips = (t.hz * c.insns) / 1e6;
    console.log(
      `| ${c.name} | ${mips.toFixed(1)} | ${t.stats.rme.toFixed(1)}% | ${t.stats.sample.length} |`,
    );
  });
  suite.run();
}
