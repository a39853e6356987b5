import { deepEqual, equal, throws } from "node:assert/strict";
import {
  DMDIR,
  ORDWR,
  OREAD,
  OTRUNC,
  OWRITE,
  PlanError,
  SEEK_CUR,
  SEEK_END,
  SEEK_SET,
} from "../sim/ns/mod.ts";
import { MemfsBackend, memfsFactory } from "./memfs.ts";
import { enc } from "./testdata/sample.ts";

const planError = (errstr: string) => (e: unknown) => e instanceof PlanError && e.errstr === errstr;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("memfs describes itself with its options", () => {
  deepEqual(new MemfsBackend().describe(), {
    name: "memfs",
    version: "1",
    config: { annotate: false },
  });
  deepEqual(new MemfsBackend({ annotate: true }).describe().config, { annotate: true });
});

Deno.test("descriptors start at 3 and reuse the lowest free one", () => {
  const p = new MemfsBackend().process("glenda");
  equal(p.user, "glenda");
  equal(p.open("/ctl", OREAD), 3);
  equal(p.open("/ctl", OREAD), 4);
  p.close(3);
  equal(p.open("/", OREAD), 3);
  throws(() => p.close(3 + 10), planError("fd out of range or not open"));
  throws(() => p.read(9, 1), planError("fd out of range or not open"));
});

Deno.test("ctl echoes what was written and fails on demand", () => {
  const p = new MemfsBackend().process("glenda");
  const fd = p.open("/ctl", ORDWR);
  equal(p.write(fd, enc("hello\n")), 6);
  equal(text(p.pread(fd, 100, 0)), "hello\n");
  throws(() => p.write(fd, enc("error VM not ready\n")), planError("VM not ready"));
  throws(() => p.write(fd, enc("crash\n")), /^TypeError: memfs was asked to crash$/);
  equal(text(p.pread(fd, 100, 0)), "hello\n");
  equal(p.fstat(fd).qid.vers, 1);
});

Deno.test("files are created, written, read, sought and removed", () => {
  const p = new MemfsBackend().process("glenda");
  const fd = p.create("/f", ORDWR, 0o644);
  equal(p.write(fd, enc("abc")), 3);
  equal(p.pwrite(fd, enc("z"), 5), 1);
  deepEqual(p.pread(fd, 10, 0), new Uint8Array([0x61, 0x62, 0x63, 0, 0, 0x7a]));
  equal(p.seek(fd, 1, SEEK_SET), 1);
  equal(text(p.read(fd, 2)), "bc");
  equal(p.seek(fd, 1, SEEK_CUR), 4);
  equal(p.seek(fd, -1, SEEK_END), 5);
  throws(() => p.seek(fd, -9, SEEK_CUR), planError("negative i/o offset"));
  throws(() => p.seek(fd, 0, 7), planError("negative i/o offset"));
  throws(() => p.pread(fd, 1, -1), planError("negative i/o offset"));
  throws(() => p.pwrite(fd, enc("x"), -1), planError("negative i/o offset"));
  const again = p.create("/f", OWRITE, 0o600);
  equal(p.fstat(again).length, 0, "create truncates an existing file");
  p.write(again, enc("xy"));
  equal(p.open("/f", OREAD | OTRUNC) > 0, true);
  equal(p.stat("/f").length, 0, "OTRUNC truncates");
  p.remove("/f");
  throws(() => p.stat("/f"), planError("file does not exist"));
  throws(() => p.remove("/f"), planError("file does not exist"));
  throws(() => p.open("/f", OREAD), planError("file does not exist"));
});

Deno.test("directories list their names and refuse file operations", () => {
  const p = new MemfsBackend().process("glenda");
  const d = p.create("/d", OREAD, DMDIR | 0o775);
  p.close(p.create("/d/x", OWRITE, 0o644));
  equal(text(p.read(d, 1)), "x");
  equal(text(p.read(d, 100)), "\n");
  equal(p.fstat(d).qid.type, 0x80);
  throws(() => p.open("/d", ORDWR), planError("file is a directory"));
  throws(() => p.write(d, enc("x")), planError("file is a directory"));
  throws(() => p.seek(d, 0, SEEK_SET), planError("seek in directory"));
  throws(() => p.create("/d", OREAD, DMDIR | 0o775), planError("file already exists"));
  throws(() => p.create("/", OREAD, 0o644), planError("file already exists"));
  throws(() => p.create("/ctl/y", OREAD, 0o644), planError("not a directory"));
  throws(() => p.create("/no/y", OREAD, 0o644), planError("file does not exist"));
  throws(() => p.remove("/d"), planError("directory not empty"));
  throws(() => p.remove("/"), planError("file does not exist"));
  p.remove("/d/x");
  p.remove("/d");
  equal(text(p.read(p.open("/", OREAD), 100)), "ctl\n");
});

Deno.test("stat and fstat describe the file", () => {
  const b = new MemfsBackend();
  const p = b.process("glenda");
  const fd = p.create("/f", OWRITE, 0o640);
  p.write(fd, enc("ab"));
  const want = {
    type: 0x4d,
    dev: 0,
    qid: { path: 2, vers: 1, type: 0 },
    mode: 0o640,
    atime: 0,
    mtime: 0,
    length: 2,
    name: "f",
    uid: "glenda",
    gid: "glenda",
    muid: "glenda",
  };
  deepEqual(p.stat("/f"), want);
  deepEqual(p.fstat(fd), want);
  deepEqual(p.stat("/").qid, { path: 0, vers: 0, type: 0x80 });
});

Deno.test("annotate counts operations when asked to", () => {
  const plain = new MemfsBackend();
  plain.process("u").stat("/");
  equal(plain.annotate(), undefined);
  const b = new MemfsBackend({ annotate: true });
  const p = b.process("u");
  p.stat("/");
  try {
    p.stat("/x");
  } catch {
    // counted all the same
  }
  deepEqual(b.annotate(), { ops: 2 });
});

Deno.test("restore returns to a snapshot: tree, descriptors, offsets, counters", () => {
  const b = new MemfsBackend({ annotate: true });
  const p = b.process("glenda");
  b.process("other");
  const fd = p.create("/f", ORDWR, 0o644);
  p.write(fd, enc("abc"));
  const snap = b.snapshot();
  p.write(fd, enc("def"));
  p.create("/g", OWRITE, 0o644);
  const [p2, q2] = b.restore(snap);
  equal(q2.user, "other");
  equal(p2.write(fd, enc("!")), 1);
  equal(text(p2.pread(fd, 10, 0)), "abc!");
  throws(() => p2.stat("/g"), planError("file does not exist"));
  deepEqual(b.annotate(), { ops: 5 });
  const [p3] = b.restore(snap);
  equal(text(p3.pread(fd, 10, 0)), "abc", "restoring does not share data with the snapshot");
  equal(p3.create("/h", OWRITE, 0o644), 4);
  equal(p3.stat("/h").qid.path, 3, "paths are allocated as they were");
});

Deno.test("memfsFactory builds a backend with the options the header records", () => {
  const header = (config: unknown) => ({
    format: 1,
    tool: "t",
    argv: [],
    backend: { name: "memfs", version: "1", config },
  });
  deepEqual(memfsFactory(header({ annotate: true })).describe().config, { annotate: true });
  deepEqual(memfsFactory(header(undefined)).describe().config, { annotate: false });
});
