/**
 * Replay: feed a trace's inputs, call by call, to a fresh backend and check
 * every output (result bytes, descriptor, count, Dir, error string, and the
 * annotation when both sides give one) against what was recorded. Stops at
 * the first divergence and reports it with the events just before it.
 *
 * @module
 */

import { PlanError, type Syscalls } from "../sim/ns/mod.ts";
import type { Backend, BackendFactory } from "./backend.ts";
import { TraceError } from "./errors.ts";
import type { TraceFile } from "./reader.ts";
import { sameOutcome, sameValue } from "./equal.ts";
import type { ArgValue, OpName, Outcome, ResultValue, TraceEvent } from "./schema.ts";

/** Options of `replayTrace`. */
export interface ReplayOptions {
  /** Start at the checkpoint taken at this event index, restoring the backend from it. */
  readonly from?: number;
  /** Stop before this event index. */
  readonly to?: number;
  /** How many events before a divergence to report. Default 3. */
  readonly context?: number;
  /** Compare annotations where both the trace and the backend have one. Default true. */
  readonly notes?: boolean;
  /** Called every 1024 events with the count done and the count to do. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** An event with its index in the trace. */
export interface IndexedEvent {
  /** Index in the trace. */
  readonly index: number;
  /** The event. */
  readonly event: TraceEvent;
}

/** Where a replay first differs from its trace. */
export interface Divergence {
  /** Index of the event. */
  readonly index: number;
  /** The event as recorded. */
  readonly expected: TraceEvent;
  /** The same call with the outcome and note the backend produced. */
  readonly actual: TraceEvent;
  /** Which part differs. */
  readonly field: "outcome" | "note";
  /** The events just before it. */
  readonly before: readonly IndexedEvent[];
}

/** What a replay found. */
export interface ReplayResult {
  /** Events replayed that matched. */
  readonly events: number;
  /** Set when the trace file was cut short: why (the replay covered what was there). */
  readonly truncated?: string;
  /** The first divergence, if any. */
  readonly divergence?: Divergence;
}

/**
 * Replay `trace` on a backend from `factory` (given the trace's header).
 * Throws `TraceError` when the trace is unusable (corrupt chunk, a header
 * the factory cannot use, an event of a process never started, a
 * checkpoint the backend cannot restore).
 */
export function replayTrace(
  trace: TraceFile,
  factory: BackendFactory,
  options: ReplayOptions = {},
): ReplayResult {
  const backend = _backend(trace, factory);
  const from = options.from ?? 0;
  const to = Math.min(options.to ?? trace.eventCount, trace.eventCount);
  const context = options.context ?? 3;
  const notes = options.notes ?? true;
  let procs: Syscalls[] = [];
  if (from !== 0) {
    const cp = trace.checkpoint(from);
    if (!backend.restore) throw new TraceError("the backend cannot restore checkpoints");
    procs = backend.restore(cp.snapshot);
    if (procs.length !== cp.users.length || procs.some((p, i) => p.user !== cp.users[i])) {
      throw new TraceError(`checkpoint at event ${from}: the backend restored other processes`);
    }
  }
  const before: IndexedEvent[] = [];
  const truncated = trace.truncated === undefined ? {} : { truncated: trace.truncated };
  let index = from;
  for (const ev of trace.events(from, to)) {
    let outcome: Outcome;
    if (ev.op === "proc") {
      if (ev.pid !== procs.length) {
        throw new TraceError(`event ${index}: proc starts pid ${ev.pid}, expected ${procs.length}`);
      }
      outcome = _outcome(() => {
        procs.push(backend.process(ev.args[0] as string));
        return null;
      });
    } else {
      const sys = procs[ev.pid];
      if (sys === undefined) {
        throw new TraceError(`event ${index}: pid ${ev.pid} was never started`);
      }
      outcome = _outcome(() => _perform(sys, ev.op, ev.args));
    }
    const note = backend.annotate?.();
    const badOutcome = !sameOutcome(outcome, ev.outcome);
    if (
      badOutcome ||
      (notes && ev.note !== undefined && note !== undefined && !sameValue(note, ev.note))
    ) {
      const actual = {
        op: ev.op,
        pid: ev.pid,
        args: ev.args,
        outcome,
        ...(note === undefined ? {} : { note }),
      };
      const field = badOutcome ? "outcome" : "note";
      return {
        events: index - from,
        ...truncated,
        divergence: { index, expected: ev, actual, field, before },
      };
    }
    before.push({ index, event: ev });
    if (before.length > context) before.shift();
    index++;
    if ((index & 1023) === 0) options.onProgress?.(index - from, to - from);
  }
  return { events: index - from, ...truncated };
}

/** A backend for `trace`; a header the factory cannot use makes the trace unusable. */
function _backend(trace: TraceFile, factory: BackendFactory): Backend {
  try {
    return factory(trace.header);
  } catch (e) {
    if (e instanceof TraceError) throw e;
    const name = trace.header.backend.name;
    throw new TraceError(`cannot make a ${name} backend from the header: ${(e as Error).message}`);
  }
}

function _outcome(f: () => ResultValue): Outcome {
  try {
    return { status: "ok", value: f() };
  } catch (e) {
    if (e instanceof PlanError) return { status: "error", message: e.errstr };
    return { status: "crash", message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

const _CALLS: Record<
  Exclude<OpName, "proc">,
  (s: Syscalls, a: readonly ArgValue[]) => ResultValue
> = {
  open: (s, a) => s.open(a[0] as string, a[1] as number),
  create: (s, a) => s.create(a[0] as string, a[1] as number, a[2] as number),
  read: (s, a) => s.read(a[0] as number, a[1] as number),
  pread: (s, a) => s.pread(a[0] as number, a[1] as number, a[2] as number),
  write: (s, a) => s.write(a[0] as number, a[1] as Uint8Array),
  pwrite: (s, a) => s.pwrite(a[0] as number, a[1] as Uint8Array, a[2] as number),
  seek: (s, a) => s.seek(a[0] as number, a[1] as number, a[2] as number),
  close: (s, a) => (s.close(a[0] as number), null),
  remove: (s, a) => (s.remove(a[0] as string), null),
  stat: (s, a) => s.stat(a[0] as string),
  fstat: (s, a) => s.fstat(a[0] as number),
};

function _perform(s: Syscalls, op: OpName, args: readonly ArgValue[]): ResultValue {
  return _CALLS[op as Exclude<OpName, "proc">](s, args);
}
