/**
 * `deno task replay [TRACE|DIR]...`: replay traces and check every output.
 * The backends a trace can name live here.
 *
 * @module
 */

import {
  type BackendFactory,
  consoleIO,
  memfsFactory,
  replayMain,
  VMXSIM,
  vmxsimFactory,
} from "../trace/mod.ts";

/** Replay factories by backend name, as trace headers record it. */
export const BACKENDS: Readonly<Record<string, BackendFactory>> = Object.freeze({
  memfs: memfsFactory,
  [VMXSIM]: vmxsimFactory,
});

if (import.meta.main) Deno.exit(replayMain(Deno.args, consoleIO(), { backends: BACKENDS }));
