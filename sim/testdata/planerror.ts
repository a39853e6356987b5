/**
 * Assertions on Plan 9 errors for tests across the simulator, the shell and
 * the cross-cutting suites: a call must fail with a PlanError, and with
 * exactly the expected errstr.
 *
 * @module
 */

import { throws } from "node:assert/strict";
import { PlanError } from "../ns/mod.ts";

/** Assert that `f` fails with exactly the Plan 9 error `errstr`; another errstr is shown. */
export function rejects(f: () => unknown, errstr: string): void {
  throws(f, (e: unknown) => {
    if (!(e instanceof PlanError)) return false;
    if (e.errstr !== errstr) {
      throw new Error(`errstr ${JSON.stringify(e.errstr)}, want ${JSON.stringify(errstr)}`);
    }
    return true;
  });
}

/** The errstr `f` raises; anything else it throws propagates, and no error at all fails. */
export function errstrOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof PlanError) return e.errstr;
    throw e;
  }
  throw new Error("no error raised");
}
