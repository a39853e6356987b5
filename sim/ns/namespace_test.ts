import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import {
  Chan,
  CRCLOSE,
  type Dev,
  DEVDOTDOT,
  type Dir,
  DMDIR,
  type GenResult,
  OEXCL,
  OEXEC,
  ORCLOSE,
  ORDWR,
  OREAD,
  OTRUNC,
  OWRITE,
  type Proc,
  QTDIR,
  QTFILE,
} from "./dev.ts";
import { devdir, devdirread, devopen, readbuf } from "./devlib.ts";
import { error } from "./errors.ts";
import { DIRMAX, dirread, NameSpace } from "./namespace.ts";
import { convD2M } from "./stat.ts";
import { SEEK_CUR, SEEK_END, SEEK_SET } from "./syscalls.ts";
import { rejects } from "../testdata/planerror.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

interface TFile {
  name: string;
  path: number;
  parent: number;
  dir: boolean;
  perm: number;
  uid: string;
  data: Uint8Array;
}

/**
 * #t: a small device built on the dev.c helpers. Root (path 0) holds "file"
 * (glenda's, 0664, "hello"), "dir" (0555, holding "sub"), "ro" (0444) and
 * "bad" (its open fails with a 200-byte error). Creating makes files in the
 * root; "nocreate" fails; closes and removes are logged.
 */
class TDev implements Dev {
  readonly dc = "t";
  readonly name = "test";
  readonly log: string[] = [];
  files: TFile[] = [
    {
      name: "file",
      path: 1,
      parent: 0,
      dir: false,
      perm: 0o664,
      uid: "glenda",
      data: enc("hello"),
    },
    { name: "dir", path: 2, parent: 0, dir: true, perm: 0o555, uid: "glenda", data: enc("") },
    { name: "sub", path: 3, parent: 2, dir: false, perm: 0o666, uid: "glenda", data: enc("s") },
    { name: "ro", path: 4, parent: 0, dir: false, perm: 0o444, uid: "glenda", data: enc("r") },
    { name: "bad", path: 5, parent: 0, dir: false, perm: 0o666, uid: "glenda", data: enc("") },
  ];
  #next = 10;
  readonly #gen = (up: Proc, c: Chan, s: number) => this.gen(up, c, s);

  attach(_up: Proc): Chan {
    return new Chan(this, { path: 0, vers: 0, type: QTDIR }, "#t");
  }
  gen(up: Proc, c: Chan, s: number): GenResult {
    const self = this.files.find((f) => f.path === c.qid.path);
    if (s === DEVDOTDOT) {
      const p = self === undefined ? 0 : self.parent;
      return devdir(
        up,
        c,
        { path: p, vers: 0, type: QTDIR },
        p === 0 ? "#t" : "dir",
        0,
        up.eve,
        0o555,
      );
    }
    const dir = self === undefined || self.dir ? c.qid.path : self.parent;
    const kids = this.files.filter((f) => f.parent === dir);
    if (s >= kids.length) return -1;
    const f = kids[s];
    const q = { path: f.path, vers: 0, type: f.dir ? QTDIR : QTFILE };
    return devdir(up, c, q, f.name, f.data.length, f.uid, f.perm);
  }
  open(up: Proc, c: Chan, omode: number): Chan {
    this.log.push(`open ${c.qid.path} ${omode}`);
    if (c.qid.path === 5) error("x".repeat(200));
    return devopen(up, c, omode, this.#gen);
  }
  create(up: Proc, c: Chan, name: string, omode: number, perm: number): Chan {
    this.log.push(`create ${name} ${omode} ${perm}`);
    if (c.qid.path !== 0 || name === "nocreate") error("no creation here");
    const f = {
      name,
      path: this.#next++,
      parent: 0,
      dir: false,
      perm,
      uid: up.user,
      data: enc(""),
    };
    this.files.push(f);
    c.qid = { path: f.path, vers: 0, type: QTFILE };
    return devopen(up, c, omode, this.#gen);
  }
  read(up: Proc, c: Chan, n: number, off: number): Uint8Array {
    if (c.qid.type & QTDIR) return devdirread(up, c, n, this.#gen);
    return readbuf(off, n, this.#file(c).data);
  }
  write(_up: Proc, c: Chan, data: Uint8Array, off: number): number {
    const f = this.#file(c);
    if (off > f.data.length) error("hole");
    const d = new Uint8Array(Math.max(f.data.length, off + data.length));
    d.set(f.data);
    d.set(data, off);
    f.data = d;
    return data.length > 3 ? 3 : data.length; // short writes, to see the offset follow
  }
  remove(_up: Proc, c: Chan): void {
    this.log.push(`remove ${c.qid.path}`);
    if (c.qid.path < 10) error("permission denied");
    this.files = this.files.filter((f) => f.path !== c.qid.path);
  }
  close(_up: Proc, c: Chan): void {
    this.log.push(`close ${c.qid.path} ${c.flag}`);
    if (c.flag & CRCLOSE) {
      this.files = this.files.filter((f) => f.path !== c.qid.path || f.path < 10);
    }
    if (c.qid.path === 4) error("close fails");
  }
  #file(c: Chan): TFile {
    const f = this.files.find((f) => f.path === c.qid.path);
    if (f === undefined) error("file does not exist");
    return f;
  }
}

function setup(user = "glenda"): { dev: TDev; ns: NameSpace } {
  const dev = new TDev();
  return { dev, ns: new NameSpace(new Map([["t", dev]]), { user, eve: "glenda" }) };
}

Deno.test("descriptors: lowest free from 3, reused after close", () => {
  const { ns } = setup();
  assertEquals([0, 1, 2].map(() => ns.open("#t/file", OREAD)), [3, 4, 5]);
  ns.close(4);
  assertEquals(ns.open("#t", OREAD), 4);
  assertEquals(ns.open("#t/dir", OREAD), 6);
  ns.close(3);
  ns.close(6);
  assertEquals(ns.open("#t/ro", OREAD), 3);
  assertEquals(ns.open("#t/ro", OREAD), 6);
  assertEquals(ns.user, "glenda");
});

Deno.test("descriptors: Ebadfd for unknown ones, RangeError for the shell's and non-integers", () => {
  const { ns } = setup();
  for (const fd of [-1, 3, 7, 5000, 2 ** 31 - 1]) {
    rejects(() => ns.read(fd, 1), "fd out of range or not open");
    rejects(() => ns.close(fd), "fd out of range or not open");
    rejects(() => ns.fstat(fd), "fd out of range or not open");
    rejects(() => ns.seek(fd, 0, SEEK_SET), "fd out of range or not open");
  }
  for (const fd of [0, 1, 2, 3.5, 2 ** 32, NaN]) throws(() => ns.read(fd, 1), RangeError);
  const fd = ns.open("#t/file", OREAD);
  ns.close(fd);
  rejects(() => ns.close(fd), "fd out of range or not open");
});

Deno.test("descriptors: Enofd past 5000, the channel clunked", () => {
  const { dev, ns } = setup();
  for (let i = 3; i < 5000; i++) ns.open("#t/file", OREAD);
  dev.log.length = 0;
  rejects(() => ns.open("#t/file", OREAD), "no free file descriptors");
  assertEquals(dev.log, ["open 1 0", "close 1 1"]);
  ns.close(4321);
  assertEquals(ns.open("#t/file", OREAD), 4321);
});

Deno.test("open modes: what each mode allows", () => {
  const { ns } = setup();
  const cases: [number, boolean, boolean][] = [
    [OREAD, true, false],
    [OWRITE, false, true],
    [ORDWR, true, true],
    [OEXEC, true, false],
  ];
  for (const [mode, r, w] of cases) {
    const f = ns.create("#t/x" + mode, mode, 0o777);
    const g = ns.open("#t/x" + mode, mode);
    for (const fd of [f, g]) {
      if (r) assertEquals(ns.pread(fd, 10, 100).length, 0);
      else rejects(() => ns.read(fd, 10), "inappropriate use of fd");
      if (w) assertEquals(ns.write(fd, enc("ab")), 2);
      else rejects(() => ns.write(fd, enc("ab")), "inappropriate use of fd");
    }
  }
  for (const m of [4, OREAD | OEXCL, -1, 0x100]) {
    rejects(() => ns.open("#t/file", m), "bad arg in system call");
    rejects(() => ns.open("#t/nonexistent", m), "bad arg in system call"); // checked first
  }
  rejects(() => ns.create("#t/y", 4, 0o666), "bad arg in system call");
  throws(() => ns.open("#t/file", 0.5), RangeError);
  throws(() => ns.open("#t/file", 2 ** 32), RangeError);
});

Deno.test("open: permissions as devpermcheck, errors naming the path", () => {
  const { ns } = setup("bob");
  rejects(() => ns.open("#t/ro", OWRITE), "permission denied: '#t/ro'");
  rejects(() => ns.open("#t/file", ORDWR), "permission denied: '#t/file'");
  assertEquals(ns.open("#t/file", OREAD), 3);
  rejects(() => ns.open("#t/file", OEXEC), "permission denied: '#t/file'");
});

Deno.test("open: directories", () => {
  const { dev, ns } = setup();
  assertEquals(ns.open("#t", OREAD), 3);
  rejects(() => ns.open("#t", OWRITE), "permission denied");
  rejects(() => ns.open("#t", OREAD | OTRUNC), "permission denied");
  rejects(() => ns.open("#t/dir", ORDWR), "permission denied: '#t/dir'");
  rejects(() => ns.open("#t/dir", ORCLOSE), "permission denied: '#t/dir'");
  dev.log.length = 0;
  rejects(() => ns.open("#t/dir", OEXEC), "cannot exec directory: '#t/dir'");
  rejects(() => ns.open("#t", OEXEC), "cannot exec directory");
  assertEquals(dev.log, ["close 2 0", "close 0 0"]); // never opened, clunked
  const fd = ns.open("#t/dir", OREAD);
  rejects(() => ns.write(fd, enc("x")), "inappropriate use of fd");
});

Deno.test("open: device errors are stored as kstrcpy stores them, then get the name", () => {
  const { ns } = setup();
  // 123 bytes and "...", then ": " no longer fits: only ':' does.
  rejects(() => ns.open("#t/bad", OREAD), "x".repeat(123) + "...:");
});

Deno.test("names: device prefix, slashes, dots, dot-dots", () => {
  const { ns } = setup();
  for (
    const p of ["#t/file", "#t//file", "#t/./file", "#t/dir/../file", "#t/../file", "#tspec/file"]
  ) {
    assertEquals(dec(ns.read(ns.open(p, OREAD), 10)), "hello");
  }
  assertEquals(dec(ns.read(ns.open("#t/dir/sub", OREAD), 10)), "s");
});

Deno.test("names: errors", () => {
  const { ns } = setup();
  rejects(() => ns.open("", OREAD), "empty file name");
  rejects(() => ns.open("\0", OREAD), "empty file name");
  rejects(() => ns.open("/t/file", OREAD), "file does not exist");
  rejects(() => ns.open("t/file", OREAD), "file does not exist");
  rejects(() => ns.open("#z/file", OREAD), "unknown device in # filename");
  rejects(() => ns.open("#", OREAD), "unknown device in # filename");
  rejects(() => ns.open("#/file", OREAD), "unknown device in # filename");
  rejects(() => ns.open("#t" + "x".repeat(130), OREAD), "file name syntax");
  rejects(() => ns.open("#t/a\x01", OREAD), "bad character in file name: '#t/a\x01'");
  rejects(() => ns.open("#t/" + "a".repeat(70000), OREAD), "name too long");
  rejects(() => ns.open("#t/nope", OREAD), "file does not exist: '#t/nope'");
  rejects(() => ns.open("#t/dir/nope/x", OREAD), "file does not exist: '#t/dir/nope'");
  rejects(() => ns.open("#t/file/x/y", OREAD), "not a directory: '#t/file'");
  rejects(() => ns.open("#t/file/..", OREAD), "not a directory: '#t/file'");
  rejects(() => ns.open("#t/file/", OREAD), "not a directory: '#t/file/'");
  rejects(() => ns.open("#t/file/.", OREAD), "not a directory: '#t/file/.'");
  rejects(() => ns.open("#tspec/nope", OREAD), "file does not exist: '#tspec/nope'");
  rejects(() => ns.stat("#t//dir//nope"), "file does not exist: '#t//dir//nope'");
  rejects(() => ns.remove("#t/./nope/"), "file does not exist: '#t/./nope/'"); // the end offset covers the slash
  // The NUL ends the name as C sees it.
  assertEquals(ns.stat("#t/file\0/x").name, "file");
});

Deno.test("names: the walk batches by MAXWELEM and at '..'", () => {
  const { ns } = setup();
  const deep = "#t" + "/dir/..".repeat(10) + "/file";
  assertEquals(ns.stat(deep).name, "file");
  const many = "#t/" + Array(20).fill(".").join("/") + "/file";
  assertEquals(ns.stat(many).name, "file");
});

Deno.test("read, pread, write, pwrite and the descriptor offset", () => {
  const { ns } = setup();
  const fd = ns.open("#t/file", ORDWR);
  assertEquals(dec(ns.read(fd, 2)), "he");
  assertEquals(dec(ns.read(fd, 2)), "ll");
  assertEquals(dec(ns.pread(fd, 10, 1)), "ello");
  assertEquals(dec(ns.pread(fd, 10, -1)), "o"); // -1: the descriptor's offset
  assertEquals(ns.read(fd, 10).length, 0);
  assertEquals(ns.read(fd, 0).length, 0);
  rejects(() => ns.pread(fd, 1, -2), "negative i/o offset");
  assertEquals(ns.seek(fd, 0, SEEK_SET), 0);
  assertEquals(ns.write(fd, enc("HELLO")), 3); // the device takes 3
  assertEquals(ns.seek(fd, 0, SEEK_CUR), 3);
  assertEquals(ns.pwrite(fd, enc("xy"), 0), 2);
  assertEquals(ns.seek(fd, 0, SEEK_CUR), 3);
  assertEquals(ns.pwrite(fd, enc("!"), -1), 1);
  assertEquals(ns.seek(fd, 0, SEEK_CUR), 4);
  rejects(() => ns.pwrite(fd, enc("!"), -5), "negative i/o offset");
  rejects(() => ns.pwrite(fd, enc("!"), 99), "hole");
  assertEquals(ns.seek(fd, 0, SEEK_CUR), 4);
  assertEquals(dec(ns.pread(fd, 10, 0)), "xyL!O");
  throws(() => ns.read(fd, -1), RangeError);
  throws(() => ns.read(fd, 2 ** 31), RangeError);
  throws(() => ns.pread(fd, 1, 2 ** 53), RangeError);
});

Deno.test("seek", () => {
  const { ns } = setup();
  const fd = ns.open("#t/file", OREAD);
  assertEquals(ns.seek(fd, 2, SEEK_SET), 2);
  assertEquals(ns.seek(fd, 1, SEEK_CUR), 3);
  assertEquals(ns.seek(fd, -1, SEEK_END), 4);
  assertEquals(dec(ns.read(fd, 5)), "o");
  assertEquals(ns.seek(fd, 10, SEEK_END), 15);
  rejects(() => ns.seek(fd, -1, SEEK_SET), "negative i/o offset");
  rejects(() => ns.seek(fd, -16, SEEK_CUR), "negative i/o offset");
  rejects(() => ns.seek(fd, -6, SEEK_END), "negative i/o offset");
  rejects(() => ns.seek(fd, 0, 3), "bad arg in system call");
  rejects(() => ns.seek(fd, 0, -1), "bad arg in system call");
  assertEquals(ns.seek(fd, 0, SEEK_CUR), 15);
  const d = ns.open("#t", OREAD);
  assertEquals(ns.seek(d, 0, SEEK_SET), 0);
  rejects(() => ns.seek(d, 1, SEEK_SET), "file is a directory");
  rejects(() => ns.seek(d, 0, SEEK_CUR), "file is a directory");
  rejects(() => ns.seek(d, 0, SEEK_END), "file is a directory");
});

Deno.test("directories: whole entries, sequential, rewound only by seek", () => {
  const { dev, ns } = setup();
  const up = { user: "glenda", eve: "glenda" };
  const root = dev.attach(up);
  const entry = (s: number) => convD2M(dev.gen(up, root, s) as Dir, 1000);
  const fd = ns.open("#t", OREAD);
  const first = ns.read(fd, entry(0).length + entry(1).length + 1);
  assertEquals(first, Uint8Array.from([...entry(0), ...entry(1)]));
  rejects(() => ns.read(fd, 10), "i/o count too small");
  rejects(() => ns.pread(fd, 1000, 5), "seek in directory");
  assertEquals(ns.pread(fd, 1000, first.length), Uint8Array.from([...entry(2), ...entry(3)]));
  assertEquals(ns.read(fd, 1000).length, 0);
  assertEquals(ns.pread(fd, 1000, 0).length, 0); // offset 0 does not rewind the index
  assertEquals(ns.seek(fd, 0, SEEK_SET), 0);
  assertEquals(dirread(ns, fd).map((d) => d.name), ["file", "dir", "ro", "bad"]);
  assertEquals(dirread(ns, fd), []);
  assertEquals(DIRMAX, 65615);
  const sub = ns.open("#t/dir", OREAD);
  assertEquals(dirread(ns, sub).map((d) => [d.name, d.length, d.mode, d.uid]), [[
    "sub",
    1,
    0o666,
    "glenda",
  ]]);
});

Deno.test("dirread: a malformed buffer is a device bug", () => {
  const bogus = { read: () => Uint8Array.of(1, 0, 0) } as unknown as NameSpace;
  throws(() => dirread(bogus, 3), /malformed directory entry at byte 0/);
});

Deno.test("create: new, existing (truncated), OEXCL, ORCLOSE, naming rules", () => {
  const { dev, ns } = setup();
  const fd = ns.create("#t/new", ORDWR | OCEXEC_ | ORCLOSE, 0o640);
  assertEquals(dev.log, [`create new ${ORDWR | ORCLOSE} ${0o640}`, "close 0 0"]);
  assertEquals(ns.fstat(fd).name, "new");
  assertEquals(ns.stat("#t/new").mode, 0o640);
  dev.log.length = 0;
  const again = ns.create("#t/new", OWRITE, 0o600);
  assertEquals(dev.log, [`open 10 ${OWRITE | OTRUNC}`]);
  ns.close(again);
  rejects(() => ns.create("#t/new", OWRITE | OEXCL, 0o600), "file already exists: '#t/new'");
  dev.log.length = 0;
  ns.close(fd); // ORCLOSE: the device removes on close
  assertEquals(dev.log, [`close 10 ${1 | CRCLOSE}`]);
  rejects(() => ns.stat("#t/new"), "file does not exist: '#t/new'");
  rejects(() => ns.create("#t", OREAD, DMDIR | 0o777), "file already exists");
  rejects(() => ns.create("#t/", OREAD, DMDIR | 0o777), "file already exists");
  rejects(() => ns.create("#t/d/", OREAD, 0o777), "create without DMDIR: '#t/d/'");
  rejects(() => ns.create("#t/nocreate", OREAD, 0o777), "no creation here: '#t/nocreate'");
  rejects(() => ns.create("#t/nocreate", OEXCL, 0o777), "no creation here: '#t/nocreate'");
  rejects(() => ns.create("#t/dir/x", OREAD, 0o777), "no creation here: '#t/dir/x'");
  rejects(() => ns.create("#t/file/x", OREAD, 0o777), "no creation here: '#t/file/x'");
  rejects(() => ns.create("#t/file/x/", OREAD, DMDIR), "not a directory: '#t/file'");
  rejects(() => ns.create("#t/nope/x", OREAD, 0o777), "file does not exist: '#t/nope'");
  rejects(() => ns.create("#t/a\x02", OREAD, 0o777), "bad character in file name: '#t/a\x02'");
  // ".." exists: it is opened, and a directory cannot be truncated.
  rejects(() => ns.create("#t/dir/..", OREAD, 0o777), "permission denied: '#t/dir/..'");
});
const OCEXEC_ = 0x20;

Deno.test("close: device errors go nowhere, the descriptor is freed", () => {
  const { dev, ns } = setup();
  const fd = ns.open("#t/ro", OREAD);
  ns.close(fd);
  assertEquals(dev.log.at(-1), "close 4 1");
  rejects(() => ns.read(fd, 1), "fd out of range or not open");
});

Deno.test("remove: the device's remove and no close; errors without the name", () => {
  const { dev, ns } = setup();
  ns.close(ns.create("#t/gone", OREAD, 0o666));
  dev.log.length = 0;
  ns.remove("#t/gone");
  assertEquals(dev.log, ["remove 10"]);
  rejects(() => ns.remove("#t/gone"), "file does not exist: '#t/gone'");
  rejects(() => ns.remove("#t/file"), "permission denied");
  rejects(() => ns.remove("#t/file/"), "not a directory: '#t/file/'");
});

Deno.test("stat and fstat: entries named by the path", () => {
  const { ns } = setup("bob");
  assertEquals(ns.stat("#t/file"), {
    type: 0x74,
    dev: 0,
    qid: { path: 1, vers: 0, type: QTFILE },
    mode: 0o664,
    atime: 0,
    mtime: 0,
    length: 5,
    name: "file",
    uid: "glenda",
    gid: "glenda",
    muid: "glenda",
  });
  assertEquals(ns.stat("#t").name, "#t");
  assertEquals(ns.stat("#t").mode, (DMDIR | 0o555) >>> 0);
  assertEquals(ns.stat("#tspec").name, "#tspec");
  assertEquals(ns.stat("#t/dir/..").name, "#t");
  assertEquals(ns.stat("#t/dir/").name, "dir");
  assertEquals(ns.stat("#t/dir/../dir/..").name, "#t");
  rejects(() => ns.stat("#t/dir/sub/.."), "not a directory: '#t/dir/sub'");
  assertEquals(ns.fstat(ns.open("#t/./dir/../file", OREAD)).name, "file");
});

Deno.test("two processes share the device, not their descriptors", () => {
  const dev = new TDev();
  const devices = new Map([["t", dev]]);
  const glenda = new NameSpace(devices, { user: "glenda", eve: "glenda" });
  const bob = new NameSpace(devices, { user: "bob", eve: "glenda" });
  const g = glenda.create("#t/shared", ORDWR, 0o644);
  assertEquals(glenda.write(g, enc("abc")), 3);
  assertEquals(bob.open("#t/shared", OREAD), 3);
  assertEquals(dec(bob.read(3, 10)), "abc");
  rejects(() => bob.open("#t/shared", OWRITE), "permission denied: '#t/shared'");
  bob.close(3);
  assertEquals(dec(glenda.pread(g, 10, 0)), "abc");
  assertEquals(glenda.stat("#t/shared").uid, "glenda");
});
