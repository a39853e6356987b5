/**
 * `deno task show TRACE`: list a trace as a person reads an strace log.
 *
 * @module
 */

import { consoleIO, showMain } from "../trace/mod.ts";

if (import.meta.main) Deno.exit(await showMain(Deno.args, consoleIO()));
