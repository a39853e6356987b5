/**
 * `deno task replay [TRACE|DIR]...`: replay traces and check every output,
 * with the backends a trace can name (trace's BACKENDS).
 *
 * @module
 */

import { BACKENDS, consoleIO, replayMain } from "../trace/mod.ts";

if (import.meta.main) Deno.exit(replayMain(Deno.args, consoleIO(), { backends: BACKENDS }));
