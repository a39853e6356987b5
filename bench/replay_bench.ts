/**
 * What recording and replaying cost on the simulator, against the same
 * operations run unrecorded: a vmx(1)-like session in which a guest counts
 * down 20,000 instructions between port writes and the monitor answers each
 * `io` exit with a `go`. The bound: replay within about 10% of the
 * unrecorded run. `deno run -A bench/replay_bench.ts` prints the ratios;
 * `deno bench` times each case.
 *
 * @module
 */

import { Kernel, type Syscalls } from "../mod.ts";
import { bootGuest } from "./device.ts";
import {
  MemorySink,
  Recorder,
  replayTrace,
  TraceFile,
  TraceWriter,
  vmxsimBackend,
  vmxsimFactory,
} from "../trace/mod.ts";

const _EXITS = 200;
const _enc = new TextEncoder();

// 0x1000: mov ecx, 10000; 0x1005: dec ecx; jnz 0x1005; out 0xe9, al; jmp 0x1000
const _GUEST = [0xb9, 0x10, 0x27, 0, 0, 0x49, 0x75, 0xfd, 0xe6, 0xe9, 0xeb, 0xf4];

/** The monitor: set up a segment and a vCPU, then answer `_EXITS` io exits. */
function _session(p: Syscalls): void {
  const { ctl, wait } = bootGuest(p, new Uint8Array(_GUEST));
  p.write(ctl, _enc.encode("go pc=0x1000;"));
  for (let i = 0; i < _EXITS; i++) {
    p.read(wait, 512);
    p.write(ctl, _enc.encode("go pc=0x100a;"));
  }
}

function _unrecorded(): void {
  _session(new Kernel().process());
}

function _recorded(): Uint8Array {
  const kernel = new Kernel();
  const backend = vmxsimBackend(kernel);
  const sink = new MemorySink();
  const rec = new Recorder(
    backend,
    new TraceWriter(sink, { backend: backend.describe(), argv: [] }),
  );
  _session(rec.process(kernel.options.eve));
  rec.close();
  return sink.bytes();
}

const trace = _recorded();
const _replayed = () => {
  const r = replayTrace(TraceFile.parse(trace), vmxsimFactory);
  if (r.divergence !== undefined) throw new Error("the session's trace diverged on replay");
};

if (import.meta.main) {
  // Rounds alternate the three runs so that warm-up and machine noise fall on each alike.
  const runs = [_unrecorded, _recorded, _replayed];
  const best = [Infinity, Infinity, Infinity];
  for (let round = 0; round < 9; round++) {
    runs.forEach((f, k) => {
      const t0 = performance.now();
      f();
      if (round > 1) best[k] = Math.min(best[k], performance.now() - t0);
    });
  }
  const [bare, rec, rep] = best;
  const pct = (t: number) => `${t >= bare ? "+" : ""}${((t / bare - 1) * 100).toFixed(1)}%`;
  console.log(
    `${_EXITS} exits of 20,000 guest instructions, best of 7 after 2 warm-up rounds: unrecorded ${
      bare.toFixed(1)
    } ms, ` +
      `recorded ${rec.toFixed(1)} ms (${pct(rec)}), replayed ${rep.toFixed(1)} ms (${pct(rep)})`,
  );
}

Deno.bench({ name: "session unrecorded", group: "vmxsim", baseline: true }, _unrecorded);
Deno.bench({ name: "session recorded", group: "vmxsim" }, () => void _recorded());
Deno.bench({ name: "session replayed", group: "vmxsim" }, _replayed);
