/**
 * The commands vmxsim's sh runs, each doing the same system calls as its
 * 9front source: echo, cat, read, ls, mkdir, rm, cp.
 *
 * @module
 */

import { cat } from "./cat.ts";
import type { Command } from "./command.ts";
import { cp } from "./cp.ts";
import { echo } from "./echo.ts";
import { lsCommand } from "./ls.ts";
import { mkdir } from "./mkdir.ts";
import { read } from "./read.ts";
import { rm } from "./rm.ts";

export type { Command } from "./command.ts";

/** What the commands take from outside the simulator. */
export interface CommandOptions {
  /** The clock ls -l reads (time(0)), in seconds. */
  now: () => number;
}

/** The command table, by name. */
export function commands(options: CommandOptions): ReadonlyMap<string, Command> {
  return new Map<string, Command>([
    ["cat", cat],
    ["cp", cp],
    ["echo", echo],
    ["ls", lsCommand(options)],
    ["mkdir", mkdir],
    ["read", read],
    ["rm", rm],
  ]);
}
