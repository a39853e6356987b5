/**
 * One process's view of the simulated kernel: its file descriptors and the
 * system calls of port/sysfile.c (sysopen, syscreate, read, write, sseek,
 * sysclose, sysremove, sysstat, sysfstat) over namec's name evaluation
 * (port/chan.c), on the devices the kernel was built with. Every process
 * (NameSpace) of one kernel shares the same device instances, as two users
 * of one 9front machine share its #X and #g.
 *
 * What is modeled: only "#c" names (there is no root or current directory,
 * so any other name does not exist), no mounts, no exec. Descriptors 0, 1
 * and 2 are the shell's standard streams and are not served here: new
 * descriptors are the lowest free number from 3, and a call naming 0-2 is a
 * caller bug (RangeError). Arguments C could not carry (a fractional fd, a
 * negative count, which would kill the process) are RangeErrors too.
 *
 * @module
 */

import {
  Chan,
  CRCLOSE,
  type Dev,
  type DevGen,
  type Dir,
  DMDIR,
  OCEXEC,
  OEXCL,
  OEXEC,
  ORCLOSE,
  ORDWR,
  OREAD,
  OTRUNC,
  OWRITE,
  type Proc,
  QTDIR,
} from "./dev.ts";
import { devstat, devwalk, openmode } from "./devlib.ts";
import {
  Ebadarg,
  Ebadfd,
  Ebadsharp,
  Ebadusefd,
  Edirseek,
  Eexist,
  Eisdir,
  Enegoff,
  Enofd,
  Enonexist,
  Enotdir,
  error,
  errstrcpy,
  PlanError,
} from "./errors.ts";
import { fromUtf8, toUtf8 } from "../lib9/mod.ts";
import { namelenerror, parsename, sharpprefix, validname } from "./namec.ts";
import { BIT16SZ, convM2D, statcheck } from "./stat.ts";
import { SEEK_CUR, SEEK_END, SEEK_SET, type Syscalls } from "./syscalls.ts";

/** The first descriptor the name space hands out; 0-2 are the shell's. */
const _FIRSTFD = 3;
/** growfd stops growing a descriptor table at 5000 entries: Enofd beyond. */
const _NFDMAX = 5000;
/** Most names one walk message carries (fcall.h); walks are batched by it. */
const _MAXWELEM = 16;

const enum _A {
  access,
  open,
  create,
  remove,
}

/** A failed walk: the error and how many elements of the name the message shows. */
interface _Walkerr {
  err: string;
  nerror: number;
}

/** Options of a name space. */
export interface NameSpaceOptions {
  /** The user the process runs as (up->user). */
  user: string;
  /** The host owner (eve). */
  eve: string;
}

/** The system calls of one process, on devices keyed by their character ("X", "g"). */
export class NameSpace implements Syscalls {
  /** The user the process runs as. */
  readonly user: string;
  readonly #up: Proc;
  readonly #devices: ReadonlyMap<string, Dev>;
  readonly #fd: (Chan | undefined)[] = [];

  /** A process with no open files, running as `options.user`. */
  constructor(devices: ReadonlyMap<string, Dev>, options: NameSpaceOptions) {
    this.user = options.user;
    this.#up = Object.freeze({ user: options.user, eve: options.eve });
    this.#devices = devices;
  }

  /** The descriptor table, live (index = fd; 0-2 never used), for kernel snapshots. */
  get fds(): readonly (Chan | undefined)[] {
    return this.#fd;
  }

  /** Replace the descriptor table (kernel snapshots). */
  loadfds(fds: readonly (Chan | undefined)[]): void {
    this.#fd.splice(0, this.#fd.length, ...fds);
  }

  /** open(2) (sysopen). */
  open(path: string, mode: number): number {
    return _syscall(() => {
      const m = _int(mode);
      openmode(m);
      return this.#newfd(this.#namec(path, _A.open, m, 0));
    });
  }

  /** create(2) (syscreate): an existing file is opened truncated unless OEXCL. */
  create(path: string, mode: number, perm: number): number {
    return _syscall(() => {
      const m = _int(mode);
      openmode(m & ~OEXCL);
      return this.#newfd(this.#namec(path, _A.create, m, _int(perm) >>> 0));
    });
  }

  /** read(2). */
  read(fd: number, n: number): Uint8Array {
    return _syscall(() => this.#read(fd, n, undefined));
  }

  /** pread(2); offset -1 (~0ULL) reads at the descriptor's offset, as syspread. */
  pread(fd: number, n: number, offset: number): Uint8Array {
    return _syscall(() => this.#read(fd, n, offset === -1 ? undefined : _off(offset)));
  }

  /** write(2). */
  write(fd: number, data: Uint8Array): number {
    return _syscall(() => this.#write(fd, data, undefined));
  }

  /** pwrite(2); offset -1 writes at the descriptor's offset, as syspwrite. */
  pwrite(fd: number, data: Uint8Array, offset: number): number {
    return _syscall(() => this.#write(fd, data, offset === -1 ? undefined : _off(offset)));
  }

  /** seek(2) (sseek); it also rewinds a directory's read position. */
  seek(fd: number, offset: number, type: number): number {
    return _syscall(() => {
      const o = _off(offset);
      const c = this.#fdtochan(fd, -1);
      const isdir = (c.qid.type & QTDIR) !== 0;
      let off: number;
      switch (_int(type)) {
        case SEEK_SET:
          off = o;
          if (isdir && off !== 0) error(Eisdir);
          break;
        case SEEK_CUR:
          if (isdir) error(Eisdir);
          off = o + c.offset;
          break;
        case SEEK_END:
          if (isdir) error(Eisdir);
          off = devstat(this.#up, c, _gen(c.dev)).length + o;
          break;
        default:
          error(Ebadarg);
      }
      if (off < 0) error(Enegoff);
      c.offset = _off(off);
      c.dri = 0;
      return off;
    });
  }

  /** close (sysclose): the device's close runs and its errors are dropped, as cclose does. */
  close(fd: number): void {
    _syscall(() => {
      const c = this.#fdtochan(fd, -1);
      this.#fd[fd] = undefined;
      this.#cclose(c);
    });
  }

  /** remove(2) (sysremove): the device's remove, which also clunks the channel. */
  remove(path: string): void {
    _syscall(() => {
      const c = this.#namec(path, _A.remove, 0, 0);
      c.dev.remove(this.#up, c);
    });
  }

  /** stat(2) (sysstat): the entry is named by the last element of the path walked. */
  stat(path: string): Dir {
    return _syscall(() => {
      const c = this.#namec(path, _A.access, 0, 0);
      try {
        return _dirsetname(devstat(this.#up, c, _gen(c.dev)), c);
      } finally {
        this.#cclose(c);
      }
    });
  }

  /** fstat(2) (sysfstat): named by the last element of the path the file was opened by. */
  fstat(fd: number): Dir {
    return _syscall(() => {
      const c = this.#fdtochan(fd, -1);
      return _dirsetname(devstat(this.#up, c, _gen(c.dev)), c);
    });
  }

  /** read (sysfile.c): directories only sequentially (Edirseek), through the device. */
  #read(fd: number, n: number, offp: number | undefined): Uint8Array {
    const count = _count(n);
    const c = this.#fdtochan(fd, OREAD);
    const isdir = (c.qid.type & QTDIR) !== 0;
    const off = offp ?? c.offset;
    if (off < 0) error(Enegoff);
    if (off === 0 && (offp === undefined || isdir)) c.offset = 0;
    if (isdir && off !== c.offset) error(Edirseek);
    const data = c.dev.read(this.#up, c, count, off);
    if (data.length > count) {
      throw new Error(`dev${c.dev.name}: read of ${count} bytes returned ${data.length}`);
    }
    if (offp === undefined || isdir) c.offset += data.length;
    return data;
  }

  /** write (sysfile.c): the offset moves by what the device took; Eisdir on directories. */
  #write(fd: number, data: Uint8Array, offp: number | undefined): number {
    const c = this.#fdtochan(fd, OWRITE);
    if (c.qid.type & QTDIR) error(Eisdir);
    const off = offp ?? c.offset;
    if (off < 0) error(Enegoff);
    const m = c.dev.write(this.#up, c, data, off);
    if (offp === undefined) c.offset = off + m;
    return m;
  }

  /** fdtochan: the channel of `fd`, checked against `mode` (-1: any). */
  #fdtochan(fd: number, mode: number): Chan {
    const n = _int(fd);
    if (n >= 0 && n < _FIRSTFD) {
      throw new RangeError(`fd ${n} is the shell's, not the name space's`);
    }
    const c = n < 0 ? undefined : this.#fd[n];
    if (c === undefined) error(Ebadfd);
    if (mode < 0 || c.mode === ORDWR) return c;
    if ((mode & OTRUNC) && c.mode === OREAD) error(Ebadusefd);
    if ((mode & ~OTRUNC) !== c.mode) error(Ebadusefd);
    return c;
  }

  /** newfd: the lowest free descriptor from 3; Enofd (closing `c`) when the table is full. */
  #newfd(c: Chan): number {
    let fd = _FIRSTFD;
    while (fd < _NFDMAX && this.#fd[fd] !== undefined) fd++;
    if (fd >= _NFDMAX) {
      this.#cclose(c);
      error(Enofd);
    }
    this.#fd[fd] = c;
    return fd;
  }

  /** cclose: clunk through the device, whose errors go nowhere. */
  #cclose(c: Chan): void {
    try {
      c.dev.close(this.#up, c);
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
    }
  }

  /**
   * namec: evaluate `path` for `amode`. Failures after the "#c" prefix was
   * attached name the part of the path they concern (namelenerror).
   */
  #namec(path: string, amode: _A, omode: number, perm: number): Chan {
    const aname = toUtf8(path);
    if (aname === "") error("empty file name");
    validname(aname);
    if (aname[0] !== "#") error(Enonexist);
    const sharp = sharpprefix(aname);
    const root = fromUtf8(sharp);
    const cp = root.codePointAt(1);
    const dev = cp === undefined ? undefined : this.#devices.get(String.fromCodePoint(cp));
    if (dev === undefined) error(Ebadsharp);
    const c = dev.attach(this.#up);
    c.name = root;
    const e = parsename(aname.slice(sharp.length));
    let nerror = 0;
    try {
      let nelems = e.elems.length;
      if (amode === _A.create) {
        if (e.mustbedir && !(perm & DMDIR)) {
          nerror = nelems;
          error("create without DMDIR");
        }
        if (nelems === 0) error(Eexist);
        nelems--;
      }
      const w = this.#walk(c, e.elems.slice(0, nelems));
      if (w !== undefined) {
        nerror = w.nerror;
        error(w.err);
      }
      nerror = nelems;
      if (e.mustbedir && !(c.qid.type & QTDIR)) error("not a directory");
      if (amode === _A.open && (omode & 3) === OEXEC && (c.qid.type & QTDIR)) {
        error("cannot exec directory");
      }
      switch (amode) {
        case _A.access:
        case _A.remove:
          return c;
        case _A.open:
          return this.#open(c, omode);
        case _A.create: {
          nerror++;
          const last = e.elems[nelems];
          if (this.#walk(c, [last]) === undefined) {
            if (omode & OEXCL) error(Eexist);
            return this.#open(c, omode | OTRUNC);
          }
          const created = this.#create(c, fromUtf8(last), omode, perm);
          if (created !== undefined) {
            this.#cclose(c);
            return created;
          }
          return this.#open(c, omode | OTRUNC);
        }
      }
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
      this.#cclose(c);
      if (nerror === 0) throw err;
      namelenerror(aname, sharp.length + e.off[nerror], toUtf8(errstrcpy(err.errstr)));
    }
  }

  /** The open step of namec: the device's open, then CRCLOSE for ORCLOSE. */
  #open(c: Chan, omode: number): Chan {
    const nc = c.dev.open(this.#up, c, omode & ~OCEXEC);
    if (omode & ORCLOSE) nc.flag |= CRCLOSE;
    return nc;
  }

  /**
   * The create step of namec on a copy of directory `c`: the new file, or
   * undefined when the create failed but `name` now exists (then `c` has
   * walked to it). Any other failure is the create's own error.
   */
  #create(c: Chan, name: string, omode: number, perm: number): Chan | undefined {
    const cnew = _clone(c);
    try {
      const nc = c.dev.create(this.#up, cnew, name, omode & ~(OEXCL | OCEXEC), perm);
      if (omode & ORCLOSE) nc.flag |= CRCLOSE;
      nc.name = `${c.name}/${name}`;
      return nc;
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
      this.#cclose(cnew);
      if (omode & OEXCL) throw err;
      if (this.#walk(c, [toUtf8(name)]) !== undefined) throw err;
      return undefined;
    }
  }

  /**
   * walk (chan.c) of the byte-string elements `names` from `c`: all or
   * nothing. On success `c` has moved (qid and path); on failure it is
   * unchanged and the result says which error and how much of the name to
   * show: up to the element that is not a directory, or through the one
   * that does not exist. Batches split at ".." and MAXWELEM as walk's do,
   * because a generator's own error shows the name only to its batch's start.
   */
  #walk(c: Chan, names: readonly string[]): _Walkerr | undefined {
    const nc = _clone(c);
    const gen = _gen(c.dev);
    for (let nhave = 0; nhave < names.length;) {
      let ntry = Math.min(names.length - nhave, _MAXWELEM);
      for (let i = 0; i < ntry; i++) {
        if (names[nhave + i] === "..") {
          ntry = i === 0 ? 1 : i;
          break;
        }
      }
      for (let j = 0; j < ntry; j++) {
        if (!(nc.qid.type & QTDIR)) return { err: Enotdir, nerror: nhave + j };
        const name = fromUtf8(names[nhave + j]);
        try {
          devwalk(this.#up, nc, name, gen);
        } catch (err) {
          if (!(err instanceof PlanError)) throw err;
          const notfound = j > 0 && err.errstr === Enonexist;
          return { err: errstrcpy(err.errstr), nerror: nhave + (notfound ? j : 0) + 1 };
        }
        nc.name = name === ".." ? _dotdot(nc.name) : `${nc.name}/${name}`;
      }
      nhave += ntry;
    }
    c.qid = nc.qid;
    c.name = nc.name;
    return undefined;
  }
}

/**
 * dirread(2): one read of DIRMAX bytes on directory `fd`, unpacked. A
 * malformed buffer (which a device here never returns) throws Error, where
 * libc returns -1.
 */
export function dirread(ns: Syscalls, fd: number): Dir[] {
  const buf = ns.read(fd, DIRMAX);
  const dirs: Dir[] = [];
  for (let i = 0; i < buf.length;) {
    const m = i + BIT16SZ < buf.length ? BIT16SZ + (buf[i] | (buf[i + 1] << 8)) : 0;
    const entry = buf.subarray(i, i + m);
    const d = m > 0 && i + m <= buf.length && statcheck(entry) ? convM2D(entry) : undefined;
    if (d === undefined) throw new Error(`dirread: malformed directory entry at byte ${i}`);
    dirs.push(d.dir);
    i += m;
  }
  return dirs;
}

/** What libc's dirread asks for: sizeof(Dir) on amd64 (80) plus STATMAX. */
export const DIRMAX: number = 80 + 65535;

/** Run a system call; its error string is stored as error() stores it (errstrcpy). */
function _syscall<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof PlanError) {
      const s = errstrcpy(e.errstr);
      if (s !== e.errstr) throw new PlanError(s);
    }
    throw e;
  }
}

function _gen(dev: Dev): DevGen {
  return (up, c, s) => dev.gen(up, c, s);
}

/** devclone: a copy of unopened channel `c` to walk or create on. */
function _clone(c: Chan): Chan {
  const nc = new Chan(c.dev, { ...c.qid }, c.name);
  nc.mode = c.mode;
  nc.offset = c.offset;
  nc.aux = c.aux;
  return nc;
}

/** The path after walking "..": the last element dropped, never the "#c" root. */
function _dotdot(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(0, i);
}

/** dirsetname with pathlast: stat entries carry the last element of the channel's path. */
function _dirsetname(d: Dir, c: Chan): Dir {
  if (c.name.length === 0) return d;
  return { ...d, name: c.name.slice(c.name.lastIndexOf("/") + 1) };
}

/** A C int or ulong argument (32 bits), as the int the kernel sees; RangeError beyond. */
function _int(x: number): number {
  if (!Number.isInteger(x) || x < -(2 ** 31) || x >= 2 ** 32) {
    throw new RangeError(`${x} does not fit a 32-bit system-call argument`);
  }
  return x | 0;
}

/** A read count: a C long from 0; a negative one would kill the process (validaddr). */
function _count(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 31) {
    throw new RangeError(`read count ${n} is not a valid buffer length`);
  }
  return n;
}

/** A vlong offset; the simulator's numbers hold only those within 2^53. */
function _off(o: number): number {
  if (!Number.isSafeInteger(o)) {
    throw new RangeError(`offset ${o} is beyond what the simulator models`);
  }
  return o;
}
