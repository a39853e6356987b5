/**
 * Host files as a Plan 9 file server would present them, behind the same
 * `Syscalls` interface as the simulated kernel: open and create modes
 * (create truncates an existing file, DMDIR makes a directory), reads that
 * fill the count until end of file, directory reads that return whole
 * stat(5) entries (sorted by name), and errors worded as 9front's namec
 * words them ("file does not exist: 'examples/x.bin'").
 *
 * Entries carry device type 'M' and dev 0, times in seconds, the process's
 * user as owner, group and last writer, and the host's permission bits.
 * Relative names are taken from a base directory (the current one unless
 * given), and messages show names as they were given.
 *
 * @module
 */

import {
  convD2M,
  type Dir,
  DMDIR,
  Edirseek,
  Eexist,
  Eisdir,
  Enonexist,
  Enotdir,
  Eperm,
  error,
  OEXCL,
  ORCLOSE,
  ORDWR,
  OTRUNC,
  OWRITE,
  PlanError,
  QTDIR,
  QTFILE,
  SEEK_CUR,
  SEEK_END,
  SEEK_SET,
  type Syscalls,
} from "../../sim/ns/mod.ts";
import { namelenerror, parsename } from "../../sim/ns/mod.ts";
import { concat, fromUtf8, toUtf8 } from "../../sim/lib9/mod.ts";

interface _Fd {
  path: string;
  file: Deno.FsFile | null;
  dir: Uint8Array[];
  next: number;
  rclose: boolean;
}

const _SEEK: Record<number, Deno.SeekMode> = {
  [SEEK_SET]: Deno.SeekMode.Start,
  [SEEK_CUR]: Deno.SeekMode.Current,
  [SEEK_END]: Deno.SeekMode.End,
};

/** The host's files. */
export class HostFiles implements Syscalls {
  /** The user files appear to belong to. */
  readonly user: string;
  readonly #dir: string;
  readonly #gitModes: boolean;
  readonly #fds = new Map<number, _Fd>();

  /**
   * Host files seen by `user`, relative names taken from directory `dir`.
   * With `gitModes`, permissions read as git records them (0755 with the
   * owner's execute bit, else 0644), so that what a script does with them,
   * such as cp's create mode, does not depend on the checkout's umask.
   */
  constructor(options: { user?: string; dir?: string; gitModes?: boolean } = {}) {
    this.user = options.user ?? "glenda";
    this.#dir = options.dir ?? ".";
    this.#gitModes = options.gitModes ?? false;
  }

  // The host name of `path`.
  #at(path: string): string {
    return path.startsWith("/") ? path : `${this.#dir}/${path}`;
  }

  // Run a host operation on `path`, turning the host's errors into Plan 9 ones.
  #host<T>(path: string, op: (real: string) => T): T {
    try {
      return op(this.#at(path));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) {
        this.#walkerror(path);
      }
      if (e instanceof Deno.errors.AlreadyExists) error(Eexist);
      if (e instanceof Deno.errors.IsADirectory) error(Eisdir);
      if (e instanceof Deno.errors.PermissionDenied) error(Eperm);
      if ((e as { code?: string }).code === "ENOTEMPTY") error("directory not empty");
      throw e;
    }
  }

  // namec's message for a failed walk: the name up to the first element that
  // does not exist, or up to the one that is not a directory.
  #walkerror(path: string): never {
    const b = toUtf8(path);
    const e = parsename(b);
    const abs = b.startsWith("/");
    for (let i = 0; i < e.elems.length; i++) {
      const prefix = fromUtf8((abs ? "/" : "") + e.elems.slice(0, i + 1).join("/"));
      const st = _exists(this.#at(prefix));
      if (st === null) namelenerror(b, e.off[i + 1], Enonexist);
      if (!st.isDirectory && i + 1 < e.elems.length) namelenerror(b, e.off[i + 1], Enotdir);
    }
    throw new PlanError(Enonexist);
  }

  #install(f: _Fd): number {
    let fd = 3;
    while (this.#fds.has(fd)) fd++;
    this.#fds.set(fd, f);
    return fd;
  }

  #fd(fd: number): _Fd {
    const f = this.#fds.get(fd);
    if (!f) error("fd out of range or not open");
    return f;
  }

  /** open(2). */
  open(path: string, mode: number): number {
    const st = this.#host(path, (p) => Deno.statSync(p));
    const m = mode & 3;
    const rclose = (mode & ORCLOSE) !== 0;
    if (st.isDirectory) {
      if (m === OWRITE || m === ORDWR) error(Eisdir);
      return this.#install({ path, file: null, dir: this.#entries(path), next: 0, rclose });
    }
    const write = m === OWRITE || m === ORDWR;
    const file = this.#host(path, (p) =>
      Deno.openSync(p, {
        read: m !== OWRITE,
        write,
        truncate: write && (mode & OTRUNC) !== 0,
      }));
    return this.#install({ path, file, dir: [], next: 0, rclose });
  }

  /** create(2): a new file or directory, or an existing file truncated. */
  create(path: string, mode: number, perm: number): number {
    const m = mode & 3;
    if (perm & DMDIR) {
      this.#host(path, (p) => Deno.mkdirSync(p, { mode: perm & 0o777 }));
      return this.open(path, m);
    }
    const old = _exists(this.#at(path));
    if (old?.isDirectory) error(Eisdir);
    if (old && mode & OEXCL) error(Eexist);
    const file = this.#host(path, (p) =>
      Deno.openSync(p, {
        read: m === ORDWR,
        write: true,
        create: true,
        truncate: true,
        mode: perm & 0o777,
      }));
    return this.#install({ path, file, dir: [], next: 0, rclose: (mode & ORCLOSE) !== 0 });
  }

  /** read(2): up to `n` bytes, fewer only at end of file; whole entries from a directory. */
  read(fd: number, n: number): Uint8Array {
    const f = this.#fd(fd);
    if (f.file === null) return this.#dirread(f, n);
    const buf = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const k = this.#host(f.path, () => f.file!.readSync(buf.subarray(got)));
      if (k === null || k === 0) break;
      got += k;
    }
    return buf.slice(0, got);
  }

  #dirread(f: _Fd, n: number): Uint8Array {
    const out: Uint8Array[] = [];
    let size = 0;
    while (f.next < f.dir.length && size + f.dir[f.next].length <= n) {
      size += f.dir[f.next].length;
      out.push(f.dir[f.next++]);
    }
    return concat(out);
  }

  /** pread(2). */
  pread(fd: number, n: number, offset: number): Uint8Array {
    return this.#positioned(fd, offset, () => this.read(fd, n));
  }

  /** write(2): all of `data`. */
  write(fd: number, data: Uint8Array): number {
    const f = this.#fd(fd);
    if (f.file === null) error(Eisdir);
    let put = 0;
    while (put < data.length) {
      put += this.#host(f.path, () => f.file!.writeSync(data.subarray(put)));
    }
    return data.length;
  }

  /** pwrite(2). */
  pwrite(fd: number, data: Uint8Array, offset: number): number {
    return this.#positioned(fd, offset, () => this.write(fd, data));
  }

  #positioned<T>(fd: number, offset: number, op: () => T): T {
    const was = this.seek(fd, 0, SEEK_CUR);
    this.seek(fd, offset, SEEK_SET);
    try {
      return op();
    } finally {
      this.seek(fd, was, SEEK_SET);
    }
  }

  /** seek(2); a directory can only be rewound. */
  seek(fd: number, offset: number, type: number): number {
    const f = this.#fd(fd);
    if (f.file === null) {
      if (offset !== 0 || type !== SEEK_SET) error(Edirseek);
      f.next = 0;
      return 0;
    }
    return this.#host(f.path, () => f.file!.seekSync(offset, _SEEK[type]));
  }

  /** close; ORCLOSE removes the file. */
  close(fd: number): void {
    const f = this.#fd(fd);
    this.#fds.delete(fd);
    f.file?.close();
    if (f.rclose) this.remove(f.path);
  }

  /** remove(2): a file or an empty directory. */
  remove(path: string): void {
    this.#host(path, (p) => Deno.statSync(p));
    this.#host(path, (p) => Deno.removeSync(p));
  }

  /** stat(2). */
  stat(path: string): Dir {
    return this.#stat(path, this.#host(path, (p) => Deno.statSync(p)));
  }

  /** fstat(2). */
  fstat(fd: number): Dir {
    return this.stat(this.#fd(fd).path);
  }

  #entries(path: string): Uint8Array[] {
    const names = this.#host(path, (p) => [...Deno.readDirSync(p)].map((e) => e.name)).sort();
    const out: Uint8Array[] = [];
    for (const name of names) {
      const st = _exists(this.#at(`${path}/${name}`));
      if (st) out.push(convD2M(this.#stat(name, st), 1 << 17));
    }
    return out;
  }

  #perm(st: Deno.FileInfo): number {
    const perm = (st.mode ?? 0) & 0o777;
    if (!this.#gitModes) return perm;
    return st.isDirectory || perm & 0o100 ? 0o755 : 0o644;
  }

  #stat(path: string, st: Deno.FileInfo): Dir {
    const secs = (d: Date | null) => d === null ? 0 : Math.floor(d.getTime() / 1000);
    return {
      type: "M".charCodeAt(0),
      dev: 0,
      qid: { path: st.ino ?? 0, vers: 0, type: st.isDirectory ? QTDIR : QTFILE },
      mode: ((st.isDirectory ? DMDIR : 0) | this.#perm(st)) >>> 0,
      atime: secs(st.atime ?? st.mtime),
      mtime: secs(st.mtime),
      length: st.isDirectory ? 0 : st.size,
      name: this.#basename(path),
      uid: this.user,
      gid: this.user,
      muid: this.user,
    };
  }

  // The name stat reports: the last element, or the real directory's for "", "." and "..".
  #basename(path: string): string {
    const elems = parsename(toUtf8(path)).elems;
    const last = elems.length ? fromUtf8(elems[elems.length - 1]) : "";
    if (last !== "" && last !== "..") return last;
    const real = Deno.realPathSync(this.#at(path || "."));
    return real === "/" ? "/" : real.slice(real.lastIndexOf("/") + 1);
  }
}

function _exists(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}
