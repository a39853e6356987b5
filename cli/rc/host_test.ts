import assert from "node:assert/strict";
import {
  convM2D,
  DMDIR,
  OEXCL,
  ORCLOSE,
  ORDWR,
  OREAD,
  OTRUNC,
  OWRITE,
  QTDIR,
  SEEK_END,
  SEEK_SET,
} from "../../sim/ns/mod.ts";
import { HostFiles } from "./host.ts";
import { errstrOf } from "../../sim/testdata/planerror.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

// Run `test` on host files based in a new temporary directory; `at` names a file in it.
function inTemp(test: (h: HostFiles, at: (name: string) => string) => void): () => void {
  return () => {
    const dir = Deno.makeTempDirSync();
    try {
      test(new HostFiles({ dir }), (name) => `${dir}/${name}`);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  };
}

Deno.test(
  "create, write, reopen, read to end in full counts",
  inTemp((h, at) => {
    const fd = h.create("f", OWRITE, 0o640);
    assert.equal(h.write(fd, enc.encode("hello, world")), 12);
    h.close(fd);
    const r = h.open("f", OREAD);
    assert.equal(dec.decode(h.read(r, 5)), "hello");
    assert.equal(dec.decode(h.read(r, 100)), ", world");
    assert.equal(h.read(r, 100).length, 0);
    assert.equal(dec.decode(h.pread(r, 4, 7)), "worl");
    assert.equal(h.seek(r, 0, SEEK_END), 12);
    h.close(r);
    Deno.chmodSync(at("f"), 0o640);
    const d = h.stat("f");
    assert.deepEqual([d.name, d.mode, d.length, d.uid, d.gid, d.muid, d.type, d.dev], [
      "f",
      0o640,
      12,
      "glenda",
      "glenda",
      "glenda",
      "M".charCodeAt(0),
      0,
    ]);
  }),
);

Deno.test(
  "create truncates an existing file; OTRUNC on open does too; pwrite",
  inTemp((h, at) => {
    Deno.writeTextFileSync(at("f"), "old contents");
    h.close(h.create("f", OWRITE, 0o666));
    assert.equal(Deno.readTextFileSync(at("f")), "");
    Deno.writeTextFileSync(at("g"), "abc");
    const fd = h.open("g", ORDWR);
    assert.equal(h.pwrite(fd, enc.encode("X"), 1), 1);
    assert.equal(dec.decode(h.read(fd, 10)), "aXc");
    h.close(fd);
    h.close(h.open("g", OWRITE | OTRUNC));
    assert.equal(Deno.readTextFileSync(at("g")), "");
    assert.equal(errstrOf(() => h.create("g", OWRITE | OEXCL, 0o666)), "file already exists");
  }),
);

Deno.test(
  "directories: create with DMDIR, read whole stat entries sorted, rewind",
  inTemp((h, at) => {
    h.close(h.create("d", OREAD, (DMDIR | 0o755) >>> 0));
    Deno.writeTextFileSync(at("d/b"), "bb");
    Deno.writeTextFileSync(at("d/a"), "a");
    const fd = h.open("d", OREAD);
    const first = convM2D(h.read(fd, 70))!;
    assert.equal(first.dir.name, "a");
    const rest = h.read(fd, 1 << 16);
    assert.equal(convM2D(rest)!.dir.name, "b");
    assert.equal(h.read(fd, 1 << 16).length, 0);
    assert.equal(h.seek(fd, 0, SEEK_SET), 0);
    assert.equal(h.read(fd, 10).length, 0);
    assert.equal(errstrOf(() => h.seek(fd, 5, SEEK_SET)), "seek in directory");
    assert.equal(errstrOf(() => h.write(fd, enc.encode("x"))), "file is a directory");
    h.close(fd);
    const st = h.stat("d");
    assert.equal(st.qid.type, QTDIR);
    assert.equal((st.mode & DMDIR) !== 0, true);
    assert.equal(st.length, 0);
    const real = Deno.realPathSync(at("."));
    assert.equal(h.stat(".").name, real.slice(real.lastIndexOf("/") + 1));
    assert.equal(h.stat("d/..").name, h.stat(".").name);
    assert.equal(h.stat("/").name, "/");
    assert.equal(h.fstat(h.open("d/a", OREAD)).name, "a");
  }),
);

Deno.test(
  "errors are worded as namec words them",
  inTemp((h, at) => {
    Deno.writeTextFileSync(at("f"), "");
    Deno.mkdirSync(at("d"));
    assert.equal(errstrOf(() => h.open("nope", OREAD)), "file does not exist: 'nope'");
    assert.equal(errstrOf(() => h.open("d/x/y", OREAD)), "file does not exist: 'd/x'");
    assert.equal(errstrOf(() => h.open("f/y", OREAD)), "not a directory: 'f'");
    assert.equal(errstrOf(() => h.create("d/x/y", OWRITE, 0o666)), "file does not exist: 'd/x'");
    assert.equal(errstrOf(() => h.stat("it's")), "file does not exist: 'it''s'");
    assert.equal(errstrOf(() => h.open("d", OWRITE)), "file is a directory");
    assert.equal(errstrOf(() => h.create("d", OWRITE, 0o666)), "file is a directory");
    assert.equal(errstrOf(() => h.create("d", OREAD, DMDIR >>> 0)), "file already exists");
    Deno.writeTextFileSync(at("d/z"), "");
    assert.equal(errstrOf(() => h.remove("d")), "directory not empty");
    assert.equal(errstrOf(() => h.remove("gone")), "file does not exist: 'gone'");
    assert.equal(errstrOf(() => h.read(42, 1)), "fd out of range or not open");
    Deno.mkdirSync(at("a".repeat(50)));
    assert.equal(
      errstrOf(() => h.open(`${"a".repeat(50)}/${"b".repeat(50)}/c`, OREAD)),
      `file does not exist: '.../${"b".repeat(50)}'`,
    );
  }),
);

Deno.test(
  "remove, and ORCLOSE removes on close",
  inTemp((h, at) => {
    Deno.writeTextFileSync(at("f"), "");
    h.remove("f");
    assert.throws(() => Deno.statSync(at("f")));
    const fd = h.create("t", ORDWR | ORCLOSE, 0o600);
    Deno.statSync(at("t"));
    h.close(fd);
    assert.throws(() => Deno.statSync(at("t")));
  }),
);

Deno.test("gitModes: permissions read as git records them, whatever the umask", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeFileSync(`${dir}/plain`, new Uint8Array(1), { mode: 0o664 });
    Deno.chmodSync(`${dir}/plain`, 0o664);
    Deno.writeFileSync(`${dir}/tool`, new Uint8Array(1));
    Deno.chmodSync(`${dir}/tool`, 0o775);
    const perm = (h: HostFiles, name: string) => h.stat(name).mode & 0o777;
    const git = new HostFiles({ dir, gitModes: true });
    assert.deepEqual([perm(git, "plain"), perm(git, "tool")], [0o644, 0o755]);
    const raw = new HostFiles({ dir });
    assert.deepEqual([perm(raw, "plain"), perm(raw, "tool")], [0o664, 0o775]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
