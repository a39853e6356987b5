/**
 * `deno task sh [--record TRACE] [SCRIPT [ARG ...]]`: rc commands against a
 * simulated 9front kernel. See cli/rc/main.ts (or `--help`) for the details.
 *
 * @module
 */

import { Kernel } from "../sim/mod.ts";
import { Recorder, vmxsimBackend } from "../trace/mod.ts";
import { HostFiles, main } from "./rc/mod.ts";

if (import.meta.main) {
  const kernel = new Kernel();
  Deno.exit(main(Deno.args, {
    stdin: Deno.stdin,
    stdout: Deno.stdout,
    stderr: Deno.stderr,
    kernel: () => kernel.process(),
    record: (trace) => {
      // A checkpoint every 64 events lets replay, show and diff start part-way (--from).
      const recorder = Recorder.create(trace, vmxsimBackend(kernel), {
        argv: ["sh", ...Deno.args],
      }, { checkpointEvery: 64 });
      return { sys: recorder.process(kernel.options.eve), finish: () => recorder.close() };
    },
    host: new HostFiles(),
    now: () => Math.floor(Date.now() / 1000),
    readScript: (path) => Deno.readTextFileSync(path),
  }));
}
