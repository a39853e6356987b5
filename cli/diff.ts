/**
 * `deno task diff A B`: report where two traces differ.
 *
 * @module
 */

import { consoleIO, diffMain } from "../trace/mod.ts";

if (import.meta.main) Deno.exit(diffMain(Deno.args, consoleIO()));
