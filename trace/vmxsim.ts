/**
 * The simulator as a trace backend: `vmxsimBackend` presents a `Kernel` in
 * the shape recording wants (its description as `{ name: "vmxsim",
 * version, config: { options, host } }`), and `vmxsimFactory` makes the
 * fresh kernel a replay runs on, from the options a trace header records.
 * A trace recorded for another modeled host is refused: this simulator
 * models one host, and replaying on another would check nothing.
 *
 * @module
 */

import { HOST, Kernel, type KernelOptions } from "../sim/mod.ts";
import type { Backend } from "./backend.ts";
import { sameValue } from "./equal.ts";
import { TraceError } from "./errors.ts";
import type { TraceHeader } from "./schema.ts";

/** The backend name of the simulator in trace headers. */
export const VMXSIM = "vmxsim";

/**
 * `kernel` as a trace backend, with its annotations (vCPUs whose retired
 * count or state changed), snapshots and restore.
 */
export function vmxsimBackend(kernel: Kernel): Backend {
  return {
    describe: () => {
      const d = kernel.describe();
      return { name: VMXSIM, version: d.version, config: { options: d.options, host: d.host } };
    },
    process: (user) => kernel.process(user),
    annotate: () => kernel.annotate(),
    snapshot: () => kernel.snapshot(),
    restore: (s: unknown) => kernel.restore(s),
  };
}

/** Replays vmxsim traces on a new Kernel with the recorded options, after checking the host. */
export function vmxsimFactory(header: TraceHeader): Backend {
  const config = header.backend.config as { options?: KernelOptions; host?: unknown } | undefined;
  if (config?.options === undefined || config.host === undefined) {
    throw new TraceError("the header's vmxsim description lacks options or host");
  }
  if (!sameValue(config.host, HOST)) {
    const name = (config.host as { name?: unknown }).name;
    throw new TraceError(
      `recorded for host ${JSON.stringify(name)}; this simulator models ${
        JSON.stringify(HOST.name)
      }`,
    );
  }
  return vmxsimBackend(new Kernel(config.options));
}
