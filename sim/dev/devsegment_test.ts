import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  dirread,
  DMDIR,
  NameSpace,
  OEXCL,
  OEXEC,
  ORCLOSE,
  ORDWR,
  OREAD,
  OTRUNC,
  OWRITE,
  PlanError,
  QTDIR,
  QTFILE,
  SEEK_SET,
} from "../ns/mod.ts";
import { DevSegment, PALLOC_BASE, PALLOC_PAGES, SEGMAXSIZE, USTKTOP } from "./devsegment.ts";
import { rejects } from "../testdata/planerror.ts";
import { readOnce } from "../testdata/files.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const DIR = (DMDIR | 0o777) >>> 0;

/** A kernel's #g with the host owner glenda and another user, bob. */
function setup() {
  const dev = new DevSegment();
  const devices = new Map([["g", dev]]);
  const glenda = new NameSpace(devices, { user: "glenda", eve: "glenda" });
  const bob = new NameSpace(devices, { user: "bob", eve: "glenda" });
  return { dev, glenda, bob };
}

/** Create segment `name` as `ns` and give it "va ARGS"; returns the ctl descriptor. */
function mkseg(ns: NameSpace, name: string, va?: string): number {
  ns.close(ns.create(`#g/${name}`, OREAD, DIR));
  const ctl = ns.open(`#g/${name}/ctl`, ORDWR);
  if (va !== undefined) ns.write(ctl, enc(`va ${va}`));
  return ctl;
}

function ctltext(ns: NameSpace, name: string): string {
  return readOnce(ns, `#g/${name}/ctl`, 200);
}

Deno.test("constants of the amd64 host", () => {
  assertEquals(USTKTOP, 0x7ffffffff000n);
  assertEquals(SEGMAXSIZE, 0x1000000000n);
});

Deno.test("create: a directory entry in the lowest free slot, exact stat bytes", () => {
  const { glenda } = setup();
  assertEquals(glenda.create("#g/vm.0", OREAD, DIR), 3);
  const top = glenda.open("#g", OREAD);
  assertEquals(
    hex(glenda.read(top, 1000)),
    "4500" + "6700" + "00000000" + "80" + "00000000" + "0100000000000000" + "ff010080" +
      "00000000" + "00000000" + "0000000000000000" + "0400766d2e30" + "0600676c656e6461".repeat(3),
  );
});

Deno.test("create: errors", () => {
  const { glenda, bob } = setup();
  rejects(() => glenda.create("#g/x", OREAD, 0o777), "bad arg in system call: '#g/x'");
  rejects(
    () => glenda.create("#g/shared", OREAD, DIR),
    "name collision with physical segment: '#g/shared'",
  );
  rejects(
    () => glenda.create("#g/memory", OREAD, DIR),
    "name collision with physical segment: '#g/memory'",
  );
  rejects(
    () => glenda.create("#g/" + "x".repeat(128), OREAD, DIR),
    "name too long: '..." + "x".repeat(32) + "'",
  );
  rejects(
    () => glenda.create("#g/" + "é".repeat(64), OREAD, DIR),
    "name too long: '..." + "é".repeat(16) + "'",
  );
  glenda.close(glenda.create("#g/" + "x".repeat(127), OREAD, DIR));
  glenda.close(glenda.create("#g/vm.0", OREAD, DIR));
  // An existing segment is opened truncated, which a directory refuses.
  rejects(() => glenda.create("#g/vm.0", OREAD, DIR), "file is a directory: '#g/vm.0'");
  rejects(() => bob.create("#g/vm.0", OREAD | OEXCL, DIR), "file already exists: '#g/vm.0'");
  rejects(() => glenda.create("#g/vm.0/x", OREAD, DIR), "permission denied: '#g/vm.0/x'");
  rejects(() => glenda.create("#g/vm.0/ctl/x", OREAD, DIR), "permission denied: '#g/vm.0/ctl/x'");
  rejects(() => glenda.create("#g", OREAD, DIR), "file already exists");
  rejects(() => glenda.create("#g/nope/x", OREAD, DIR), "file does not exist: '#g/nope'");
  // An existing ctl is just opened (OTRUNC means nothing to it).
  assertEquals(glenda.create("#g/vm.0/ctl", OWRITE, 0), 3);
});

Deno.test("create: at most 100 segments; freed slots are reused lowest first", () => {
  const { glenda } = setup();
  for (let i = 0; i < 100; i++) glenda.close(glenda.create(`#g/s${i}`, OREAD, DIR));
  rejects(() => glenda.create("#g/s100", OREAD, DIR), "too many global segments: '#g/s100'");
  glenda.remove("#g/s7");
  glenda.remove("#g/s3");
  glenda.close(glenda.create("#g/new", OREAD, DIR));
  assertEquals(glenda.stat("#g/new").qid, { path: (3 << 3) | 1, vers: 0, type: QTDIR });
});

Deno.test("directory order: by slot; a segment holds ctl then data", () => {
  const { glenda, bob } = setup();
  mkseg(glenda, "a");
  mkseg(bob, "b");
  mkseg(glenda, "c", "0x10000 0x3000 sticky");
  glenda.remove("#g/a");
  mkseg(bob, "d");
  const top = glenda.open("#g", OREAD);
  const ds = dirread(glenda, top);
  assertEquals(ds.map((d) => [d.name, d.uid, d.gid, d.muid, d.mode, d.qid.path, d.type]), [
    ["d", "bob", "glenda", "bob", DIR, 1, 0x67],
    ["b", "bob", "glenda", "bob", DIR, 9, 0x67],
    ["c", "glenda", "glenda", "glenda", DIR, 17, 0x67],
  ]);
  const c = dirread(glenda, glenda.open("#g/c", OREAD));
  assertEquals(c.map((d) => [d.name, d.qid, d.mode, d.length, d.uid]), [
    ["ctl", { path: 18, vers: 0, type: QTFILE }, 0o660, 0, "glenda"],
    ["data", { path: 19, vers: 0, type: QTFILE }, 0o660, 0x3000, "glenda"],
  ]);
  assertEquals(dirread(bob, bob.open("#g/b", OREAD)).map((d) => d.length), [0, 0]);
});

Deno.test("directory reads: whole entries only, Eshort, rewound by seek", () => {
  const { glenda } = setup();
  for (const n of ["a", "bb", "ccc"]) mkseg(glenda, n);
  const fd = glenda.open("#g", OREAD);
  // Entries are 49 bytes, the name and three times "glenda": 68, 69, 70.
  assertEquals(glenda.read(fd, 68 + 69 + 69).length, 68 + 69);
  rejects(() => glenda.read(fd, 69), "i/o count too small");
  assertEquals(glenda.read(fd, 70).length, 70);
  assertEquals(glenda.read(fd, 1000).length, 0);
  glenda.seek(fd, 0, SEEK_SET);
  assertEquals(dirread(glenda, fd).map((d) => d.name), ["a", "bb", "ccc"]);
});

Deno.test("stat: made-up entries for directories, named by the path", () => {
  const { glenda, bob } = setup();
  mkseg(bob, "vm.0", "0x1000 0x1000");
  const eve555 = { type: 0x67, dev: 0, mode: (DMDIR | 0o555) >>> 0, atime: 0, mtime: 0, length: 0 };
  const who = { uid: "glenda", gid: "glenda", muid: "glenda" };
  assertEquals(bob.stat("#g"), {
    ...eve555,
    qid: { path: 0, vers: 0, type: QTDIR },
    name: "#g",
    ...who,
  });
  assertEquals(bob.stat("#g/vm.0"), {
    ...eve555,
    qid: { path: 1, vers: 0, type: QTDIR },
    name: "vm.0",
    ...who,
  });
  assertEquals(bob.stat("#g/vm.0/..").name, "#g");
  assertEquals(glenda.stat("#g/vm.0/data"), {
    type: 0x67,
    dev: 0,
    qid: { path: 3, vers: 0, type: QTFILE },
    mode: 0o660,
    atime: 0,
    mtime: 0,
    length: 0x1000,
    name: "data",
    uid: "bob",
    gid: "glenda",
    muid: "bob",
  });
  rejects(() => glenda.stat("#g/vm.1"), "file does not exist: '#g/vm.1'");
  rejects(() => glenda.stat("#g/vm.0/ctl/"), "not a directory: '#g/vm.0/ctl/'");
});

Deno.test("open: directories only for reading; ORCLOSE allowed on a segment's", () => {
  const { glenda } = setup();
  mkseg(glenda, "vm.0");
  assertEquals(glenda.open("#g", OREAD), 4);
  for (const m of [OWRITE, ORDWR, OEXEC, OREAD | OTRUNC, OREAD | ORCLOSE]) {
    rejects(
      () => glenda.open("#g", m),
      m === OEXEC ? "cannot exec directory" : "file is a directory",
    );
  }
  for (const m of [OWRITE, ORDWR, OREAD | OTRUNC, OWRITE | ORCLOSE]) {
    rejects(() => glenda.open("#g/vm.0", m), "file is a directory: '#g/vm.0'");
  }
  rejects(() => glenda.open("#g/vm.0", OEXEC), "cannot exec directory: '#g/vm.0'");
  const fd = glenda.open("#g/vm.0", OREAD | ORCLOSE);
  assertEquals(glenda.stat("#g/vm.0").name, "vm.0");
  glenda.close(fd);
  rejects(() => glenda.stat("#g/vm.0"), "file does not exist: '#g/vm.0'");
});

Deno.test("open: ctl and data by permission (0660: owner, then eve as group)", () => {
  const { glenda, bob } = setup();
  mkseg(glenda, "g", "0x1000 0x1000");
  mkseg(bob, "b", "0x1000 0x1000");
  for (const m of [OREAD, OWRITE, ORDWR]) {
    rejects(() => bob.open("#g/g/ctl", m), "permission denied: '#g/g/ctl'");
    rejects(() => bob.open("#g/g/data", m), "permission denied: '#g/g/data'");
    glenda.close(glenda.open("#g/b/ctl", m));
    glenda.close(glenda.open("#g/b/data", m));
    bob.close(bob.open("#g/b/data", m));
  }
  rejects(() => glenda.open("#g/g/ctl", OEXEC), "permission denied: '#g/g/ctl'");
  rejects(() => glenda.open("#g/g/data", 4), "bad arg in system call");
});

Deno.test("open: data and reading ctl need a va", () => {
  const { glenda } = setup();
  const ctl = mkseg(glenda, "vm.0");
  rejects(() => glenda.open("#g/vm.0/data", OREAD), "segment not yet allocated: '#g/vm.0/data'");
  rejects(() => glenda.read(ctl, 100), "segment not yet allocated");
  rejects(() => glenda.open("#g/vm.0/data", ORDWR), "segment not yet allocated: '#g/vm.0/data'");
});

Deno.test("ctl: va rounds to pages and prints with %#p", () => {
  const { glenda } = setup();
  const cases: [string, string][] = [
    ["0x10000000 0x100000 sticky", "va 0x10000000 0x100000 sticky\n"],
    ["0x10000123 0x1000", "va 0x10000000 0x2000\n"],
    ["4096 010000", "va 0x1000 0x1000\n"],
    ["0x1000zz 1", "va 0x1000 0x1000\n"],
    ["'0x3000' 0x1000 sticky extra fields", "va 0x3000 0x1000 sticky\n"],
    ["0x7fffffffe000 0x1000 other", "va 0x7fffffffe000 0x1000\n"],
    ["0x1000 0x1000 STICKY", "va 0x1000 0x1000\n"],
  ];
  cases.forEach(([args, want], i) => {
    const fd = mkseg(glenda, `s${i}`);
    const msg = enc(`va ${args}\n`);
    assertEquals(glenda.write(fd, msg), msg.length);
    assertEquals(ctltext(glenda, `s${i}`), want);
  });
  const fd = glenda.open("#g/s0/ctl", OREAD);
  assertEquals(dec(glenda.pread(fd, 5, 3)), "0x100");
  assertEquals(dec(glenda.pread(fd, 100, 27)), "ky\n");
  assertEquals(glenda.pread(fd, 100, 30).length, 0);
  assertEquals(dec(glenda.pread(fd, 2, 2 ** 32 + 1)), "a "); // readstr's offset is a ulong
});

Deno.test("ctl: errors", () => {
  const { glenda, bob } = setup();
  const fd = mkseg(glenda, "vm.0");
  const bad: [string, string][] = [
    ["", "bad process or channel control request"],
    ["\n", "bad process or channel control request"],
    ["VA 0x1000 0x1000", "bad process or channel control request"],
    ["vb 0x1000 0x1000", "bad process or channel control request"],
    ["va", "bad arg in system call"],
    ["va 0x1000", "bad arg in system call"],
    ["va 0 0x1000", "bad arg in system call"],
    ["va 0x800 0x10", "bad arg in system call"], // rounds down to 0
    ["va 0x1000 0", "bad arg in system call"],
    ["va 0x7ffffffff000 0x1000", "bad arg in system call"], // past USTKTOP
    ["va 0x7fffffffe000 0x1001", "bad arg in system call"],
    ["va 0xfffffffffffff000 0x2000", "bad arg in system call"], // wraps
    ["va 0x1000 0xffffffffffffffff", "bad arg in system call"],
    ["va 0x1000 0x1000000001", "virtual memory allocation failed"],
    ["va junk 0x1000", "bad arg in system call"],
  ];
  for (const [msg, err] of bad) rejects(() => glenda.write(fd, enc(msg)), err);
  // SEGMAXSIZE itself passes the kernel's checks, but the simulator does not back it.
  throws(() => glenda.write(fd, enc("va 0x1000 0x1000000000")), RangeError);
  const bfd = mkseg(bob, "b");
  rejects(() => bob.write(bfd, enc("va 0x1000 0x1000 sticky")), "permission denied");
  rejects(() => bob.write(bfd, enc("va 0x1000 0x1000 fixed")), "permission denied");
  assertEquals(bob.write(bfd, enc("va 0x1000 0x1000 shared")), 23);
  rejects(() => bob.write(bfd, enc("va 0x1000 0x1000")), "already has a virtual address");
  rejects(() => bob.write(bfd, enc("junk")), "bad process or channel control request");
  assertEquals(glenda.write(fd, enc("va 0x1000 0x1000 sticky")), 23);
  rejects(() => glenda.write(fd, enc("va 0x1000 0x1000 sticky")), "already has a virtual address");
});

Deno.test("fixed: physical pages from the modeled allocator, first fit, freed with the segment", () => {
  const { glenda, dev } = setup();
  const pa = (n: bigint) => `0x${(PALLOC_BASE + n * 0x1000n).toString(16)}`;
  mkseg(glenda, "f0", "0x200000 0x3000 fixed");
  assertEquals(ctltext(glenda, "f0"), `va 0x200000 0x3000 fixed ${pa(0n)}\n`);
  glenda.close(mkseg(glenda, "f1", "0x200000 0x1000 fixed"));
  assertEquals(ctltext(glenda, "f1"), `va 0x200000 0x1000 fixed ${pa(3n)}\n`);
  // f0's ctl is still open (mkseg's descriptor 3): removing it keeps its pages.
  glenda.remove("#g/f0");
  glenda.close(mkseg(glenda, "f2", "0x200000 0x1000 fixed"));
  assertEquals(ctltext(glenda, "f2"), `va 0x200000 0x1000 fixed ${pa(4n)}\n`);
  glenda.close(3);
  glenda.close(mkseg(glenda, "f3", "0x200000 0x2000 fixed"));
  assertEquals(ctltext(glenda, "f3"), `va 0x200000 0x2000 fixed ${pa(0n)}\n`);
  assertEquals(dev.globalsegattach("f3")?.type, "fixed");
  // fixedseg's scan ends len pages before the end of memory: with pages 0-4
  // busy, half of memory no longer fits though far more is free.
  const half = BigInt(PALLOC_PAGES / 2) * 0x1000n;
  const f4 = mkseg(glenda, "f4");
  rejects(() => glenda.write(f4, enc(`va 0x200000 ${half} fixed`)), "kernel allocate failed");
  rejects(() => glenda.write(f4, enc(`va 0x200000 ${2n * half} fixed`)), "kernel allocate failed");
});

Deno.test("data: segio at the edges", () => {
  const { glenda, dev } = setup();
  mkseg(glenda, "vm.0", "0x100000 0x2000 sticky");
  const fd = glenda.open("#g/vm.0/data", ORDWR);
  assertEquals(glenda.write(fd, enc("abc")), 3);
  assertEquals(glenda.write(fd, enc("de")), 2);
  assertEquals(dec(glenda.pread(fd, 5, 0)), "abcde");
  assertEquals(glenda.pwrite(fd, enc("z"), 0x1fff), 1);
  rejects(() => glenda.pwrite(fd, enc("zz"), 0x1fff), "bad arg in system call");
  rejects(() => glenda.pwrite(fd, enc("z"), 0x2000), "bad arg in system call");
  rejects(() => glenda.pwrite(fd, new Uint8Array(0), 0x2000), "bad arg in system call");
  assertEquals(glenda.pwrite(fd, new Uint8Array(0), 0x1fff), 0);
  assertEquals(dec(glenda.pread(fd, 10, 0x1ffe)), "\0z");
  assertEquals(glenda.pread(fd, 10, 0x2000).length, 0);
  assertEquals(glenda.pread(fd, 10, 2 ** 40).length, 0);
  assertEquals(glenda.pread(fd, 0x3000, 0).length, 0x2000);
  glenda.seek(fd, 0x1ffe, SEEK_SET);
  rejects(() => glenda.write(fd, enc("xyz")), "bad arg in system call");
  assertEquals(glenda.seek(fd, 0, 1), 0x1ffe); // a failed write leaves the offset
  assertEquals(dec(glenda.read(fd, 100)), "\0z");
  assertEquals(glenda.read(fd, 100).length, 0);
  // Writes reach the segment's memory and drop decoded code from the pages they touch.
  const s = dev.globalsegattach("vm.0");
  ok(s !== undefined);
  assertEquals(dec(s.ram.bytes.subarray(0, 5)), "abcde");
  s.ram.codePage[1] = 1;
  glenda.pwrite(fd, enc("q"), 0x1000);
  assertEquals([s.ram.codePage[1], s.ram.pageGen[1], s.ram.pageGen[0]], [0, 1, 0]);
});

Deno.test("globalsegattach: what devvmx's map lines need", () => {
  const { glenda, bob, dev } = setup();
  assertEquals(dev.globalsegattach("vm.0"), undefined);
  mkseg(glenda, "vm.0");
  rejects(() => dev.globalsegattach("vm.0"), "global segment not assigned a virtual address");
  glenda.write(3, enc("va 0x7000 0x2000 sticky"));
  const s = dev.globalsegattach("vm.0");
  ok(s !== undefined);
  assertEquals([s.name, s.type, s.base, s.top, s.ram.bytes.length], [
    "vm.0",
    "sticky",
    0x7000n,
    0x9000n,
    0x2000,
  ]);
  mkseg(bob, "shared.1", "0x7000 0x1000");
  assertEquals(dev.globalsegattach("shared.1")?.type, "shared");
  assertEquals(dev.globalsegattach("vm"), undefined);
});

Deno.test("remove: anyone may remove a segment directory, nothing else; open files live on", () => {
  const { glenda, bob, dev } = setup();
  const ctl = mkseg(glenda, "vm.0", "0x1000 0x1000 sticky");
  const data = glenda.open("#g/vm.0/data", ORDWR);
  rejects(() => bob.remove("#g/vm.0/ctl"), "permission denied");
  rejects(() => bob.remove("#g/vm.0/data"), "permission denied");
  rejects(() => bob.remove("#g"), "permission denied");
  rejects(() => bob.remove("#g/vm.1"), "file does not exist: '#g/vm.1'");
  bob.remove("#g/vm.0");
  assertEquals(dev.globalsegattach("vm.0"), undefined);
  rejects(() => glenda.stat("#g/vm.0"), "file does not exist: '#g/vm.0'");
  assertEquals(dec(glenda.pread(ctl, 100, 0)), "va 0x1000 0x1000 sticky\n");
  assertEquals(glenda.write(data, enc("still")), 5);
  assertEquals(dec(glenda.pread(data, 5, 0)), "still");
  rejects(() => glenda.fstat(ctl), "global segment disappeared");
  assertEquals(glenda.fstat(glenda.open("#g", OREAD)).name, "#g");
  // A new segment of the same name is a different one.
  const ctl2 = mkseg(glenda, "vm.0");
  rejects(() => glenda.read(ctl2, 100), "segment not yet allocated");
  assertEquals(dec(glenda.pread(ctl, 100, 0)), "va 0x1000 0x1000 sticky\n");
});

Deno.test("a segment directory created for writing: reads refused, writes Eisdir", () => {
  const { glenda } = setup();
  const w = glenda.create("#g/w", OWRITE, DIR);
  rejects(() => glenda.read(w, 100), "inappropriate use of fd");
  rejects(() => glenda.write(w, enc("x")), "file is a directory");
  const rw = glenda.create("#g/rw", ORDWR | ORCLOSE, DIR);
  assertEquals(dirread(glenda, rw).map((d) => d.name), ["ctl", "data"]);
  rejects(() => glenda.write(rw, enc("x")), "file is a directory");
  glenda.close(rw);
  rejects(() => glenda.stat("#g/rw"), "file does not exist: '#g/rw'");
});

Deno.test("slots from 64 alias slots 0-35 inside a segment (SEG keeps six bits)", () => {
  const { glenda } = setup();
  for (let i = 0; i < 65; i++) glenda.close(glenda.create(`#g/s${i}`, OREAD, DIR));
  const fd = glenda.open("#g/s64/ctl", ORDWR);
  glenda.write(fd, enc("va 0x1000 0x1000"));
  assertEquals(ctltext(glenda, "s0"), "va 0x1000 0x1000\n");
  assertEquals(glenda.fstat(glenda.open("#g/s64/data", OREAD)).length, 0x1000);
  // Removing s64 empties slot 0; s64 stays listed but its files are gone.
  glenda.remove("#g/s64");
  rejects(() => glenda.stat("#g/s0"), "file does not exist: '#g/s0'");
  rejects(() => glenda.stat("#g/s64"), "global segment disappeared");
  // The generator's error aborts the whole walk message: the name shown ends
  // at the message's first element, not at "ctl".
  rejects(() => glenda.open("#g/s64/ctl", OREAD), "global segment disappeared: '#g/s64'");
  assertEquals(dirread(glenda, glenda.open("#g", OREAD)).length, 64);
});

/** Random system calls of two users on #g; only Plan 9 errors may come out. */
Deno.test("property: any sequence of name-space calls on #g fails only with PlanError", () => {
  const names = [
    "#g",
    "#g/a",
    "#g/b",
    "#g/a/ctl",
    "#g/a/data",
    "#g/b/ctl",
    "#g/b/data",
    "#g/a/..",
    "#g/x/y",
  ];
  const ctls = [
    "va 0x1000 0x2000",
    "va 0x1000 0x3000 sticky",
    "va 0x200000 0x1000 fixed",
    "va 0 1",
    "va 0x1000",
    "va 0x7ffffffff000 0x1000",
    "va 0x1000 0x1000000001",
    "va 0x1000zz 0x1",
    "bogus",
    "",
  ];
  const modes = [OREAD, OWRITE, ORDWR, OEXEC, 4, OREAD | ORCLOSE, ORDWR | OTRUNC, OREAD | OEXCL];
  const path = fc.constantFrom(...names);
  const fd = fc.constantFrom(-1, 3, 4, 5, 6, 7, 8);
  const off = fc.constantFrom(-2, -1, 0, 1, 0xfff, 0x1000, 0x2000, 0x3000, 2 ** 40);
  const op = fc.oneof(
    fc.tuple(fc.constant("open"), path, fc.constantFrom(...modes)),
    fc.tuple(fc.constant("create"), path, fc.constantFrom(...modes), fc.constantFrom(DIR, 0o660)),
    fc.tuple(fc.constant("read"), fd, fc.nat(300)),
    fc.tuple(fc.constant("pread"), fd, fc.nat(300), off),
    fc.tuple(fc.constant("write"), fd, fc.constantFrom(...ctls)),
    fc.tuple(fc.constant("pwrite"), fd, fc.constantFrom(...ctls), off),
    fc.tuple(fc.constant("seek"), fd, off, fc.integer({ min: -1, max: 3 })),
    fc.tuple(fc.constant("close"), fd),
    fc.tuple(fc.constant("remove"), path),
    fc.tuple(fc.constant("stat"), path),
    fc.tuple(fc.constant("fstat"), fd),
    fc.tuple(fc.constant("dirread"), fd),
    fc.tuple(fc.constant("attach"), fc.constantFrom("a", "b", "c")),
  );
  const run = (ns: NameSpace, dev: DevSegment, o: (string | number)[]) => {
    const [name, a, b, c] = o;
    switch (name) {
      case "open":
        return ns.open(a as string, b as number);
      case "create":
        return ns.create(a as string, b as number, c as number);
      case "read":
        return ns.read(a as number, b as number);
      case "pread":
        return ns.pread(a as number, b as number, c as number);
      case "write":
        return ns.write(a as number, enc(b as string));
      case "pwrite":
        return ns.pwrite(a as number, enc(b as string), c as number);
      case "seek":
        return ns.seek(a as number, b as number, c as number);
      case "close":
        return ns.close(a as number);
      case "remove":
        return ns.remove(a as string);
      case "stat":
        return ns.stat(a as string);
      case "fstat":
        return ns.fstat(a as number);
      case "dirread":
        return dirread(ns, a as number);
      default:
        return dev.globalsegattach(a as string);
    }
  };
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), op), { maxLength: 60 }), (ops) => {
      const { dev, glenda, bob } = setup();
      for (const [asbob, o] of ops) {
        try {
          run(asbob ? bob : glenda, dev, o);
        } catch (e) {
          if (!(e instanceof PlanError)) throw e;
          ok(new TextEncoder().encode(e.errstr).length <= 127);
        }
      }
      // Whatever happened, #g still lists and stats.
      for (const d of dirread(glenda, glenda.open("#g", OREAD))) glenda.stat(`#g/${d.name}`);
    }),
    { seed: 0x5eed, numRuns: 300 },
  );
});
