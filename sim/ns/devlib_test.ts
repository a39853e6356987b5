import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import {
  Chan,
  COPEN,
  type Dev,
  DEVDOTDOT,
  type Dir,
  type GenResult,
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
  QTFILE,
} from "./dev.ts";
import {
  devdir,
  devdirread,
  devopen,
  devpermcheck,
  devstat,
  devwalk,
  openmode,
  readbuf,
  readstr,
} from "./devlib.ts";
import { convD2M, convM2D } from "./stat.ts";
import { concat } from "../lib9/mod.ts";
import { rejects } from "../testdata/planerror.ts";

const glenda: Proc = { user: "glenda", eve: "glenda" };
const bob: Proc = { user: "bob", eve: "glenda" };
const alice: Proc = { user: "alice", eve: "glenda" };

/**
 * A #t device: root (path 0) holds "a" (bob's, 0640), an empty slot, and the
 * empty dir "d" (path 2). Like dev.c's devgen, it lists the root's entries for
 * files too, so that devstat and devopen find a file among its siblings.
 */
const tdev: Dev = {
  dc: "t",
  name: "test",
  attach: () => new Chan(tdev, { path: 0, vers: 0, type: QTDIR }, "#t"),
  gen(up: Proc, c: Chan, s: number): GenResult {
    if (s === DEVDOTDOT) {
      return devdir(up, c, { path: 0, vers: 0, type: QTDIR }, "#t", 0, up.eve, 0o555);
    }
    if (c.qid.path === 2) return -1; // "d" is empty
    switch (s) {
      case 0:
        return devdir(up, c, { path: 1, vers: 3, type: QTFILE }, "a", 5, "bob", 0o640);
      case 1:
        return 0;
      case 2:
        return devdir(up, c, { path: 2, vers: 0, type: QTDIR }, "d", 0, up.eve, 0o755);
      default:
        return -1;
    }
  },
  open: (up, c, omode) => devopen(up, c, omode, tdev.gen),
  create: () => {
    throw new Error("unused");
  },
  read: (up, c, n) => devdirread(up, c, n, tdev.gen),
  write: () => 0,
  remove: () => {},
  close: () => {},
};
const root = () => tdev.attach(glenda);
function at(path: number, type = QTFILE): Chan {
  const c = root();
  c.qid = { path, vers: 0, type };
  return c;
}

Deno.test("devdir: device character, qid type in the mode, eve as group, no clock", () => {
  assertEquals(devdir(bob, root(), { path: 2, vers: 1, type: QTDIR }, "d", 7, "bob", 0o755), {
    type: 0x74,
    dev: 0,
    qid: { path: 2, vers: 1, type: QTDIR },
    mode: 0x800001ed,
    atime: 0,
    mtime: 0,
    length: 7,
    name: "d",
    uid: "bob",
    gid: "glenda",
    muid: "bob",
  });
  // A perm already carrying DMDIR (as vmxgen passes) is unchanged.
  assertEquals(
    devdir(bob, root(), { path: 2, vers: 0, type: QTDIR }, "d", 0, "x", 0x80000000 | 0o555).mode,
    0x8000016d,
  );
});

Deno.test("devpermcheck: owner, eve (group bits) and others (other bits)", () => {
  const modes = [OREAD, OWRITE, ORDWR, OEXEC];
  // perm 0741: owner rwx, group r, other x.
  const want: Record<string, boolean[]> = {
    bob: [true, true, true, true], // owner
    glenda: [true, false, false, false], // eve, not the owner: group bits
    alice: [false, false, false, true], // other bits
  };
  for (const up of [bob, glenda, alice]) {
    modes.forEach((m, i) => {
      const f = () => devpermcheck(up, "bob", 0o741, m | OTRUNC);
      if (want[up.user][i]) f();
      else rejects(f, "permission denied");
    });
  }
  devpermcheck(glenda, "glenda", 0o600, ORDWR); // eve owning the file uses the owner bits
  rejects(() => devpermcheck(glenda, "glenda", 0o060, ORDWR), "permission denied");
  devpermcheck(alice, "bob", 0x80000000 | 0o006, ORDWR); // DMDIR does not get in the way
});

Deno.test("openmode: the access part, OEXEC read as OREAD, other bits Ebadarg", () => {
  assertEquals([OREAD, OWRITE, ORDWR, OEXEC].map(openmode), [0, 1, 2, 0]);
  assertEquals(openmode(ORDWR | OTRUNC | OCEXEC | ORCLOSE), ORDWR);
  for (const m of [4, 8, OEXCL, OREAD | OEXCL, 0x80, -1, 0x100000000 - 1]) {
    rejects(() => openmode(m), "bad arg in system call");
  }
});

Deno.test("devopen: permission from the generator's entry, directories OREAD only", () => {
  const c = at(1);
  c.offset = 9;
  assertEquals(devopen(bob, c, ORDWR | OTRUNC, tdev.gen), c);
  assertEquals([c.mode, c.flag, c.offset], [ORDWR, COPEN, 0]);
  rejects(() => devopen(glenda, at(1), OWRITE, tdev.gen), "permission denied");
  rejects(() => devopen(alice, at(1), OREAD, tdev.gen), "permission denied");
  rejects(() => devopen(glenda, at(1), OEXEC, tdev.gen), "permission denied"); // exec bit
  assertEquals(devopen(glenda, at(1), OREAD, tdev.gen).mode, OREAD);
  rejects(() => devopen(bob, at(1), 4, tdev.gen), "bad arg in system call");
  rejects(() => devopen(bob, at(1), 7, tdev.gen), "permission denied"); // checked first
  // The root is not among its own entries: no permission check, but only OREAD.
  const r = devopen(alice, root(), OREAD, tdev.gen);
  assertEquals([r.mode, r.flag], [OREAD, COPEN]);
  for (const m of [OWRITE, ORDWR, OEXEC, OREAD | OTRUNC, OREAD | ORCLOSE]) {
    rejects(() => devopen(glenda, root(), m, tdev.gen), "permission denied");
  }
  // Opening "d" checks nothing (it lists no entries); opening "a" checks bob's 0640.
  assertEquals(devopen(alice, at(2, QTDIR), OREAD, tdev.gen).flag, COPEN);
  rejects(() => devopen(alice, at(1), OREAD, tdev.gen), "permission denied");
});

Deno.test("devwalk: names, '.', '..', missing names, walking out of a file", () => {
  const c = root();
  devwalk(bob, c, "d", tdev.gen);
  assertEquals(c.qid, { path: 2, vers: 0, type: QTDIR });
  devwalk(bob, c, ".", tdev.gen);
  assertEquals(c.qid.path, 2);
  devwalk(bob, c, "..", tdev.gen);
  assertEquals(c.qid, { path: 0, vers: 0, type: QTDIR });
  devwalk(bob, c, "a", tdev.gen);
  assertEquals(c.qid, { path: 1, vers: 3, type: QTFILE });
  rejects(() => devwalk(bob, c, "x", tdev.gen), "not a directory");
  rejects(() => devwalk(bob, root(), "b", tdev.gen), "file does not exist");
  rejects(() => devwalk(bob, root(), "A", tdev.gen), "file does not exist");
  const nodotdot = { ...tdev, gen: (): GenResult => -1 };
  throws(() => devwalk(bob, root(), "..", nodotdot.gen), /generator has no "\.\." entry/);
});

Deno.test("devstat: the generator's entry, a made-up one for unlisted directories", () => {
  assertEquals(devstat(alice, at(1), tdev.gen).name, "a");
  const d = root();
  d.name = "#t/x/d";
  d.qid = { path: 2, vers: 0, type: QTDIR };
  // "d" lists no entries, so not itself either: made up from its path.
  assertEquals(devstat(alice, d, tdev.gen).mode, 0x8000016d);
  assertEquals(devstat(alice, d, tdev.gen).name, "d");
  assertEquals(devstat(bob, root(), tdev.gen), {
    type: 0x74,
    dev: 0,
    qid: { path: 0, vers: 0, type: QTDIR },
    mode: 0x8000016d,
    atime: 0,
    mtime: 0,
    length: 0,
    name: "#t",
    uid: "glenda",
    gid: "glenda",
    muid: "glenda",
  });
  const slash = root();
  slash.name = "/";
  assertEquals(devstat(bob, slash, tdev.gen).name, "/");
  rejects(() => devstat(bob, at(9), tdev.gen), "file does not exist");
});

Deno.test("devdirread: whole entries from c.dri, Eshort when none fits", () => {
  const a = convD2M(tdev.gen(bob, root(), 0) as Dir, 100);
  const d = convD2M(tdev.gen(bob, root(), 2) as Dir, 100);
  const c = root();
  assertEquals(devdirread(bob, c, 1000, tdev.gen), concat([a, d]));
  assertEquals(c.dri, 3);
  assertEquals(devdirread(bob, c, 1000, tdev.gen).length, 0);
  const c2 = root();
  assertEquals(devdirread(bob, c2, a.length + d.length - 1, tdev.gen), a);
  assertEquals(c2.dri, 2); // stuck at "d", which did not fit
  rejects(() => devdirread(bob, c2, d.length - 1, tdev.gen), "i/o count too small");
  assertEquals(c2.dri, 2);
  assertEquals(devdirread(bob, c2, d.length, tdev.gen), d);
  assertEquals(convM2D(d)?.dir.name, "d");
  rejects(() => devdirread(bob, root(), 2, tdev.gen), "i/o count too small");
  assertEquals(devdirread(bob, root(), 0, tdev.gen).length, 0);
});

Deno.test("readstr and readbuf: clipped reads, offsets as C's ulong", () => {
  const t = new TextDecoder();
  assertEquals(t.decode(readstr(0, 100, "hello")), "hello");
  assertEquals(t.decode(readstr(1, 3, "hello")), "ell");
  assertEquals(t.decode(readstr(3, 100, "hello")), "lo");
  assertEquals(readstr(5, 1, "hello").length, 0);
  assertEquals(readstr(50, 1, "hello").length, 0);
  assertEquals(t.decode(readstr(2 ** 32 + 1, 2, "hello")), "el");
  assertEquals(readstr(0, 3, "żółw"), Uint8Array.of(0xc5, 0xbc, 0xc3)); // bytes, not runes
  assertEquals(readbuf(1, 2, Uint8Array.of(1, 2, 3, 4)), Uint8Array.of(2, 3));
  assertEquals(readbuf(0, 0, Uint8Array.of(1)).length, 0);
});
