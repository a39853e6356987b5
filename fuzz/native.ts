/**
 * The native differential campaign: random instruction sequences run on
 * this machine's CPU (oracle/native.ts) and on sim/cpu, compared under
 * undefined-flag masks; mismatches shrunk to reproducers and, with --save,
 * written to corpus/native/ for tests/native_campaign_test.ts to replay.
 *
 * ```
 * deno task fuzz native [--seed N] [--runs N | --seconds S] [--json] [--save]
 * ```
 * The dispatcher (fuzz/cli.ts) parses the options and prints the seed
 * first. Exit status 0: no mismatch; 1: mismatches or unsafe cases.
 * Progress goes to stderr when it is a terminal. Without --runs or
 * --seconds it runs {@link NATIVE_DEFAULT_RUNS} cases.
 *
 * @module
 */

import type { Difference, Outcome } from "../oracle/compare.ts";
import type { CliIO } from "../trace/mod.ts";
import type { Campaign, CampaignOptions } from "./cli.ts";
import { GPR_NAMES, type GprName, type HostCpu, hostCpu, NativeRunner } from "../oracle/mod.ts";
import { type GenCase, generateCase, toNativeCase } from "./gen_insn.ts";
import { availableTemplates, INSN_CLASSES, INSN_TEMPLATES } from "./gen_insn_table.ts";
import {
  type BatchRunner,
  checkBatch,
  type Judged,
  simFirst,
  SturdyRunner,
  type Verdict,
} from "./native_check.ts";
import { formatReproducer, saveCase } from "./native_corpus.ts";
import { type Exclusion, isExcluded, NATIVE_EXCLUDED } from "./native_exclude.ts";
import { shrinkCase } from "./native_shrink.ts";

/** What a campaign runs. */
export interface NativeCampaignOptions {
  /** Campaign seed (uint32). */
  seed: number;
  /** Cases to run (ignored when `seconds` is set). */
  runs: number;
  /** Run for this long instead of a number of cases. */
  seconds?: number;
  /** Print one JSON report instead of text. */
  json: boolean;
  /** Write each distinct reproducer to `corpusDir`. */
  save: boolean;
  /** Where --save writes (default corpus/native/). */
  corpusDir?: URL;
  /** Cases per native batch (default 256). */
  batch?: number;
  /** Mismatches shrunk at most (default 100); the others are only counted. */
  shrinkLimit?: number;
  /** The exclusion list (default NATIVE_EXCLUDED; `--all` runs with none). */
  excluded?: readonly Exclusion[];
}

/** Cases run when neither --runs nor --seconds is given. */
export const NATIVE_DEFAULT_RUNS = 2000;

/** Per-class counts. */
export interface ClassStats {
  /** Instructions of the class generated (setup excluded). */
  insns: number;
  /** Cases containing the class. */
  cases: number;
  /** Mismatching (or unsafe) cases containing the class. */
  mismatching: number;
  /** Distinct shrunk reproducers whose instructions are of the class. */
  reproducers: number;
}

/** A shrunk mismatch (or unsafe case). */
export interface Reproducer {
  /** How the case came out: mismatch or unsafe. */
  verdict: Verdict;
  /** Campaign seed. */
  seed: number;
  /** Index of the case before shrinking. */
  index: number;
  /** Classes of its instructions (setup excluded), joined by "+". */
  class: string;
  /** Forms of its instructions, joined by " ". */
  forms: string;
  /** Its readable form. */
  text: string;
  /** What still differs after shrinking. */
  diffs: Difference[];
  /** Identical reproducers (same forms and differing fields) folded into this one. */
  duplicates: number;
  /** Where --save wrote it. */
  saved?: string;
}

/** A campaign's result. */
export interface CampaignReport {
  /** Campaign seed. */
  seed: number;
  /** The host CPU, as brand (vendor family model). */
  host: string;
  /** Cases run. */
  cases: number;
  /** Wall time, tenths of a second. */
  seconds: number;
  /** Matching cases (verdicts of native_check.ts). */
  match: number;
  /** Mismatching cases. */
  mismatch: number;
  /** Cases reading something undefined (not compared). */
  undefined: number;
  /** Cases not run on the host for safety. */
  unsafe: number;
  /** Cases out of time on either side. */
  timeout: number;
  /** Generated instructions (and cases) removed by fuzz/native_exclude.ts; cases left with no instruction. */
  excluded: { insns: number; cases: number; emptied: number; list: number };
  /** Forms generated (those the host has). */
  forms: number;
  /** Counts per class of gen_insn_table.ts. */
  byClass: Record<string, ClassStats>;
  /** Distinct shrunk reproducers, in the order found. */
  reproducers: Reproducer[];
  /** Mismatches not shrunk (past shrinkLimit). */
  unshrunk: number;
}

/** Where results and progress go (fuzz/cli.ts's CliIO). */
export type CampaignIo = Pick<CliIO, "out" | "progress">;

/** Runs a campaign against `runner` on host `host`; see the module doc. */
export async function runNativeCampaign(
  options: NativeCampaignOptions,
  runner: BatchRunner,
  host: HostCpu,
  io: CampaignIo,
): Promise<CampaignReport> {
  const hostName = `${host.brand} (${host.vendor} family ${host.family} model ${host.model})`;
  const templates = availableTemplates(host.features);
  const exclusions = options.excluded ?? NATIVE_EXCLUDED;
  const report: CampaignReport = {
    seed: options.seed,
    host: hostName,
    cases: 0,
    seconds: 0,
    match: 0,
    mismatch: 0,
    undefined: 0,
    unsafe: 0,
    timeout: 0,
    excluded: { insns: 0, cases: 0, emptied: 0, list: exclusions.length },
    forms: templates.length,
    byClass: Object.fromEntries(
      Object.keys(INSN_CLASSES).map((
        c,
      ) => [c, { insns: 0, cases: 0, mismatching: 0, reproducers: 0 }]),
    ),
    reproducers: [],
    unshrunk: 0,
  };
  if (!options.json) {
    io.out(
      `native: host ${hostName}; ${templates.length} forms (${
        INSN_TEMPLATES.length - templates.length
      } need features the host lacks)`,
    );
  }
  const start = performance.now();
  const elapsed = () => (performance.now() - start) / 1000;
  const more = () =>
    options.seconds !== undefined ? elapsed() < options.seconds : report.cases < options.runs;
  const batch = options.batch ?? 256;
  const seen = new Map<string, Reproducer>();
  let index = 0, shrunk = 0;
  while (more()) {
    const n = options.seconds !== undefined ? batch : Math.min(batch, options.runs - report.cases);
    const gen: GenCase[] = [];
    while (gen.length < n) {
      const g = generateCase(options.seed, index++, {
        templates,
        excluded: (t) => isExcluded(t, exclusions),
      });
      report.excluded.insns += g.excluded.length;
      if (g.excluded.length > 0) report.excluded.cases++;
      if (g.case.insns.length === 0) {
        if (g.excluded.length > 0) report.excluded.emptied++;
        continue;
      }
      gen.push(g.case);
    }
    const judged = await checkBatch(runner, gen.map(toNativeCase), {
      vendor: host.vendor,
      jitOf: (k) => gen[k].index % 2 === 1,
    });
    for (let k = 0; k < gen.length; k++) {
      const c = gen[k], j = judged[k];
      report.cases++;
      report[j.verdict]++;
      const classes = new Set(c.insns.filter((i) => i.cls !== "setup").map((i) => i.cls));
      for (const i of c.insns) if (i.cls !== "setup") report.byClass[i.cls].insns++;
      const bad = j.verdict === "mismatch" || j.verdict === "unsafe";
      for (const cls of classes) {
        report.byClass[cls].cases++;
        if (bad) report.byClass[cls].mismatching++;
      }
      if (!bad) continue;
      if (shrunk >= (options.shrinkLimit ?? 100)) {
        report.unshrunk++;
        continue;
      }
      shrunk++;
      const r = await _reproduce(c, j.verdict, runner, host, hostName, options, seen);
      if (r !== undefined) {
        for (const cls of r.class.split("+")) report.byClass[cls].reproducers++;
        report.reproducers.push(r);
        if (!options.json) io.out(r.text + (r.saved ? `\n  saved: ${r.saved}` : ""));
      }
    }
    io.progress?.(
      `native: ${report.cases} cases, ${report.mismatch} mismatches, ${elapsed().toFixed(1)} s`,
    );
  }
  report.seconds = Math.round(elapsed() * 10) / 10;
  if (options.json) io.out(JSON.stringify(report, null, 1));
  else for (const line of summary(report)) io.out(line);
  return report;
}

/**
 * Shrinks failing case `c` (a mismatch, or unsafe: then on the simulator
 * alone); a new reproducer, or undefined if it folds into a known one.
 */
async function _reproduce(
  c: GenCase,
  verdict: Verdict,
  runner: BatchRunner,
  host: HostCpu,
  hostName: string,
  options: NativeCampaignOptions,
  seen: Map<string, Reproducer>,
): Promise<Reproducer | undefined> {
  const jit = c.index % 2 === 1;
  const check = (cands: readonly GenCase[]) =>
    checkBatch(runner, cands.map(toNativeCase), { vendor: host.vendor, jitOf: () => jit });
  const small = await shrinkCase(
    c,
    async (cands) =>
      verdict === "unsafe"
        ? cands.map((k) => !simFirst(toNativeCase(k), jit).safe)
        : (await check(cands)).map((j) => j.verdict === "mismatch"),
  );
  const nc = toNativeCase(small);
  const [j] = verdict === "unsafe"
    ? [{ verdict, sim: simFirst(nc, jit).sim, diffs: [] } as Judged]
    : await check([small]);
  const main = small.insns.filter((i) => i.cls !== "setup");
  const shown = main.length > 0 ? main : small.insns;
  const cls = [...new Set(shown.map((i) => i.cls === "setup" ? _classOfForm(i.form) : i.cls))].join(
    "+",
  );
  const forms = shown.map((i) => i.form).join(" ");
  // Alike: the same forms, differing in the same kinds of field (any GPR, any memory).
  const kinds = j.diffs.map((d) =>
    GPR_NAMES.includes(d.field as GprName) ? "gpr" : d.field.startsWith("mem") ? "mem" : d.field
  );
  const key = `${verdict}|${forms}|${[...new Set(kinds)].join(",")}`;
  const old = seen.get(key);
  if (old !== undefined) {
    old.duplicates++;
    return undefined;
  }
  const title = `${verdict}: seed ${c.seed} index ${c.index} class ${cls}${
    jit ? " (compiled blocks)" : ""
  }${
    verdict === "unsafe"
      ? " (not run on the host: the simulator faulted outside the case's memory)"
      : ""
  }`;
  const r: Reproducer = {
    verdict,
    seed: c.seed,
    index: c.index,
    class: cls,
    forms,
    text: formatReproducer(title, nc, j.native, j.sim, j.diffs),
    diffs: j.diffs,
    duplicates: 0,
  };
  seen.set(key, r);
  if (options.save && j.native !== undefined) {
    r.saved = await _save(nc, j, r, hostName, host, options);
  }
  return r;
}

function _classOfForm(form: string): string {
  return INSN_TEMPLATES.find((t) => t.name === form)?.cls ?? "setup";
}

async function _save(
  nc: ReturnType<typeof toNativeCase>,
  j: Judged,
  r: Reproducer,
  hostName: string,
  host: HostCpu,
  options: NativeCampaignOptions,
): Promise<string> {
  const dir = options.corpusDir ?? new URL("../corpus/native/", import.meta.url);
  const name = `${r.class}-${r.forms.split(" ").pop()}-s${r.seed}-i${r.index}`.toLowerCase()
    .replace(/[^a-z0-9+._-]/g, "_");
  const saved = saveCase(nc, j.native as Outcome, {
    name,
    seed: r.seed,
    index: r.index,
    class: r.class,
    host: hostName,
    vendor: host.vendor,
    diffs: j.diffs,
  });
  await Deno.mkdir(dir, { recursive: true });
  const url = new URL(`${name}.json`, dir);
  await Deno.writeTextFile(url, JSON.stringify(saved, null, 1) + "\n");
  return decodeURIComponent(url.pathname);
}

/** The text summary: totals, exclusions, then one line per class. */
export function summary(r: CampaignReport): string[] {
  const lines = [
    `native: ${r.cases} cases in ${r.seconds} s: ${r.match} match, ${r.mismatch} mismatch, ` +
    `${r.undefined} undefined, ${r.unsafe} unsafe, ${r.timeout} timeout`,
    `native: excluded ${r.excluded.insns} instructions from ${r.excluded.cases} cases ` +
    `(${r.excluded.emptied} left empty) by ${r.excluded.list} exclusions (fuzz/native_exclude.ts)`,
  ];
  if (r.unshrunk > 0) lines.push(`native: ${r.unshrunk} mismatches not shrunk (limit reached)`);
  lines.push(
    `${"class".padEnd(10)} ${"insns".padStart(8)} ${"cases".padStart(8)} ${
      "mismatching".padStart(12)
    } ${"reproducers".padStart(12)}`,
  );
  for (const [cls, s] of Object.entries(r.byClass)) {
    lines.push(
      `${cls.padEnd(10)} ${String(s.insns).padStart(8)} ${String(s.cases).padStart(8)} ${
        String(s.mismatching).padStart(12)
      } ${String(s.reproducers).padStart(12)}`,
    );
  }
  return lines;
}

/** The `native` campaign of `deno task fuzz`. */
export const nativeCampaign: Campaign = Object.freeze({
  summary: "random instruction sequences on the host CPU and on sim/cpu, compared",
  usage: ["  --all          ignore fuzz/native_exclude.ts (see which entries can go)"],
  flags: ["all"],
  async run(o: CampaignOptions, io: CliIO): Promise<number> {
    const host = await hostCpu();
    await using runner = new SturdyRunner(() => NativeRunner.open());
    const r = await runNativeCampaign(
      {
        seed: o.seed >>> 0,
        runs: o.runs ?? NATIVE_DEFAULT_RUNS,
        seconds: o.seconds,
        json: o.json,
        save: o.save,
        excluded: o.extra.has("all") ? [] : NATIVE_EXCLUDED,
      },
      runner,
      host,
      io,
    );
    io.progress?.(undefined);
    return r.mismatch + r.unsafe > 0 ? 1 : 0;
  },
});
