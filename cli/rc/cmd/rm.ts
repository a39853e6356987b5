/**
 * rm(1), after 9front's sys/src/cmd/rm.c: remove(2) each name; with -r a
 * directory that will not go is emptied first (read with dirreadall, entries
 * removed, subdirectories recursed into); -f silences errors. The exit
 * status is the last error string printed.
 *
 * @module
 */

import { OREAD, QTDIR } from "../../../sim/ns/mod.ts";
import type { Proc } from "../proc.ts";
import { Arg } from "./arg.ts";

/** rm [-fr] file ... */
export function rm(p: Proc, argv: string[]): string {
  let ignerr = false;
  let recurse = false;
  let errbuf = "";
  const a = new Arg(argv);
  for (let c = a.next(); c !== null; c = a.next()) {
    if (c === "r") recurse = true;
    else if (c === "f") ignerr = true;
    else {
      p.fprint(2, "usage: rm [-fr] file ...\n");
      return "usage";
    }
  }
  const err = (f: string): void => {
    if (ignerr) return;
    errbuf = p.errstr;
    p.fprint(2, `rm: ${f}: ${errbuf}\n`);
  };
  const rmdir = (f: string): void => {
    const fd = p.open(f, OREAD);
    if (fd < 0) return err(f);
    const dirs = p.dirreadall(fd);
    p.close(fd);
    if (dirs === null) return err("dirreadall");
    const recursed = dirs.map((d) => {
      const name = `${f}/${d.name}`;
      if (p.remove(name) !== -1) return false;
      if (d.qid.type & QTDIR) return true;
      err(name);
      return false;
    });
    dirs.forEach((d, j) => {
      if (recursed[j]) rmdir(`${f}/${d.name}`);
    });
    if (p.remove(f) === -1) err(f);
  };
  for (const f of a.operands()) {
    if (p.remove(f) !== -1) continue;
    const db = recurse ? p.dirstat(f) : null;
    if (db !== null && db.qid.type & QTDIR) rmdir(f);
    else err(f);
  }
  return errbuf;
}
