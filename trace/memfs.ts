/**
 * A small in-memory backend for testing and demonstrating the trace tools
 * without the simulator: a file tree, descriptors from 3, and in the root a
 * `ctl` file that echoes the last thing written to it (and fails on demand:
 * `error TEXT` raises the Plan 9 error TEXT, `crash` throws a TypeError).
 * It implements every optional part of `Backend`, so recording, annotation
 * and checkpoint restore can be tested end to end.
 *
 * @module
 */

import {
  type Dir,
  DMDIR,
  Ebadfd,
  Edirseek,
  Eexist,
  Eisdir,
  Enegoff,
  Enonexist,
  Enotdir,
  error,
  OTRUNC,
  QTDIR,
  QTFILE,
  SEEK_CUR,
  SEEK_END,
  SEEK_SET,
  type Syscalls,
} from "../sim/ns/mod.ts";
import type { Backend } from "./backend.ts";
import type { BackendDescription, TraceHeader } from "./schema.ts";

/** Options of the in-memory backend; all of them are recorded in its description. */
export interface MemfsOptions {
  /** Annotate every event with a running operation count. Default false. */
  readonly annotate?: boolean;
}

interface _Node {
  name: string;
  path: number;
  vers: number;
  perm: number;
  uid: string;
  data: Uint8Array;
  kids: _Node[] | null;
}

interface _Fd {
  node: _Node;
  offset: number;
}

const _FIRSTFD = 3;
const _TYPE = "M".charCodeAt(0);

/** The in-memory backend. */
export class MemfsBackend implements Backend {
  readonly #options: Required<MemfsOptions>;
  #root!: _Node;
  #nextPath = 0;
  #ops = 0;
  #procs: { user: string; fds: (_Fd | undefined)[] }[] = [];

  /** A fresh tree holding only `/ctl`. */
  constructor(options: MemfsOptions = {}) {
    this.#options = { annotate: options.annotate ?? false };
    this.#root = this.#node("/", DMDIR | 0o775, "sys");
    this.#root.kids!.push(this.#node("ctl", 0o664, "sys"));
  }

  /** Name "memfs", and the options. */
  describe(): BackendDescription {
    return { name: "memfs", version: "1", config: { ...this.#options } };
  }

  /** A process running as `user`. */
  process(user: string): Syscalls {
    this.#procs.push({ user, fds: [] });
    return this.#syscalls(this.#procs.length - 1);
  }

  /** The operation count, when annotating. */
  annotate(): unknown {
    return this.#options.annotate ? { ops: this.#ops } : undefined;
  }

  /** The whole tree, descriptors and counters as a plain record. */
  snapshot(): unknown {
    const nodes: _Node[] = [];
    const number = (n: _Node): number => {
      nodes.push(n);
      return nodes.length - 1;
    };
    const tree = (n: _Node): unknown => {
      const id = number(n);
      const { kids, ...rest } = n;
      return { id, ...rest, data: n.data.slice(), kids: kids && kids.map(tree) };
    };
    const root = tree(this.#root);
    const procs = this.#procs.map((p) => ({
      user: p.user,
      fds: Array.from(p.fds, (f) => (f ? [nodes.indexOf(f.node), f.offset] : null)),
    }));
    return { root, procs, nextPath: this.#nextPath, ops: this.#ops };
  }

  /** Go back to a `snapshot`; returns its processes in creation order. */
  restore(snapshot: unknown): Syscalls[] {
    // deno-lint-ignore no-explicit-any
    const s = snapshot as any;
    const byId: _Node[] = [];
    // deno-lint-ignore no-explicit-any
    const tree = (r: any): _Node => {
      const n: _Node = { ...r, data: r.data.slice(), kids: r.kids && r.kids.map(tree) };
      delete (n as { id?: number }).id;
      byId[r.id] = n;
      return n;
    };
    this.#root = tree(s.root);
    this.#nextPath = s.nextPath;
    this.#ops = s.ops;
    // deno-lint-ignore no-explicit-any
    this.#procs = s.procs.map((p: any) => ({
      user: p.user,
      fds: p.fds.map((
        f: [number, number] | null,
      ) => (f ? { node: byId[f[0]], offset: f[1] } : undefined)),
    }));
    return this.#procs.map((_, i) => this.#syscalls(i));
  }

  #node(name: string, perm: number, uid: string): _Node {
    const kids = perm & DMDIR ? [] : null;
    return { name, path: this.#nextPath++, vers: 0, perm, uid, data: new Uint8Array(0), kids };
  }

  #walk(path: string): { parent: _Node | undefined; node: _Node | undefined; name: string } {
    const names = path.split("/").filter((s) => s !== "");
    let parent: _Node | undefined = undefined;
    let node: _Node | undefined = this.#root;
    for (const name of names) {
      if (node === undefined) error(Enonexist);
      if (node.kids === null) error(Enotdir);
      parent = node;
      node = node.kids.find((k) => k.name === name);
    }
    return { parent, node, name: names.at(-1) ?? "/" };
  }

  #syscalls(pid: number): Syscalls {
    const proc = this.#procs[pid];
    const fd = (n: number): _Fd => proc.fds[n] ?? error(Ebadfd);
    const newfd = (node: _Node): number => {
      let i = _FIRSTFD;
      while (proc.fds[i] !== undefined) i++;
      proc.fds[i] = { node, offset: 0 };
      return i;
    };
    const op = <T>(f: () => T): T => {
      this.#ops++;
      return f();
    };
    const read = (f: _Fd, n: number, off: number): Uint8Array => {
      if (off < 0) error(Enegoff);
      const data = f.node.kids
        ? new TextEncoder().encode(f.node.kids.map((k) => k.name + "\n").join(""))
        : f.node.data;
      return data.slice(off, off + n);
    };
    const write = (f: _Fd, data: Uint8Array, off: number): number => {
      if (off < 0) error(Enegoff);
      if (f.node.kids) error(Eisdir);
      if (f.node === this.#root.kids![0]) return this.#ctl(f.node, data);
      const end = Math.max(f.node.data.length, off + data.length);
      const grown = new Uint8Array(end);
      grown.set(f.node.data);
      grown.set(data, off);
      f.node.data = grown;
      f.node.vers++;
      return data.length;
    };
    return {
      user: proc.user,
      open: (path, mode) =>
        op(() => {
          const node = this.#walk(path).node ?? error(Enonexist);
          if (node.kids && (mode & 3) !== 0) error(Eisdir);
          if (mode & OTRUNC) node.data = new Uint8Array(0);
          return newfd(node);
        }),
      create: (path, _mode, perm) =>
        op(() => {
          const w = this.#walk(path);
          if (w.parent === undefined) error(Eexist);
          if (w.node?.kids) error(Eexist);
          if (w.node) {
            w.node.data = new Uint8Array(0);
            return newfd(w.node);
          }
          const node = this.#node(w.name, perm, proc.user);
          w.parent.kids!.push(node);
          return newfd(node);
        }),
      read: (n, count) =>
        op(() => {
          const f = fd(n);
          const data = read(f, count, f.offset);
          f.offset += data.length;
          return data;
        }),
      pread: (n, count, off) => op(() => read(fd(n), count, off)),
      write: (n, data) =>
        op(() => {
          const f = fd(n);
          const done = write(f, data, f.offset);
          f.offset += done;
          return done;
        }),
      pwrite: (n, data, off) => op(() => write(fd(n), data, off)),
      seek: (n, off, type) =>
        op(() => {
          const f = fd(n);
          if (f.node.kids) error(Edirseek);
          const base = type === SEEK_SET
            ? 0
            : type === SEEK_CUR
            ? f.offset
            : type === SEEK_END
            ? f.node.data.length
            : NaN;
          if (Number.isNaN(base) || base + off < 0) error(Enegoff);
          return (f.offset = base + off);
        }),
      close: (n) =>
        op(() => {
          fd(n);
          proc.fds[n] = undefined;
        }),
      remove: (path) =>
        op(() => {
          const w = this.#walk(path);
          if (w.node === undefined || w.parent === undefined) error(Enonexist);
          if (w.node.kids?.length) error("directory not empty");
          w.parent.kids!.splice(w.parent.kids!.indexOf(w.node), 1);
        }),
      stat: (path) => op(() => _dir(this.#walk(path).node ?? error(Enonexist))),
      fstat: (n) => op(() => _dir(fd(n).node)),
    };
  }

  /** The echoing ctl file: keeps what was written, or fails as asked. */
  #ctl(node: _Node, data: Uint8Array): number {
    const text = new TextDecoder().decode(data);
    if (text.startsWith("error ")) error(text.slice(6).trimEnd());
    if (text.trimEnd() === "crash") throw new TypeError("memfs was asked to crash");
    node.data = data.slice();
    node.vers++;
    return data.length;
  }
}

function _dir(n: _Node): Dir {
  return {
    type: _TYPE,
    dev: 0,
    qid: { path: n.path, vers: n.vers, type: n.kids ? QTDIR : QTFILE },
    mode: n.perm,
    atime: 0,
    mtime: 0,
    length: n.kids ? 0 : n.data.length,
    name: n.name,
    uid: n.uid,
    gid: n.uid,
    muid: n.uid,
  };
}

/** Replays memfs traces: a fresh `MemfsBackend` with the options the header records. */
export function memfsFactory(header: TraceHeader): MemfsBackend {
  const c = header.backend.config as MemfsOptions | undefined;
  return new MemfsBackend({ annotate: c?.annotate === true });
}
