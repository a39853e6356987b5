/**
 * cp(1), after 9front's sys/src/cmd/cp.c, between the simulated name space
 * and host files in either direction: dirstat the target (a directory takes
 * several sources), dirstat each source, refuse directories and the same
 * file, open the source OREAD, create the target OWRITE with the source's
 * permissions (so an existing file, e.g. #g/vm.0/data, is opened with
 * OTRUNC), then IOUNIT-byte reads each written as read. Descriptors carry
 * no iounit here, so the buffer is always IOUNIT. -g, -u and -x set
 * attributes with wstat, which the simulator's system calls lack: refused.
 *
 * @module
 */

import { type Dir, DMDIR, OREAD, OWRITE } from "../../../sim/ns/mod.ts";
import type { Proc } from "../proc.ts";
import { Arg } from "./arg.ts";
import { IOUNIT } from "./command.ts";

function _usage(p: Proc): string {
  p.fprint(2, "usage:\tcp fromfile tofile\n");
  p.fprint(2, "\tcp fromfile ... todir\n");
  return "usage";
}

function _samefile(p: Proc, a: Dir, an: string, bn: string): boolean {
  const b = p.dirstat(bn);
  if (
    b !== null && b.qid.type === a.qid.type && b.qid.path === a.qid.path &&
    b.qid.vers === a.qid.vers && b.dev === a.dev && b.type === a.type
  ) {
    p.fprint(2, `cp: ${an} and ${bn} are the same file\n`);
    return true;
  }
  return false;
}

// copy1: reads until end or error, each chunk written; false on failure.
function _copy1(p: Proc, fdf: number, fdt: number, from: string, to: string): boolean {
  p.errstr = "";
  let buf: Uint8Array | null;
  while ((buf = p.read(fdf, IOUNIT)) !== null && buf.length > 0) {
    if (p.write(fdt, buf) !== buf.length) {
      p.fprint(2, `cp: error writing ${to}: ${p.errstr}\n`);
      return false;
    }
  }
  if (buf === null) {
    p.fprint(2, `cp: error reading ${from}: ${p.errstr}\n`);
    return false;
  }
  return true;
}

// copy: one source to one target; false on failure.
function _copy(p: Proc, from: string, to: string, todir: boolean): boolean {
  if (todir) to = `${to}/${from.slice(from.lastIndexOf("/") + 1)}`;
  const dirb = p.dirstat(from);
  if (dirb === null) {
    p.fprint(2, `cp: can't stat ${from}: ${p.errstr}\n`);
    return false;
  }
  if (dirb.mode & DMDIR) {
    p.fprint(2, `cp: ${from} is a directory\n`);
    return false;
  }
  if (_samefile(p, dirb, from, to)) return false;
  const fdf = p.open(from, OREAD);
  if (fdf < 0) {
    p.fprint(2, `cp: can't open ${from}: ${p.errstr}\n`);
    return false;
  }
  const fdt = p.create(to, OWRITE, dirb.mode & 0o777);
  if (fdt < 0) {
    p.fprint(2, `cp: can't create ${to}: ${p.errstr}\n`);
    p.close(fdf);
    return false;
  }
  const ok = _copy1(p, fdf, fdt, from, to);
  p.close(fdf);
  p.close(fdt);
  return ok;
}

/** cp fromfile tofile, or cp fromfile ... todir */
export function cp(p: Proc, argv: string[]): string {
  const a = new Arg(argv);
  for (let c = a.next(); c !== null; c = a.next()) {
    if ("gux".includes(c)) {
      p.fprint(2, `cp: -${c}: not supported in vmxsim sh\n`);
      return "usage";
    }
    return _usage(p);
  }
  const args = a.operands();
  if (args.length < 2) return _usage(p);
  const target = args[args.length - 1];
  const dirb = p.dirstat(target);
  const todir = dirb !== null && (dirb.mode & DMDIR) !== 0;
  if (args.length > 2 && !todir) {
    p.fprint(2, `cp: ${target} not a directory\n`);
    return "bad usage";
  }
  let failed = false;
  for (const from of args.slice(0, -1)) {
    if (!_copy(p, from, target, todir)) failed = true;
  }
  return failed ? "errors" : "";
}
