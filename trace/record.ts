/**
 * Recording: a `Syscalls` wrapper that passes every call through to the real
 * one and appends the call, its result or Plan 9 error, and the backend's
 * annotation to a trace writer; and a `Recorder` that owns a backend, makes
 * recorded processes and takes checkpoints.
 *
 * @example Record two processes, then replay the trace
 * ```ts
 * import { MemfsBackend, memfsFactory, MemorySink, replayTrace, TraceFile, TraceWriter } from "./mod.ts";
 *
 * const backend = new MemfsBackend();
 * const sink = new MemorySink();
 * const header: RecordingInput = { argv: ["example"] };
 * const rec = new Recorder(backend, new TraceWriter(sink, { ...header, backend: backend.describe() }));
 * const p = rec.process("glenda");
 * const fd = p.open("/ctl", 2);
 * p.write(fd, new TextEncoder().encode("go\n"));
 * // A process made elsewhere, wrapped by hand: it becomes pid 1.
 * const q = recordSyscalls(backend.process("other"), rec.writer, backend);
 * q.stat("/ctl");
 * rec.close();
 * const result = replayTrace(TraceFile.parse(sink.bytes()), memfsFactory);
 * if (result.divergence || result.events !== 5) throw new Error("replay diverged");
 * ```
 *
 * @module
 */

import { type Dir, PlanError, type Syscalls } from "../sim/ns/mod.ts";
import type { Backend } from "./backend.ts";
import type { ArgValue, OpName, Outcome, ResultValue } from "./schema.ts";
import { type HeaderInput, TraceWriter, type WriterOptions } from "./writer.ts";

/**
 * Wrap `inner` so that every call is recorded in `writer` as process number
 * `writer.users.length` (a `proc` event is written now). With `backend`, each
 * event carries `backend.annotate()` and, every `writer.checkpointEvery`
 * events, a `backend.snapshot()` checkpoint is written; a checkpoint is only
 * restorable if every process of the backend is recorded, in creation order.
 */
export function recordSyscalls(inner: Syscalls, writer: TraceWriter, backend?: Backend): Syscalls {
  const pid = writer.users.length;
  const log = (op: OpName, args: ArgValue[], outcome: Outcome) => {
    const note = backend?.annotate?.();
    writer.event(
      note === undefined ? { op, pid, args, outcome } : { op, pid, args, outcome, note },
    );
    const every = writer.checkpointEvery;
    if (every > 0 && backend?.snapshot && writer.eventCount % every === 0) {
      writer.checkpoint(backend.snapshot());
    }
  };
  const call = <T extends ResultValue | void>(op: OpName, args: ArgValue[], f: () => T): T => {
    let value: T;
    try {
      value = f();
    } catch (e) {
      log(op, args, _failure(e));
      throw e;
    }
    log(op, args, { status: "ok", value: value === undefined ? null : value as ResultValue });
    return value;
  };
  log("proc", [inner.user], { status: "ok", value: null });
  return {
    user: inner.user,
    open: (path, mode) => call("open", [path, mode], () => inner.open(path, mode)),
    create: (path, mode, perm) =>
      call("create", [path, mode, perm], () => inner.create(path, mode, perm)),
    read: (fd, n) => call("read", [fd, n], () => inner.read(fd, n)),
    pread: (fd, n, offset) => call("pread", [fd, n, offset], () => inner.pread(fd, n, offset)),
    write: (fd, data) => call("write", [fd, data], () => inner.write(fd, data)),
    pwrite: (fd, data, offset) =>
      call("pwrite", [fd, data, offset], () => inner.pwrite(fd, data, offset)),
    seek: (fd, offset, type) =>
      call("seek", [fd, offset, type], () => inner.seek(fd, offset, type)),
    close: (fd) => call("close", [fd], () => inner.close(fd)),
    remove: (path) => call("remove", [path], () => inner.remove(path)),
    stat: (path): Dir => call("stat", [path], () => inner.stat(path)),
    fstat: (fd): Dir => call("fstat", [fd], () => inner.fstat(fd)),
  };
}

/** How a thrown value is recorded: a Plan 9 error, or a failure of the backend itself. */
function _failure(e: unknown): Outcome {
  if (e instanceof PlanError) return { status: "error", message: e.errstr };
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { status: "crash", message };
}

/** Header fields a recorder is given; the backend description comes from the backend. */
export type RecordingInput = Omit<HeaderInput, "backend">;

/** Records everything programs do on one backend into one trace. */
export class Recorder {
  /** The backend recorded. */
  readonly backend: Backend;
  /** The trace being written. */
  readonly writer: TraceWriter;

  /** Record `backend` into `writer`. */
  constructor(backend: Backend, writer: TraceWriter) {
    this.backend = backend;
    this.writer = writer;
  }

  /** Record `backend` into a new trace file at `path`, its header filled from the backend. */
  static create(
    path: string,
    backend: Backend,
    header: RecordingInput,
    options?: WriterOptions,
  ): Recorder {
    const writer = TraceWriter.create(path, { ...header, backend: backend.describe() }, options);
    return new Recorder(backend, writer);
  }

  /** A new recorded process running as `user`. */
  process(user: string): Syscalls {
    return recordSyscalls(this.backend.process(user), this.writer, this.backend);
  }

  /** Finish the trace. */
  close(): void {
    this.writer.close();
  }
}
