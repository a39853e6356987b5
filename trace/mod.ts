/**
 * Traces: the whole conversation between a program and the simulated name
 * space (#X, #g), recorded as a crash-safe stream of msgpack chunks, and the
 * tools on it: replay (check every output against a fresh backend), show
 * (an strace-like listing) and diff (field-by-field comparison). The format
 * is specified in docs/trace-format.md.
 *
 * Start with `Recorder` (record.ts has a runnable example) and `replayTrace`.
 *
 * @module
 */

export type { Backend, BackendFactory } from "./backend.ts";
export { BACKENDS } from "./backends.ts";
export { type CliIO, consoleIO } from "./cli.ts";
export {
  type Difference,
  type DiffOptions,
  type DiffResult,
  diffTraces,
  type FieldDiff,
  formatDiff,
} from "./diff.ts";
export { diffMain } from "./diff_main.ts";
export { TraceError } from "./errors.ts";
export { MemfsBackend, memfsFactory, type MemfsOptions } from "./memfs.ts";
export { type Checkpoint, type FollowOptions, readTraceFile, TraceFile } from "./reader.ts";
export { Recorder, type RecordingInput, recordSyscalls } from "./record.ts";
export {
  type Divergence,
  type IndexedEvent,
  type ReplayOptions,
  type ReplayResult,
  replayTrace,
} from "./replay.ts";
export { replayMain, type ReplayMainOptions } from "./replay_main.ts";
export type {
  ArgValue,
  BackendDescription,
  OpName,
  Outcome,
  ResultValue,
  TraceEvent,
  TraceHeader,
} from "./schema.ts";
export { type ShowOptions, showTrace, showTraceJson } from "./show.ts";
export { showMain } from "./show_main.ts";
export { MemorySink, type TraceSink } from "./sink.ts";
export { VMXSIM, vmxsimBackend, vmxsimFactory } from "./vmxsim.ts";
export { type HeaderInput, TraceWriter, type WriterOptions } from "./writer.ts";
