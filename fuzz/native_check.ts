/**
 * The verdict on one case: the simulator's outcome against the host's,
 * first exactly, then (only if they differ) under the masks of what the
 * sequence leaves undefined, from a single-stepped rerun.
 *
 * Safety. The native runner cannot defend itself against stores into its
 * own memory, and only the case's regions are known to be free. So every
 * case runs on the simulator first, which maps exactly those regions: if
 * it finishes, the case touched nothing else; if it faults on a page the
 * host may have mapped for the runner ({@link nativeSafe}), the case is
 * not run natively ("unsafe").
 *
 * @module
 */

import {
  compareOutcomes,
  type Difference,
  type Masks,
  nativeOutcome,
  type Outcome,
} from "../oracle/compare.ts";
import type { NativeCase, NativeResult, NativeRunner, NativeRunOptions } from "../oracle/mod.ts";
import { caseMasks } from "./native_effects.ts";
import { runOnSim, traceOnSim } from "./native_sim.ts";

/** How a case came out. */
export type Verdict =
  | "match"
  | "mismatch"
  /** It reads a flag or register an earlier instruction left undefined: not comparable. */
  | "undefined"
  /**
   * The simulator faulted where the host process may have memory, so it was
   * not run natively, or it killed the runner. Generated cases never should:
   * it points at the simulator (a wrong address) or at the generator.
   */
  | "unsafe"
  /** Either side ran out of time. */
  | "timeout";

/** A judged case. */
export interface Judged {
  /** The verdict. */
  verdict: Verdict;
  /** The host's outcome (absent when not run natively). */
  native?: Outcome;
  /** The simulator's outcome. */
  sim: Outcome;
  /** The differences left after masking (mismatch only). */
  diffs: Difference[];
  /** The masks used, when the exact comparison failed. */
  masks?: Masks;
  /** Why it is "undefined" or "unsafe". */
  note?: string;
}

/** Options of {@link judge}. */
export interface JudgeOptions {
  /** The host CPU's vendor, for oracle/compare.ts's vendor table. */
  vendor: string;
}

/**
 * True if a simulated fault at `addr` (a #PF address) is one the host
 * process is sure not to have mapped either: below mmap_min_addr (64 KiB);
 * from 128 MiB up to 0x7000_0000_0000, the gap between the runner's heap
 * (its non-PIE image is at 4 MiB, its brk at most 32 MiB above) and the
 * mmap area under the stack (libraries, at most 1 TiB of randomization below
 * 0x7fff_ffff_ffff), which holds the cases' regions and code window; or the
 * kernel half.
 */
export function nativeSafe(addr: bigint): boolean {
  return addr < 0x1_0000n || (addr >= 0x800_0000n && addr < 0x7000_0000_0000n) ||
    addr >= 0xffff_8000_0000_0000n;
}

/** The simulator's run of `c`, and whether the host may run it. */
export function simFirst(c: NativeCase, jit = false): { sim: Outcome; safe: boolean } {
  const sim = runOnSim(c, { jit });
  const safe = !(sim.kind === "exception" && sim.vector === 14 && !nativeSafe(sim.faultAddr!));
  return { sim, safe };
}

/** Judges `c` given the host's outcome `native` and the simulator's `sim` (from {@link simFirst}). */
export function judge(c: NativeCase, native: Outcome, sim: Outcome, options: JudgeOptions): Judged {
  if (native.kind === "timeout" || sim.kind === "timeout") {
    return { verdict: "timeout", native, sim, diffs: [], note: native.note ?? sim.note };
  }
  const strict = compareOutcomes(native, sim, { flags: 0 });
  if (strict.length === 0) return { verdict: "match", native, sim, diffs: [] };
  const trace = traceOnSim(c);
  const m = caseMasks(c.code, trace.steps, trace.outcome, options.vendor);
  if (m.tainted !== undefined) {
    return { verdict: "undefined", native, sim, diffs: [], masks: m.masks, note: m.tainted };
  }
  const diffs = compareOutcomes(native, sim, m.masks);
  return { verdict: diffs.length === 0 ? "match" : "mismatch", native, sim, diffs, masks: m.masks };
}

/** What {@link checkBatch} needs of the host: results per case, undefined for a case that killed the runner. */
export interface BatchRunner {
  /** Results of `cases` in order; undefined for one that killed the runner. */
  run(cases: readonly NativeCase[]): Promise<(NativeResult | undefined)[]>;
}

/**
 * A {@link BatchRunner} over NativeRunner processes that survives cases
 * that kill the runner (a store into its own memory, say): it opens a new
 * one and reruns the batch a case at a time to find the culprit.
 */
export class SturdyRunner implements BatchRunner {
  readonly #open: () => Promise<NativeRunner>;
  #runner: NativeRunner | undefined;
  readonly #options: NativeRunOptions;

  /** Runners come from `open`; each case may run `timeoutMs` (default 50 ms). */
  constructor(open: () => Promise<NativeRunner>, options: NativeRunOptions = {}) {
    this.#open = open;
    this.#options = options;
  }

  /** Runs `cases`; see the class doc. */
  async run(cases: readonly NativeCase[]): Promise<(NativeResult | undefined)[]> {
    if (cases.length === 0) return [];
    try {
      return await this.#run(cases);
    } catch (e) {
      if (!_died(e)) throw e;
      const out: (NativeResult | undefined)[] = [];
      for (const c of cases) {
        try {
          out.push((await this.#run([c]))[0]);
        } catch (e) {
          if (!_died(e)) throw e;
          out.push(undefined);
        }
      }
      return out;
    }
  }

  /** Closes the current runner. */
  async close(): Promise<void> {
    await this.#runner?.close();
    this.#runner = undefined;
  }

  /** Lets `await using` close it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #run(cases: readonly NativeCase[]): Promise<NativeResult[]> {
    this.#runner ??= await this.#open();
    try {
      return await this.#runner.run(cases, this.#options);
    } catch (e) {
      if (_died(e)) {
        await this.#runner.close().catch(() => {});
        this.#runner = undefined;
      }
      throw e;
    }
  }
}

function _died(e: unknown): boolean {
  return e instanceof Error && !(e instanceof RangeError) && /^native runner /.test(e.message);
}

/**
 * Judges a batch: the simulator first (see the module doc), then the safe
 * cases natively in one batch. `jitOf(k)` says whether case k uses compiled
 * blocks.
 */
export async function checkBatch(
  runner: BatchRunner,
  cases: readonly NativeCase[],
  options: JudgeOptions & { jitOf?: (k: number) => boolean },
): Promise<Judged[]> {
  const sims = cases.map((c, k) => simFirst(c, options.jitOf?.(k) ?? false));
  const results = await runner.run(cases.filter((_, k) => sims[k].safe));
  let r = 0;
  return cases.map((c, k) => {
    const { sim, safe } = sims[k];
    if (!safe) {
      return {
        verdict: "unsafe",
        sim,
        diffs: [],
        note: `the simulator faulted at 0x${sim.faultAddr!.toString(16)}, where the host process ` +
          `may have memory: not run natively`,
      };
    }
    const res = results[r++];
    if (res === undefined) {
      return { verdict: "unsafe", sim, diffs: [], note: "the case killed the native runner" };
    }
    return judge(c, nativeOutcome(res), sim, options);
  });
}
