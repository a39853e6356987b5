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

export type { Assignment, Cmd, OpenRedir, Word } from "./ast.ts";
export { Arg, type Command, type CommandOptions, commands, IOUNIT, READSIZE } from "./cmd/mod.ts";
export { type File, Shared, StreamFile, SysFile } from "./file.ts";
export { HostFiles } from "./host.ts";
export { EOF, Input } from "./input.ts";
export { KEYWORDS, Lexer, RcSyntaxError, type RedirType, type Token } from "./lexer.ts";
export { HELP, main, type MainOptions } from "./main.ts";
export { Parser } from "./parser.ts";
export { DIRMAX, Proc } from "./proc.ts";
export { quoted, rcquote } from "./quote.ts";
export {
  EXIT_FAILED,
  EXIT_OK,
  EXIT_SIMULATOR,
  EXIT_USAGE,
  rstrsplit,
  Shell,
  type ShellOptions,
  subwords,
} from "./shell.ts";
export { Space } from "./space.ts";
export { readerFile, type SyncReader, type SyncWriter, textChunks, writerFile } from "./stdio.ts";
