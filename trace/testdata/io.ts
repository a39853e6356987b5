/**
 * A `CliIO` that keeps what a command prints, for tests.
 *
 * @module
 */

import type { CliIO } from "../cli.ts";

/** Captured output lines and the io that captures them. */
export interface Captured {
  /** Pass this to the command. */
  readonly io: CliIO;
  /** Lines printed to stdout. */
  readonly out: string[];
  /** Lines printed to stderr. */
  readonly err: string[];
  /** Progress texts shown (undefined: cleared). */
  readonly progress: (string | undefined)[];
}

/** A fresh capture; with `progress`, the io also shows progress. */
export function capture(progress = false): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const shown: (string | undefined)[] = [];
  const io: CliIO = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...(progress ? { progress: (t: string | undefined) => shown.push(t) } : {}),
  };
  return { io, out, err, progress: shown };
}

/** A temporary directory for the length of `f` (awaited when it is async). */
export function withTempDir<T>(f: (dir: string) => T): T {
  const dir = Deno.makeTempDirSync();
  const remove = () => Deno.removeSync(dir, { recursive: true });
  let result: T;
  try {
    result = f(dir);
  } catch (e) {
    remove();
    throw e;
  }
  if (result instanceof Promise) return result.finally(remove) as T;
  remove();
  return result;
}
