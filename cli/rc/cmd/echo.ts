/**
 * echo(1), after 9front's sys/src/cmd/echo.c: the arguments joined by
 * blanks, a newline unless the first argument is exactly `-n`, in one
 * write(2) — so `echo go >ctl` is one control message, and `echo -n` with
 * nothing else is a zero-length write.
 *
 * @module
 */

import type { Proc } from "../proc.ts";
import { bytes } from "./command.ts";

/** echo [-n] [arg ...] */
export function echo(p: Proc, argv: string[]): string {
  const nflag = argv.length > 1 && argv[1] === "-n";
  const line = argv.slice(nflag ? 2 : 1).join(" ") + (nflag ? "" : "\n");
  if (p.write(1, bytes(line)) < 0) {
    p.fprint(2, `echo: write error: ${p.errstr}\n`);
    return "write error";
  }
  return "";
}
