/**
 * The decoder campaign: random cases from `decoderCaseArb` through the
 * oracle, in chunks of fast-check runs. Each chunk has its own seed derived
 * from the campaign's; the first mismatch of a kind not seen before stops
 * the chunk and is shrunk by fast-check (to the smallest case with the same
 * signature) and reported with its `{ seed, path }`; later cases of known
 * kinds are only counted. Mismatches are also counted by opcode map.
 *
 * @module
 */

import fc from "fast-check";
import type { CliIO } from "../trace/mod.ts";
import type { Campaign, CampaignOptions } from "./cli.ts";
import { DECODER_MODES, DecoderCase, decoderCaseArb, type DecoderMode } from "./decoder_arb.ts";
import { toHex } from "./decoder_hex.ts";
import { mapRank } from "./decoder_opmap.ts";
import {
  DecoderOracle,
  formatVerdict,
  relevantLength,
  type Verdict,
  verdictSignature,
} from "./decoder_oracle.ts";
import { appendVectors, formatVector } from "./decoder_vectors.ts";

/** Options of {@link runDecoderCampaign}. */
export interface DecoderCampaignOptions {
  /** Campaign seed. */
  readonly seed: number;
  /** Cases to run (default 10000 unless `seconds` is given). */
  readonly runs?: number;
  /** Time budget in seconds. */
  readonly seconds?: number;
  /** Modes to draw from (default 16, 32 and 64). */
  readonly modes?: readonly DecoderMode[];
  /** Most distinct mismatches to shrink and report (default 100). */
  readonly maxReports?: number;
  /** Called after each chunk with the counts so far. */
  readonly progress?: (done: { cases: number; mismatches: number }) => void;
  /** The verdict on one case (default: a DecoderOracle's `check`). */
  readonly check?: (c: DecoderCase) => Verdict;
}

/** A distinct mismatch: its shrunk case and how to replay it. */
export interface MismatchReport {
  /** Signature shared by the cases counted here (see verdictSignature). */
  readonly signature: string;
  /** Cases with this signature. */
  count: number;
  /** The shrunk case's verdict. */
  readonly verdict: Verdict;
  /** fast-check seed of the chunk that found it. */
  readonly seed: number;
  /** fast-check path of the shrunk case in that chunk. */
  readonly path: string;
}

/** What a campaign found. */
export interface DecoderCampaignReport {
  /** Campaign seed. */
  readonly seed: number;
  /** Cases run. */
  cases: number;
  /** Cases per mode. */
  readonly byMode: Record<number, number>;
  /** Cases where both agree. */
  matches: number;
  /** Mismatching cases (all kinds). */
  mismatches: number;
  /** Mismatching cases per opcode map. */
  readonly mismatchesByMap: Record<string, number>;
  /** Distinct mismatches, shrunk (at most maxReports). */
  readonly reports: MismatchReport[];
  /** Distinct mismatch signatures beyond maxReports (counted, not shrunk). */
  unreported: number;
  /** Wall time. */
  seconds: number;
}

const _CHUNK = 1000;

/** The seed of chunk `k`: the campaign seed for chunk 0, then a Weyl sequence. */
function _chunkSeed(seed: number, k: number): number {
  return (seed + Math.imul(k, 0x9e3779b9)) | 0;
}

function _count(r: DecoderCampaignReport, v: Verdict): void {
  r.cases++;
  r.byMode[v.mode] = (r.byMode[v.mode] ?? 0) + 1;
  if (v.kind === "match") r.matches++;
  else {
    r.mismatches++;
    r.mismatchesByMap[v.key.map] = (r.mismatchesByMap[v.key.map] ?? 0) + 1;
  }
}

/** Run the decoder campaign (see the module doc). */
export function runDecoderCampaign(options: DecoderCampaignOptions): DecoderCampaignReport {
  const runs = options.runs ?? (options.seconds === undefined ? 10000 : Infinity);
  const maxReports = options.maxReports ?? 100;
  const r: DecoderCampaignReport = {
    seed: options.seed,
    cases: 0,
    byMode: {},
    matches: 0,
    mismatches: 0,
    mismatchesByMap: {},
    reports: [],
    unreported: 0,
    seconds: 0,
  };
  const bySig = new Map<string, MismatchReport | null>();
  const arb = decoderCaseArb({ modes: options.modes });
  const oracle = options.check ? undefined : new DecoderOracle();
  const check = options.check ?? ((c: DecoderCase) => (oracle as DecoderOracle).check(c));
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  try {
    for (let chunk = 0; r.cases < runs; chunk++) {
      if (options.seconds !== undefined && elapsed() >= options.seconds) break;
      let hunting: string | undefined;
      const prop = fc.property(arb, (c) => {
        const v = check(c);
        // While shrinking, only the mismatch being shrunk counts as a failure.
        if (hunting !== undefined) return v.kind !== "mismatch" || verdictSignature(v) !== hunting;
        _count(r, v);
        if (v.kind !== "mismatch") return true;
        const sig = verdictSignature(v);
        const known = bySig.get(sig);
        if (known !== undefined) {
          if (known !== null) known.count++;
          return true;
        }
        if (r.reports.length >= maxReports) {
          bySig.set(sig, null);
          r.unreported++;
          return true;
        }
        hunting = sig;
        return false;
      });
      const seed = _chunkSeed(options.seed, chunk);
      const d = fc.check(prop, { seed, numRuns: Math.min(_CHUNK, runs - r.cases) });
      if (d.failed) {
        if (hunting === undefined || d.counterexample === null) {
          throw new Error(`decoder campaign crashed (fast-check seed ${seed}): ${d.errorInstance}`);
        }
        const rep: MismatchReport = {
          signature: hunting,
          count: 1,
          verdict: check(d.counterexample[0]),
          seed,
          path: d.counterexamplePath ?? "",
        };
        bySig.set(hunting, rep);
        r.reports.push(rep);
      }
      options.progress?.({ cases: r.cases, mismatches: r.mismatches });
    }
  } finally {
    oracle?.free();
  }
  r.seconds = elapsed();
  return r;
}

/** The report as text: counts, each distinct mismatch with its reproducer, mismatches by map. */
export function formatDecoderReport(r: DecoderCampaignReport): string[] {
  const modes = Object.keys(r.byMode).map((m) => `${m}-bit ${r.byMode[Number(m)]}`).join(", ");
  const kinds = r.reports.length + r.unreported;
  const out = [
    `decoder: ${r.cases} cases (${modes}) in ${r.seconds.toFixed(1)} s`,
    `  agree ${r.matches}, mismatch ${r.mismatches} (${kinds} kinds)`,
  ];
  if (r.reports.length > 0) {
    out.push("mismatches (shrunk; replay a chunk with fc.check(…, { seed, path })):");
    r.reports.forEach((m, k) => {
      out.push(
        `${k + 1}. [${m.signature}] ${m.count} case(s), { seed: ${m.seed}, path: "${m.path}" }`,
      );
      out.push(...formatVerdict(m.verdict).map((l) => "   " + l));
    });
  }
  if (r.unreported > 0) out.push(`(${r.unreported} more kinds of mismatch not shrunk)`);
  const maps = Object.keys(r.mismatchesByMap).sort((a, b) => (mapRank(a) < mapRank(b) ? -1 : 1));
  if (maps.length > 0) {
    out.push("mismatches by opcode map:");
    for (const m of maps) out.push(`  ${m.padEnd(9)} ${String(r.mismatchesByMap[m]).padStart(7)}`);
  }
  return out;
}

/** The report as a JSON-ready object (bytes in hex). */
export function decoderReportJson(r: DecoderCampaignReport): Record<string, unknown> {
  const side = (d: Verdict["ours"]) => ({ status: d.status, len: d.len, text: d.text });
  return {
    seed: r.seed,
    campaign: "decoder",
    cases: r.cases,
    byMode: r.byMode,
    matches: r.matches,
    mismatches: r.mismatches,
    seconds: Number(r.seconds.toFixed(3)),
    reports: r.reports.map((m) => ({
      signature: m.signature,
      count: m.count,
      mode: m.verdict.mode,
      bytes: toHex(m.verdict.bytes.subarray(0, relevantLength(m.verdict))),
      reason: m.verdict.reason,
      ours: side(m.verdict.ours),
      iced: side(m.verdict.iced),
      seed: m.seed,
      path: m.path,
    })),
    unreported: r.unreported,
    mismatchesByMap: r.mismatchesByMap,
  };
}

/**
 * Vector lines for the reports, iced-x86's result expected: each case cut
 * to its relevant bytes when `check` still gives it the same signature.
 */
export function regressionLines(
  reports: readonly MismatchReport[],
  check: (c: DecoderCase) => Verdict,
): string[] {
  return reports.map(({ verdict: v, signature }) => {
    const cut = check(
      new DecoderCase(v.mode as DecoderMode, v.bytes.subarray(0, relevantLength(v))),
    );
    const use = verdictSignature(cut) === signature ? cut : v;
    return formatVector(use.mode, use.bytes, use.iced);
  });
}

/** Where `--save` appends regression vectors. */
export const REGRESSIONS_URL: URL = new URL(
  "../tests/testdata/decoder/regressions.txt",
  import.meta.url,
);

function _modes(v: string | true | undefined): readonly DecoderMode[] | string {
  if (v === undefined) return DECODER_MODES;
  const m = DECODER_MODES.find((x) => String(x) === v);
  return m === undefined ? `--mode wants 16, 32 or 64, not "${v}"` : [m];
}

/** Options of {@link createDecoderCampaign}. */
export interface DecoderCampaignSetup {
  /** Vector file `--save` appends to (default REGRESSIONS_URL's path). */
  readonly regressions?: string;
  /** The verdict on one case (default: a DecoderOracle's `check`). */
  readonly check?: (c: DecoderCase) => Verdict;
}

/** A `decoder` campaign saving to `setup.regressions`. */
export function createDecoderCampaign(setup: DecoderCampaignSetup = {}): Campaign {
  return {
    summary: "sim/cpu's decoder against iced-x86 on random instruction bytes",
    usage: ["  --mode M       only 16-, 32- or 64-bit code"],
    flags: [],
    valued: ["mode"],
    run(o: CampaignOptions, io: CliIO): number {
      const modes = _modes(o.extra.get("mode"));
      if (typeof modes === "string") {
        io.err(`fuzz decoder: ${modes}`);
        return 2;
      }
      const progress = io.progress;
      const r = runDecoderCampaign({
        seed: o.seed,
        runs: o.runs,
        seconds: o.seconds,
        modes,
        check: setup.check,
        progress: progress &&
          ((p) => progress(`decoder: ${p.cases} cases, ${p.mismatches} mismatches`)),
      });
      progress?.(undefined);
      if (o.json) io.out(JSON.stringify(decoderReportJson(r)));
      else formatDecoderReport(r).forEach((l) => io.out(l));
      if (o.save && r.reports.length > 0) {
        const path = setup.regressions ?? REGRESSIONS_URL.pathname;
        const oracle = setup.check ? undefined : new DecoderOracle();
        try {
          const check = setup.check ?? ((c: DecoderCase) => (oracle as DecoderOracle).check(c));
          const added = appendVectors(path, regressionLines(r.reports, check));
          io.err(`saved ${added} new regression vector(s) to ${path}`);
        } finally {
          oracle?.free();
        }
      }
      return r.mismatches > 0 ? 1 : 0;
    },
  };
}

/** The `decoder` campaign for `deno task fuzz decoder`. */
export const decoderCampaign: Campaign = createDecoderCampaign();
