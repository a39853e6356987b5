import assert from "node:assert/strict";
import { DIRMAX, OREAD, OWRITE, SEEK_END } from "../../sim/ns/mod.ts";
import { Shared, StreamFile } from "./file.ts";
import { Proc } from "./proc.ts";
import { Space } from "./space.ts";
import { FakeNs } from "./testdata/fake_ns.ts";

function proc(ns: FakeNs, host = new FakeNs()): Proc {
  return new Proc(new Space(ns, host), new Map(), "t");
}

Deno.test("calls route # names to the kernel and others to the host", () => {
  const ns = new FakeNs("#X");
  ns.file("#X/clone", "0");
  const host = new FakeNs(".");
  host.file("./f", "host");
  const p = proc(ns, host);
  assert.equal(p.open("#X/clone", OREAD), 0);
  assert.equal(p.open("./f", OREAD), 1);
  assert.deepEqual(ns.calls, ["open #X/clone 0 = 3"]);
  assert.deepEqual(host.calls, ["open ./f 0 = 3"]);
});

Deno.test("failures return -1 or null and set errstr", () => {
  const ns = new FakeNs("#X");
  ns.file("#X/ctl", "", { errors: { write: "VM not ready" } });
  const p = proc(ns);
  assert.equal(p.open("#X/9", OREAD), -1);
  assert.equal(p.errstr, "file does not exist: '#X/9'");
  const fd = p.open("#X/ctl", OWRITE);
  assert.equal(p.write(fd, new Uint8Array(1)), -1);
  assert.equal(p.errstr, "VM not ready");
  assert.equal(p.read(7, 1), null);
  assert.equal(p.errstr, "fd out of range or not open");
  assert.equal(p.close(7), -1);
  assert.equal(p.dirstat("#X/nope"), null);
  assert.equal(p.remove("#X/nope"), -1);
  assert.equal(p.seek(7, 0, SEEK_END), -1);
  assert.equal(p.create("#X/nope/x", OWRITE, 0o666), -1);
});

Deno.test("simulator failures are not Plan 9 errors: they propagate", () => {
  const boom = new StreamFile({
    reader: () => {
      throw new Error("not modeled");
    },
  });
  const p = new Proc(new Space(new FakeNs(), new FakeNs()), new Map([[0, new Shared(boom)]]), "t");
  assert.throws(() => p.read(0, 1), /not modeled/);
});

Deno.test("descriptors are the lowest free; close releases the file once", () => {
  const ns = new FakeNs("#g");
  ns.file("#g/a", "x");
  const p = proc(ns);
  const shared = new Shared(new StreamFile({}));
  const q = new Proc(new Space(ns, new FakeNs()), new Map([[0, shared], [2, shared.hold()]]), "t");
  assert.equal(q.open("#g/a", OREAD), 1);
  assert.equal(q.open("#g/a", OREAD), 3);
  assert.equal(p.open("#g/a", OREAD), 0);
  assert.equal(p.close(0), 0);
  assert.equal(p.close(0), -1);
  q.exits();
  assert.deepEqual(ns.calls, [
    "open #g/a 0 = 3",
    "open #g/a 0 = 4",
    "open #g/a 0 = 5",
    "close 5 = 0",
    "close 3 = 0",
    "close 4 = 0",
  ]);
});

Deno.test("dirreadall reads DIRMAX at a time until end and unpacks entries", () => {
  const ns = new FakeNs("#X");
  ns.file("#X/clone");
  ns.mkdir("#X/0");
  const p = proc(ns);
  const fd = p.open("#X", OREAD);
  const dirs = p.dirreadall(fd)!;
  assert.deepEqual(dirs.map((d) => d.name), ["0", "clone"]);
  assert.deepEqual(ns.calls.slice(1).map((c) => c.replace(/ = .*/, "")), [
    `read 3 ${DIRMAX}`,
    `read 3 ${DIRMAX}`,
  ]);
  assert.equal(DIRMAX, 65615);
});

Deno.test("dirreadall: empty directory, read error, and malformed entries", () => {
  const ns = new FakeNs("#X", "#g");
  ns.file("#g/bad", "", { reads: ["\x05\x00abcde"] });
  ns.file("#g/err", "", { errors: { read: "i/o error" } });
  const p = proc(ns);
  assert.deepEqual(p.dirreadall(p.open("#X", OREAD)), []);
  assert.equal(p.dirreadall(p.open("#g/err", OREAD)), null);
  assert.equal(p.errstr, "i/o error");
  assert.equal(p.dirreadall(p.open("#g/bad", OREAD)), null);
});

Deno.test("fprint writes UTF-8 in one write; sysfatal prefixes argv0", () => {
  const got: string[] = [];
  const err = new Shared(new StreamFile({ writer: (d) => got.push(new TextDecoder().decode(d)) }));
  const p = new Proc(new Space(new FakeNs(), new FakeNs()), new Map([[2, err]]), "cat");
  assert.equal(p.fprint(2, "é\n"), 3);
  assert.equal(p.sysfatal("can't open x: y"), "can't open x: y");
  assert.deepEqual(got, ["é\n", "cat: can't open x: y\n"]);
});
