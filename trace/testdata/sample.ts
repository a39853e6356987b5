/**
 * A small recorded program on the memfs backend, used by the trace tests:
 * two processes, every operation, a Plan 9 error, a crash, data large
 * enough for blobs (twice, so the blob is shared). It leaves the tree as it
 * found it, so it can run again on the same backend.
 *
 * @module
 */

import { MemfsBackend, type MemfsOptions } from "../memfs.ts";
import { Recorder } from "../record.ts";
import { MemorySink } from "../sink.ts";
import { type HeaderInput, TraceWriter, type WriterOptions } from "../writer.ts";

/** The text of `s` as bytes. */
export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Run the sample program on `rec`; `big` is the size of the large writes. */
export function runSample(rec: Recorder, big = 3000): void {
  const p = rec.process("glenda");
  const ctl = p.open("/ctl", 2);
  p.write(ctl, enc("go\n"));
  p.pread(ctl, 100, 0);
  _try(() => p.write(ctl, enc("error VM not ready")));
  _try(() => p.write(ctl, enc("crash")));
  const f = p.create("/data", 2, 0o644);
  p.write(f, new Uint8Array(big).fill(7));
  p.pwrite(f, new Uint8Array(big).fill(7), big);
  p.seek(f, 0, 0);
  p.read(f, 10);
  p.fstat(f);
  p.close(f);
  const q = rec.process("other");
  _try(() => q.stat("/nope"));
  q.stat("/data");
  p.create("/dir", 0, 0x80000000 | 0o775);
  _try(() => p.remove("/ctl/x"));
  p.remove("/data");
  p.remove("/dir");
}

function _try(f: () => unknown): void {
  try {
    f();
  } catch {
    // recorded: the recorder rethrows, the program carries on
  }
}

/** The header used by the sample traces. */
export function sampleHeader(b: MemfsBackend): HeaderInput {
  return { backend: b.describe(), argv: ["sample"], seed: 0x5eed, tool: "vmxsim test" };
}

/** Record the sample program into memory and return the trace bytes. */
export function sampleTrace(
  options: WriterOptions = {},
  memfs: MemfsOptions = {},
  big = 3000,
): Uint8Array {
  const b = new MemfsBackend(memfs);
  const sink = new MemorySink();
  const rec = new Recorder(b, new TraceWriter(sink, sampleHeader(b), options));
  runSample(rec, big);
  rec.close();
  return sink.bytes();
}
