/**
 * The generic device helpers of 9front's port/dev.c (devdir, devpermcheck,
 * devopen, devwalk, devstat, devdirread), openmode from port/sysfile.c and
 * readstr from port/devcons.c, working on the shapes of dev.ts. Devices
 * built from a directory generator (`DevGen`) get walk, stat, open
 * permission checks and directory reads from here, as 9front's do.
 *
 * They keep dev.c's argument order, with the calling process `up` first
 * wherever the C code reads the global `up` or `eve`.
 *
 * @module
 */

import {
  type Chan,
  COPEN,
  DEVDOTDOT,
  type DevGen,
  type Dir,
  OCEXEC,
  OEXEC,
  ORCLOSE,
  OREAD,
  OTRUNC,
  type Proc,
  type Qid,
  QTDIR,
} from "./dev.ts";
import { concat } from "../lib9/mod.ts";
import { Ebadarg, Enonexist, Enotdir, Eperm, error, Eshort } from "./errors.ts";
import { BIT16SZ, convD2M } from "./stat.ts";

const _enc = new TextEncoder();

/**
 * A directory entry for a file of `c`'s device (devdir): type is the device
 * character, dev 0, the qid type in the top byte of mode (so QTDIR gives
 * DMDIR), gid the host owner, muid the owner. atime and mtime are 0: the
 * simulator reads no clock, where the kernel puts the time and its build date.
 */
export function devdir(
  up: Proc,
  c: Chan,
  qid: Qid,
  name: string,
  length: number,
  user: string,
  perm: number,
): Dir {
  return {
    type: c.dev.dc.codePointAt(0) ?? 0,
    dev: 0,
    qid: { ...qid },
    mode: (perm | (qid.type << 24)) >>> 0,
    atime: 0,
    mtime: 0,
    length,
    name,
    uid: user,
    gid: up.eve,
    muid: user,
  };
}

const _access = [0o400, 0o200, 0o600, 0o100];

/**
 * Refuse (Eperm) an open with `omode` of a file owned by `user` with
 * permission `perm` (devpermcheck): the owner's bits apply to the owner, the
 * group bits to the host owner, the other bits to everyone else.
 */
export function devpermcheck(up: Proc, user: string, perm: number, omode: number): void {
  let p = perm;
  if (up.user === user) p <<= 0;
  else if (up.user === up.eve) p <<= 3;
  else p <<= 6;
  const t = _access[omode & 3];
  if ((t & p) !== t) error(Eperm);
}

/**
 * The access part of an open mode (openmode): OTRUNC, OCEXEC and ORCLOSE
 * dropped, OEXEC read as OREAD, anything else above OEXEC (OEXCL, unknown
 * bits, a negative mode) Ebadarg. The mode is taken as C's 32-bit ulong.
 */
export function openmode(omode: number): number {
  const o = (omode & ~(OTRUNC | OCEXEC | ORCLOSE)) >>> 0;
  if (o > OEXEC) error(Ebadarg);
  return o === OEXEC ? OREAD : o;
}

/**
 * Open `c` (devopen): check permission against the generator's entry for
 * `c` (if it lists one), refuse anything but plain OREAD on a directory
 * (Eperm, as dev.c), then set the mode, COPEN and offset 0.
 */
export function devopen(up: Proc, c: Chan, omode: number, gen: DevGen): Chan {
  for (let i = 0;; i++) {
    const d = gen(up, c, i);
    if (d === -1) break;
    if (d !== 0 && d.qid.path === c.qid.path) {
      devpermcheck(up, d.uid, d.mode, omode);
      break;
    }
  }
  c.offset = 0;
  if ((c.qid.type & QTDIR) && omode !== OREAD) error(Eperm);
  c.mode = openmode(omode);
  c.flag |= COPEN;
  return c;
}

/**
 * Walk `c` one step to `name` (one iteration of devwalk), changing its qid:
 * "." stays, ".." asks the generator for DEVDOTDOT, any other name is looked
 * up among the generator's entries by exact name. Enotdir if `c` is not a
 * directory, Enonexist if nothing matches.
 */
export function devwalk(up: Proc, c: Chan, name: string, gen: DevGen): void {
  if (!(c.qid.type & QTDIR)) error(Enotdir);
  if (name === ".") return;
  if (name === "..") {
    const d = gen(up, c, DEVDOTDOT);
    if (d === 0 || d === -1) throw new Error(`dev${c.dev.name}: generator has no ".." entry`);
    c.qid = { ...d.qid };
    return;
  }
  for (let i = 0;; i++) {
    const d = gen(up, c, i);
    if (d === -1) error(Enonexist);
    if (d !== 0 && d.name === name) {
      c.qid = { ...d.qid };
      return;
    }
  }
}

function _lastelem(path: string): string {
  if (path === "/") return "/";
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * The directory entry of `c` (devstat): the generator's entry with `c`'s qid
 * path; failing that, for a directory, one made up from the last element of
 * `c.name`, the host owner and DMDIR|0555, as dev.c does; else Enonexist.
 */
export function devstat(up: Proc, c: Chan, gen: DevGen): Dir {
  for (let i = 0;; i++) {
    const d = gen(up, c, i);
    if (d === -1) {
      if (c.qid.type & QTDIR) return devdir(up, c, c.qid, _lastelem(c.name), 0, up.eve, 0o555);
      error(Enonexist);
    }
    if (d !== 0 && d.qid.path === c.qid.path) return d;
  }
}

/**
 * Read directory `c` (devdirread): pack whole stat entries, up to `n` bytes,
 * starting at generator slot `c.dri` and advancing it. The offset is not
 * used: the position is `c.dri` alone. An entry that does not fit ends the
 * read; if it is the first, Eshort.
 */
export function devdirread(up: Proc, c: Chan, n: number, gen: DevGen): Uint8Array {
  const parts: Uint8Array[] = [];
  let m = 0;
  for (; m < n; c.dri++) {
    const d = gen(up, c, c.dri);
    if (d === -1) break;
    if (d === 0) continue;
    const e = convD2M(d, n - m);
    if (e.length <= BIT16SZ) {
      if (m === 0) error(Eshort);
      break;
    }
    parts.push(e);
    m += e.length;
  }
  return concat(parts);
}

/**
 * At most `n` bytes of `buf` from offset `off`, nothing at or past its end.
 * The offset is C's ulong, so it is taken modulo 2^32 as readstr's is.
 */
export function readbuf(off: number, n: number, buf: Uint8Array): Uint8Array {
  const o = off % 0x1_0000_0000;
  if (o >= buf.length) return new Uint8Array(0);
  return buf.slice(o, Math.min(buf.length, o + Math.max(0, n)));
}

/** The UTF-8 of `s` read as a file at `off` (readstr): `readbuf` on its bytes. */
export function readstr(off: number, n: number, s: string): Uint8Array {
  return readbuf(off, n, _enc.encode(s));
}
