/**
 * mkdir(1), after 9front's sys/src/cmd/mkdir.c: for each name, access(2)
 * with AEXIST (a stat) to refuse an existing one, then create(2) with OREAD
 * and DMDIR|mode (0777 unless -m), and close. `mkdir '#g/vm.0'` is how a
 * global segment is made. -p makes missing parents first.
 *
 * @module
 */

import { DMDIR, OREAD } from "../../../sim/ns/mod.ts";
import type { Proc } from "../proc.ts";
import { Arg } from "./arg.ts";

function _usage(p: Proc): string {
  p.fprint(2, "usage: mkdir [-p] [-m mode] dir...\n");
  return "usage";
}

// strtoul(m, &m, 8): the leading octal digits.
function _octal(s: string): number {
  const m = /^[ \t]*([0-7]*)/.exec(s)!;
  return m[1] === "" ? 0 : parseInt(m[1], 8);
}

/** mkdir [-p] [-m mode] dir ... */
export function mkdir(p: Proc, argv: string[]): string {
  let mode = 0o777;
  let pflag = false;
  const a = new Arg(argv);
  for (let c = a.next(); c !== null; c = a.next()) {
    if (c === "p") {
      pflag = true;
    } else if (c === "m") {
      const m = a.arg();
      if (m === null) return _usage(p);
      mode = _octal(m);
      if (mode > 0o777) return _usage(p);
    } else {
      return _usage(p);
    }
  }
  let e = "";
  const exists = (s: string) => p.dirstat(s) !== null;
  const makedir = (s: string): boolean => {
    if (exists(s)) {
      p.fprint(2, `mkdir: ${s} already exists\n`);
      e = "error";
      return false;
    }
    const f = p.create(s, OREAD, (DMDIR | mode) >>> 0);
    if (f < 0) {
      p.fprint(2, `mkdir: can't create ${s}: ${p.errstr}\n`);
      e = "error";
      return false;
    }
    p.close(f);
    return true;
  };
  const mkdirp = (s: string): void => {
    for (let i = s.indexOf("/", 1); i >= 0; i = s.indexOf("/", i + 1)) {
      const prefix = s.slice(0, i);
      if (!exists(prefix) && !makedir(prefix)) return;
    }
    if (!exists(s)) makedir(s);
  };
  for (const s of a.operands()) {
    if (pflag) mkdirp(s);
    else makedir(s);
  }
  return e;
}
