/**
 * cat(1), after 9front's sys/src/cmd/cat.c: each file opened OREAD and read
 * with IOUNIT-byte reads until a read returns 0, each chunk written as read.
 * Any failure is fatal (sysfatal): the files after it are not read.
 *
 * @module
 */

import { OREAD } from "../../../sim/ns/mod.ts";
import type { Proc } from "../proc.ts";
import { IOUNIT } from "./command.ts";

function _cat(p: Proc, f: number, s: string): string {
  let buf: Uint8Array | null;
  while ((buf = p.read(f, IOUNIT)) !== null && buf.length > 0) {
    if (p.write(1, buf) !== buf.length) return p.sysfatal(`write error copying ${s}: ${p.errstr}`);
  }
  if (buf === null) return p.sysfatal(`error reading ${s}: ${p.errstr}`);
  return "";
}

/** cat [file ...] */
export function cat(p: Proc, argv: string[]): string {
  if (argv.length === 1) return _cat(p, 0, "<stdin>");
  for (const name of argv.slice(1)) {
    const f = p.open(name, OREAD);
    if (f < 0) return p.sysfatal(`can't open ${name}: ${p.errstr}`);
    const status = _cat(p, f, name);
    if (status !== "") return status;
    p.close(f);
  }
  return "";
}
