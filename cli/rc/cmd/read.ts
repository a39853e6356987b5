/**
 * read: one read(2) of up to 8 KiB from each file (or standard input),
 * written out as returned. This differs on purpose from 9front's read(1),
 * which reads a line a byte at a time: on #X/N/wait every read(2) consumes a
 * whole exit line, so read(1) would print the first byte and lose the rest.
 * One read per call shows exactly what the device returns per read. The
 * exit status is "eof" if a read returned nothing, as read(1)'s is; read(1)'s
 * options (-m, -n, -c, -r) are not offered.
 *
 * @module
 */

import { OREAD } from "../../../sim/ns/mod.ts";
import type { Proc } from "../proc.ts";
import { Arg } from "./arg.ts";

/** Bytes asked for per read: read(1)'s buffer size for -c. */
const _READSIZE = 8 * 1024;

function _read(p: Proc, fd: number, file: string): string | null {
  const buf = p.read(fd, _READSIZE);
  if (buf === null) {
    p.fprint(2, `read: error reading ${file}: ${p.errstr}\n`);
    return null;
  }
  if (buf.length === 0) return "eof";
  p.write(1, buf);
  return "";
}

/** read [file ...] */
export function read(p: Proc, argv: string[]): string {
  const a = new Arg(argv);
  if (a.next() !== null) {
    p.fprint(2, "usage: read [file ...]\n");
    return "usage";
  }
  const files = a.operands();
  if (files.length === 0) return _read(p, 0, "<stdin>") ?? "read error";
  let status = "";
  for (const name of files) {
    const fd = p.open(name, OREAD);
    if (fd < 0) {
      p.fprint(2, `read: can't open ${name}: ${p.errstr}\n`);
      return "open";
    }
    const s = _read(p, fd, name);
    if (s === null) return "read error";
    if (s !== "") status = s;
    p.close(fd);
  }
  return status;
}
