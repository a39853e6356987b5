/**
 * CPU throughput under `deno bench`: one group per workload (workloads.ts),
 * each with the compiled-block run as baseline against the interpreter
 * alone (CpuOptions.jitAfter = Infinity) and decoding alone, plus the
 * end-to-end device session (device.ts). Each case runs a fixed count of
 * guest instructions, so time per iteration converts to MIPS; mips.ts
 * prints MIPS directly (`deno run -A bench/mips.ts`).
 *
 * @module
 */

import { deviceSession, INSNS_PER_EXIT } from "./device.ts";
import { decodeOnly, runFor, workloadCpu, WORKLOADS } from "./workloads.ts";

const _N = 1_000_000;

for (const name of Object.keys(WORKLOADS)) {
  const jit = workloadCpu(name), interp = workloadCpu(name, Infinity);
  const dec = decodeOnly(name);
  const group = name;
  Deno.bench(
    `${name}: compiled blocks (1M insns)`,
    { group, baseline: true },
    () => runFor(jit, _N),
  );
  Deno.bench(`${name}: interpreter only (1M insns)`, { group }, () => runFor(interp, _N));
  Deno.bench(`${name}: decode only (1M insns)`, { group }, () => {
    for (let k = 0; k < _N; k += dec.count) dec.run();
  });
}

const _bare = workloadCpu("checksum32");
Deno.bench("checksum32 on a bare Cpu (1.31M insns)", { group: "device", baseline: true }, () => {
  runFor(_bare, 4 * INSNS_PER_EXIT);
});
Deno.bench("checksum32 through #X: 4 go/wait exits (1.31M insns)", { group: "device" }, () => {
  deviceSession(4);
});
