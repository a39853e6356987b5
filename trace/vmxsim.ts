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

/** The optional parts of `Backend` a `Kernel` may provide; they are passed through. */
type _Optional = Partial<Pick<Backend, "annotate" | "snapshot" | "restore">>;

/**
 * `kernel` as a trace backend. Annotation, snapshot and restore are passed
 * through when the kernel has them (with `Backend`'s signatures).
 */
export function vmxsimBackend(kernel: Kernel): Backend {
  const k = kernel as Kernel & _Optional;
  return {
    describe: () => {
      const d = kernel.describe();
      return { name: VMXSIM, version: d.version, config: { options: d.options, host: d.host } };
    },
    process: (user) => kernel.process(user),
    ...(k.annotate ? { annotate: () => k.annotate!() } : {}),
    ...(k.snapshot ? { snapshot: () => k.snapshot!() } : {}),
    ...(k.restore ? { restore: (s: unknown) => k.restore!(s) } : {}),
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
