/**
 * Sessions as data, for snapshot tests: a list of system calls whose
 * descriptor arguments may name the result of an earlier call, run on a
 * kernel from any point, with every outcome and annotation collected.
 *
 * @module
 */

import { Kernel, type KernelOptions, PlanError, type Syscalls } from "../mod.ts";

/** An argument: a value, or `{ ref: k }` for the descriptor call k returned (-1 if it failed). */
export type Arg = number | string | Uint8Array | { ref: number };

/** One call: `proc` starts process `pid` as user args[0]. */
export interface Op {
  /** The process. */
  pid: number;
  /** The call's name, as in Syscalls, or "proc". */
  name: string;
  /** Its arguments. */
  args: Arg[];
}

/** What a call gave. */
export type Outcome = { ok: unknown } | { err: string } | { crash: string };

/** Outcomes, annotations after each call, and (if asked for) snapshots before each call and at the end. */
export interface Run {
  /** Outcome of each call run. */
  outcomes: Outcome[];
  /** `annotate()` after each call run. */
  notes: unknown[];
  /** `snapshot()` before each call run, and one after the last. */
  snapshots: unknown[];
}

/** `n` bytes of text. */
export function b(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/**
 * Run `ops[from..]` on `kernel`, whose processes so far are `procs`;
 * `earlier` gives the outcomes of calls before `from` (for refs); with
 * `snapshots`, a snapshot is taken before each call and after the last.
 */
export function runOps(
  kernel: Kernel,
  procs: Syscalls[],
  ops: readonly Op[],
  from = 0,
  earlier: readonly Outcome[] = [],
  snapshots = false,
): Run {
  const outcomes = earlier.slice(0, from);
  const run: Run = { outcomes: [], notes: [], snapshots: [] };
  for (let i = from; i < ops.length; i++) {
    if (snapshots) run.snapshots.push(structuredClone(kernel.snapshot()));
    const op = ops[i];
    const args = op.args.map((a) => _resolve(a, outcomes));
    const o = _call(() => {
      if (op.name === "proc") {
        procs.push(kernel.process(args[0] as string));
        return null;
      }
      const sys = procs[op.pid] as unknown as Record<string, (...a: unknown[]) => unknown>;
      return sys[op.name](...args);
    });
    outcomes.push(o);
    run.outcomes.push(o);
    run.notes.push(kernel.annotate());
  }
  if (snapshots) run.snapshots.push(structuredClone(kernel.snapshot()));
  return run;
}

/** A fresh kernel with `options` running `ops` from the start, with snapshots. */
export function runFresh(ops: readonly Op[], options: KernelOptions): Run {
  return runOps(new Kernel(options), [], ops, 0, [], true);
}

function _resolve(a: Arg, outcomes: readonly Outcome[]): unknown {
  if (typeof a !== "object" || a instanceof Uint8Array) return a;
  const o = outcomes[a.ref];
  return o !== undefined && "ok" in o && typeof o.ok === "number" ? o.ok : -1;
}

function _call(f: () => unknown): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof PlanError) return { err: e.errstr };
    return { crash: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}
