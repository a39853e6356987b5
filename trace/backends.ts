/**
 * The backends a trace can name, by the name its header records: what
 * `deno task replay` replays with.
 *
 * @module
 */

import type { BackendFactory } from "./backend.ts";
import { memfsFactory } from "./memfs.ts";
import { VMXSIM, vmxsimFactory } from "./vmxsim.ts";

/** Replay factories by backend name, as trace headers record it. */
export const BACKENDS: Readonly<Record<string, BackendFactory>> = Object.freeze({
  memfs: memfsFactory,
  [VMXSIM]: vmxsimFactory,
});
