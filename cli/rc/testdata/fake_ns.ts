/**
 * An in-memory `Syscalls` for the shell's tests: a tree of files and
 * directories that logs every call it serves, so tests can assert the exact
 * sequence of system calls a command makes. Files can be given per-call
 * errors, a queue of read results (one line per read, like #X/N/wait), or a
 * cap on the count a write returns (like a regs write ending mid-line).
 *
 * @module
 */

import { concat } from "../../../sim/lib9/mod.ts";
import {
  convD2M,
  type Dir,
  DMDIR,
  Eexist,
  Eisdir,
  Enonexist,
  Enotdir,
  OTRUNC,
  PlanError,
  QTDIR,
  QTFILE,
  SEEK_CUR,
  SEEK_END,
  type Syscalls,
} from "../../../sim/ns/mod.ts";

/** A file or directory of the fake tree. */
export interface FakeNode {
  /** A directory? */
  dir: boolean;
  /** Contents of a plain file. */
  data: Uint8Array;
  /** Permission bits. */
  perm: number;
  /** Errors to raise, per call. */
  errors: Partial<Record<"open" | "create" | "read" | "write" | "remove", string>>;
  /** Results of successive reads, each returned whole whatever the offset. */
  reads?: string[];
  /** Most bytes one write reports written. */
  writeCap?: number;
}

interface _Open {
  path: string;
  offset: number;
}

const _enc = new TextEncoder();
const _dec = new TextDecoder();

function _show(data: Uint8Array): string {
  return JSON.stringify(_dec.decode(data));
}

/** The fake name space. */
export class FakeNs implements Syscalls {
  /** Who runs. */
  readonly user = "glenda";
  /** One line per call: `open #X/clone 0 = 3`, `write 3 "go\n" = 3`, `read 3 8192 ! error`. */
  readonly calls: string[] = [];
  readonly #nodes = new Map<string, FakeNode>();
  readonly #fds = new Map<number, _Open>();
  readonly #qids = new Map<string, number>();

  /** A tree whose root is `root` (e.g. "#X"). */
  constructor(...roots: string[]) {
    for (const r of roots) this.mkdir(r);
  }

  /** Add a directory. */
  mkdir(path: string): FakeNode {
    return this.#add(path, { dir: true, data: new Uint8Array(0), perm: 0o777, errors: {} });
  }

  /** Add a file with `text`, and options. */
  file(path: string, text = "", options: Partial<FakeNode> = {}): FakeNode {
    return this.#add(path, {
      dir: false,
      data: _enc.encode(text),
      perm: 0o666,
      errors: {},
      ...options,
    });
  }

  /** The contents of `path` as text. */
  text(path: string): string {
    return _dec.decode(this.#node(path).data);
  }

  /** Whether `path` exists. */
  has(path: string): boolean {
    return this.#nodes.has(path);
  }

  #add(path: string, node: FakeNode): FakeNode {
    this.#nodes.set(path, node);
    this.#qids.set(path, this.#qids.size + 1);
    return node;
  }

  #node(path: string): FakeNode {
    const n = this.#nodes.get(path);
    if (!n) throw new PlanError(`${Enonexist}: '${path}'`);
    return n;
  }

  #log<T>(call: string, f: () => T, show: (r: T) => string = String): T {
    try {
      const r = f();
      this.calls.push(`${call} = ${show(r)}`);
      return r;
    } catch (e) {
      this.calls.push(`${call} ! ${(e as Error).message}`);
      throw e;
    }
  }

  #fail(node: FakeNode, call: keyof FakeNode["errors"]): void {
    const e = node.errors[call];
    if (e) throw new PlanError(e);
  }

  #newfd(path: string): number {
    let fd = 3;
    while (this.#fds.has(fd)) fd++;
    this.#fds.set(fd, { path, offset: 0 });
    return fd;
  }

  #fd(fd: number): _Open & { node: FakeNode } {
    const o = this.#fds.get(fd);
    if (!o) throw new PlanError("fd out of range or not open");
    return Object.assign(o, { node: this.#node(o.path) });
  }

  /** open(2). */
  open(path: string, mode: number): number {
    return this.#log(`open ${path} ${mode}`, () => {
      const n = this.#node(path);
      this.#fail(n, "open");
      if (n.dir && (mode & 3) !== 0) throw new PlanError(Eisdir);
      if (mode & OTRUNC) n.data = new Uint8Array(0);
      return this.#newfd(path);
    });
  }

  /** create(2): truncates an existing file, as namec's create does. */
  create(path: string, mode: number, perm: number): number {
    return this.#log(`create ${path} ${mode} ${perm.toString(8)}`, () => {
      const parent = path.slice(0, path.lastIndexOf("/"));
      const p = this.#node(parent);
      if (!p.dir) throw new PlanError(Enotdir);
      this.#fail(p, "create");
      const old = this.#nodes.get(path);
      if (old && (old.dir || perm & DMDIR)) throw new PlanError(Eexist);
      if (old) {
        this.#fail(old, "create");
        old.data = new Uint8Array(0);
      } else if (perm & DMDIR) {
        this.mkdir(path);
      } else {
        this.file(path, "", { perm: perm & 0o777 });
      }
      return this.#newfd(path);
    });
  }

  /** read(2). */
  read(fd: number, n: number): Uint8Array {
    return this.#log(`read ${fd} ${n}`, () => {
      const o = this.#fd(fd);
      this.#fail(o.node, "read");
      if (o.node.reads) return _enc.encode(o.node.reads.shift() ?? "");
      const data = o.node.dir ? this.#dirbytes(o.path) : o.node.data;
      const r = data.slice(o.offset, o.offset + n);
      o.offset += r.length;
      return r;
    }, _show);
  }

  /** pread(2). */
  pread(fd: number, n: number, offset: number): Uint8Array {
    return this.#log(`pread ${fd} ${n} ${offset}`, () => {
      const o = this.#fd(fd);
      return o.node.data.slice(offset, offset + n);
    }, _show);
  }

  /** write(2). */
  write(fd: number, data: Uint8Array): number {
    return this.#log(`write ${fd} ${_show(data)}`, () => {
      const o = this.#fd(fd);
      this.#fail(o.node, "write");
      const n = Math.min(data.length, o.node.writeCap ?? data.length);
      this.#put(o.node, data.subarray(0, n), o.offset);
      o.offset += n;
      return n;
    });
  }

  /** pwrite(2). */
  pwrite(fd: number, data: Uint8Array, offset: number): number {
    return this.#log(`pwrite ${fd} ${_show(data)} ${offset}`, () => {
      this.#put(this.#fd(fd).node, data, offset);
      return data.length;
    });
  }

  #put(node: FakeNode, data: Uint8Array, offset: number): void {
    const out = new Uint8Array(Math.max(node.data.length, offset + data.length));
    out.set(node.data);
    out.set(data, offset);
    node.data = out;
  }

  /** seek(2). */
  seek(fd: number, offset: number, type: number): number {
    return this.#log(`seek ${fd} ${offset} ${type}`, () => {
      const o = this.#fd(fd);
      const base = type === SEEK_END ? o.node.data.length : type === SEEK_CUR ? o.offset : 0;
      o.offset = base + offset;
      return o.offset;
    });
  }

  /** close. */
  close(fd: number): void {
    this.#log(`close ${fd}`, () => {
      this.#fd(fd);
      this.#fds.delete(fd);
    }, () => "0");
  }

  /** remove(2). */
  remove(path: string): void {
    this.#log(`remove ${path}`, () => {
      const n = this.#node(path);
      this.#fail(n, "remove");
      if (n.dir && this.#children(path).length > 0) throw new PlanError("directory not empty");
      this.#nodes.delete(path);
    }, () => "0");
  }

  /** stat(2). */
  stat(path: string): Dir {
    return this.#log(`stat ${path}`, () => this.#dir(path), (d) => d.name);
  }

  /** fstat(2). */
  fstat(fd: number): Dir {
    return this.#log(`fstat ${fd}`, () => this.#dir(this.#fd(fd).path), (d) => d.name);
  }

  #children(path: string): string[] {
    return [...this.#nodes.keys()]
      .filter((k) => k.startsWith(path + "/") && !k.slice(path.length + 1).includes("/"))
      .sort();
  }

  #dirbytes(path: string): Uint8Array {
    return concat(this.#children(path).map((c) => convD2M(this.#dir(c), 1 << 16)));
  }

  #dir(path: string): Dir {
    const n = this.#node(path);
    return {
      type: (path.startsWith("#") ? path : "M").charCodeAt(path.startsWith("#") ? 1 : 0),
      dev: 0,
      qid: { path: this.#qids.get(path) ?? 0, vers: 0, type: n.dir ? QTDIR : QTFILE },
      mode: (n.dir ? DMDIR : 0) | n.perm,
      atime: 0,
      mtime: 0,
      length: n.dir ? 0 : n.data.length,
      name: path.slice(path.lastIndexOf("/") + 1),
      uid: this.user,
      gid: this.user,
      muid: this.user,
    };
  }
}
