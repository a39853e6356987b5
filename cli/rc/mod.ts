/**
 * vmxsim's shell: a subset of 9front's rc(1) and the commands echo, cat,
 * read, ls, mkdir, rm and cp, each making the system calls its 9front source
 * makes, over a name space where `#` names are the simulated kernel's and
 * other names are host files. `main` is `deno task sh`.
 *
 * @example Run a line against a kernel process
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Kernel } from "../../sim/mod.ts";
 * import { commands, HostFiles, Input, Shell, Space, StreamFile } from "./mod.ts";
 *
 * let out = "";
 * const shell = new Shell({
 *   space: new Space(new Kernel().process(), new HostFiles()),
 *   commands: commands({ now: () => 0 }),
 *   stdin: new StreamFile({}),
 *   stdout: new StreamFile({ writer: (d) => out += new TextDecoder().decode(d) }),
 *   stderr: new StreamFile({}),
 *   file: "example.rc",
 * });
 * equal(shell.run(Input.of("cat '#X/clone'\n")), 0);
 * equal(out, "0");
 * ```
 *
 * @module
 */

export { type Command, type CommandOptions, commands } from "./cmd/mod.ts";
export { type File, StreamFile } from "./file.ts";
export { HostFiles } from "./host.ts";
export { Input } from "./input.ts";
export { main, type MainOptions } from "./main.ts";
export type { Proc } from "./proc.ts";
export { Shell, type ShellOptions } from "./shell.ts";
export { Space } from "./space.ts";
export type { SyncReader, SyncWriter } from "./stdio.ts";
