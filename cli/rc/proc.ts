/**
 * The process a shell command runs as: a descriptor table over the shell's
 * name space and an error string, with the libc calls 9front's commands make
 * (open, create, read, write, seek, close, remove, dirstat, dirreadall,
 * fprint). Calls return -1 or null and set `errstr` on failure, as in C, so
 * each command reads like its 9front source and `%r` is `p.errstr`.
 *
 * Only Plan 9 errors (PlanError) become -1: anything else is a simulator
 * failure and propagates, so an unmodeled case stops the shell loudly.
 *
 * @module
 */

import {
  BIT16SZ,
  convM2D,
  type Dir,
  DIRMAX,
  Ebadfd,
  PlanError,
  statcheck,
} from "../../sim/ns/mod.ts";
import { concat } from "../../sim/lib9/mod.ts";
import { Shared } from "./file.ts";
import type { Space } from "./space.ts";

const _enc = new TextEncoder();

/** The user-space view of one command's process. */
export class Proc {
  /** The name the command runs as, for messages (argv0). */
  readonly argv0: string;
  /** The last error (errstr(2)), `%r` in messages. */
  errstr = "";
  readonly #space: Space;
  readonly #fds: Map<number, Shared>;

  /** A process named `argv0` with descriptor table `fds` (which it then owns) on `space`. */
  constructor(space: Space, fds: Map<number, Shared>, argv0: string) {
    this.#space = space;
    this.#fds = fds;
    this.argv0 = argv0;
  }

  // Run a call; a Plan 9 error sets errstr and yields `failed`.
  #sys<T, F>(failed: F, call: () => T): T | F {
    try {
      return call();
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      this.errstr = e.errstr;
      return failed;
    }
  }

  #file(fd: number): Shared {
    const f = this.#fds.get(fd);
    if (!f) throw new PlanError(Ebadfd);
    return f;
  }

  // The lowest free descriptor, as the kernel's newfd picks.
  #install(f: Shared): number {
    let fd = 0;
    while (this.#fds.has(fd)) fd++;
    this.#fds.set(fd, f);
    return fd;
  }

  /** open(2): a descriptor, or -1. */
  open(name: string, mode: number): number {
    return this.#sys(-1, () => this.#install(new Shared(this.#space.open(name, mode))));
  }

  /** create(2): a descriptor, or -1. */
  create(name: string, mode: number, perm: number): number {
    return this.#sys(
      -1,
      () => this.#install(new Shared(this.#space.create(name, mode, perm))),
    );
  }

  /** read(2) of at most `n` bytes: the bytes (empty at end of file), or null. */
  read(fd: number, n: number): Uint8Array | null {
    return this.#sys(null, () => this.#file(fd).file.read(n));
  }

  /** write(2): the count written, or -1. */
  write(fd: number, data: Uint8Array): number {
    return this.#sys(-1, () => this.#file(fd).file.write(data));
  }

  /** seek(2): the new offset, or -1. */
  seek(fd: number, offset: number, type: number): number {
    return this.#sys(-1, () => this.#file(fd).file.seek(offset, type));
  }

  /** close(2): 0, or -1. */
  close(fd: number): number {
    return this.#sys(-1, () => {
      const f = this.#file(fd);
      this.#fds.delete(fd);
      f.release();
      return 0;
    });
  }

  /** remove(2): 0, or -1. */
  remove(name: string): number {
    return this.#sys(-1, () => {
      this.#space.remove(name);
      return 0;
    });
  }

  /** dirstat(2): the entry, or null. */
  dirstat(name: string): Dir | null {
    return this.#sys(null, () => this.#space.stat(name));
  }

  /**
   * dirreadall(2): read `fd` with DIRMAX-byte reads until end or error and
   * unpack the entries; null if nothing was read before an error, or if the
   * bytes are not whole entries (dirpackage).
   */
  dirreadall(fd: number): Dir[] | null {
    const chunks: Uint8Array[] = [];
    let n: Uint8Array | null;
    for (;;) {
      n = this.read(fd, DIRMAX);
      if (n === null || n.length === 0) break;
      chunks.push(n);
    }
    if (chunks.length === 0) return n === null ? null : [];
    return _dirpackage(concat(chunks));
  }

  /** fprint(2) of `text` (UTF-8) in one write; the count, or -1. */
  fprint(fd: number, text: string): number {
    return this.write(fd, _enc.encode(text));
  }

  /**
   * sysfatal(2): print `argv0: message` on standard error; returns the exit
   * status (the message) for the command to return, as exits() would end it.
   */
  sysfatal(message: string): string {
    this.fprint(2, `${this.argv0}: ${message}\n`);
    return message;
  }

  /** The process ends: every descriptor it still holds is closed. */
  exits(): void {
    for (const f of this.#fds.values()) f.release();
    this.#fds.clear();
  }
}

// dirpackage: whole, well-formed entries only, else null.
function _dirpackage(buf: Uint8Array): Dir[] | null {
  const dirs: Dir[] = [];
  for (let i = 0; i < buf.length;) {
    if (i + BIT16SZ >= buf.length) return null;
    const m = BIT16SZ + (buf[i] | buf[i + 1] << 8);
    const entry = buf.subarray(i, i + m);
    if (i + m > buf.length || !statcheck(entry)) return null;
    const d = convM2D(entry);
    if (!d) return null;
    dirs.push(d.dir);
    i += m;
  }
  return dirs;
}
