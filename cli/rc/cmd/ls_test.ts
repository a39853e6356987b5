import assert from "node:assert/strict";
import { run } from "../testdata/harness.ts";
import { FakeNs } from "../testdata/fake_ns.ts";
import { asciitime, dirmodefmt, lsCommand, xcleanname } from "./ls.ts";

const ls = lsCommand({ now: () => 1_700_000_000 });

function vmx(): FakeNs {
  const ns = new FakeNs("#X");
  ns.file("#X/clone", "", { perm: 0o444 });
  ns.mkdir("#X/0");
  for (const f of ["ctl", "regs", "status", "map", "wait", "fpregs"]) ns.file(`#X/0/${f}`);
  ns.file("#X/0/regs", "x".repeat(1234), { perm: 0o660 });
  return ns;
}

Deno.test("ls of a directory: stat, open, dirreadall, close, one write, quoted names", () => {
  const ns = vmx();
  const r = run(ls, ["ls", "#X"], ns);
  assert.deepEqual(r.out, ["'#X/0'\n'#X/clone'\n"]);
  assert.deepEqual(r.calls.map((c) => c.replace(/ = .*| ! .*/, "")), [
    "stat #X",
    "open #X 0",
    "read 3 65615",
    "read 3 65615",
    "close 3",
  ]);
  assert.equal(r.status, "");
});

Deno.test("ls of files prints their stat names under their directory, sorted by prefix", () => {
  const r = run(ls, ["ls", "#X/0/wait", "#X/0/ctl", "#X/clone"], vmx());
  assert.deepEqual(r.out, ["'#X/clone'\n'#X/0/ctl'\n'#X/0/wait'\n"]);
});

Deno.test("ls with no arguments lists the current directory, bare names", () => {
  const host = new FakeNs(".");
  host.file("./b.rc");
  host.file("./a.rc");
  const r = run(ls, ["ls"], new FakeNs(), { host });
  assert.deepEqual(r.out, ["a.rc\nb.rc\n"]);
});

Deno.test("ls -l: mode, device, dev, owner, group, length, time, name", () => {
  const r = run(ls, ["ls", "-l", "#X/0"], vmx());
  assert.deepEqual(r.out, [
    [
      "--rw-rw-rw- X 0 glenda glenda    0 Jan  1  1970 '#X/0/ctl'",
      "--rw-rw-rw- X 0 glenda glenda    0 Jan  1  1970 '#X/0/fpregs'",
      "--rw-rw-rw- X 0 glenda glenda    0 Jan  1  1970 '#X/0/map'",
      "--rw-rw---- X 0 glenda glenda 1234 Jan  1  1970 '#X/0/regs'",
      "--rw-rw-rw- X 0 glenda glenda    0 Jan  1  1970 '#X/0/status'",
      "--rw-rw-rw- X 0 glenda glenda    0 Jan  1  1970 '#X/0/wait'",
      "",
    ].join("\n"),
  ]);
});

Deno.test("ls -d, -p, -Q, -F, -r, -n, -s, -q, -m, -T", () => {
  const ns = vmx();
  assert.deepEqual(run(ls, ["ls", "-d", "#X/0"], ns).out, ["'#X/0'\n"]);
  assert.deepEqual(run(ls, ["ls", "-pQ", "#X"], ns).out, ["0\nclone\n"]);
  assert.deepEqual(run(ls, ["ls", "-QF", "#X"], ns).out, ["#X/0/\n#X/clone\n"]);
  assert.deepEqual(run(ls, ["ls", "-rp", "#X"], ns).out, ["clone\n0\n"]);
  assert.deepEqual(run(ls, ["ls", "-np", "#X/0"], ns).out, [
    "ctl\nfpregs\nmap\nregs\nstatus\nwait\n",
  ]);
  assert.deepEqual(run(ls, ["ls", "-sp", "#X/0/regs", "#X/0/ctl"], ns).out, [
    "0 ctl\n2 regs\n",
  ]);
  assert.deepEqual(run(ls, ["ls", "-qp", "#X/0/ctl"], ns).out, [
    "(0000000000000004 0 00) ctl\n",
  ]);
  assert.deepEqual(run(ls, ["ls", "-mTp", "#X/0/ctl"], ns).out, ["[glenda] - ctl\n"]);
  const exe = new FakeNs(".");
  exe.file("./run", "", { perm: 0o755 });
  assert.deepEqual(run(ls, ["ls", "-F"], new FakeNs(), { host: exe }).out, ["run*\n"]);
});

Deno.test("ls errors: missing name, unreadable directory, bad options", () => {
  const ns = vmx();
  ns.mkdir("#X/1").errors.open = "permission denied";
  let r = run(ls, ["ls", "#X/9", "#X/clone"], ns);
  assert.equal(r.err, "ls: #X/9: file does not exist: '#X/9'\n");
  assert.deepEqual([r.status, r.out], ["errors", ["'#X/clone'\n"]]);
  r = run(ls, ["ls", "#X/1"], ns);
  assert.equal(r.err, "ls: #X/1: permission denied\n");
  ns.file("#X/2", "", { reads: ["\x01"] });
  r = run(ls, ["ls", "#X/2"], ns);
  assert.equal(r.status, "");
  r = run(ls, ["ls", "-t"], ns);
  assert.deepEqual([r.status, r.err], ["usage", "ls: -t: not supported in vmxsim sh\n"]);
  r = run(ls, ["ls", "-z"], ns);
  assert.deepEqual([r.status, r.err], ["usage", "usage: ls [-dlmnpqrsuFQT] [file ...]\n"]);
});

Deno.test("ls: an unreadable directory listing is an error", () => {
  const ns = new FakeNs("#g");
  ns.mkdir("#g/d");
  ns.file("#g/d/x");
  const dir = ns.mkdir("#g/e");
  dir.reads = ["\x03\x00abc"];
  const r = run(ls, ["ls", "#g/e"], ns);
  assert.deepEqual([r.status, r.err], ["errors", "ls: #g/e: \n"]);
});

Deno.test("dirmodefmt, asciitime, xcleanname", () => {
  assert.equal(dirmodefmt(0x80000000 | 0o755), "d-rwxr-xr-x");
  assert.equal(dirmodefmt(0x40000000 | 0x20000000 | 0o640), "alrw-r-----");
  assert.equal(dirmodefmt(0x08000000 | 0o400), "A-r--------");
  assert.equal(asciitime(0, 1_700_000_000), "Jan  1  1970");
  assert.equal(asciitime(1_700_000_000 - 3600, 1_700_000_000), "Nov 14 21:13");
  assert.equal(asciitime(1_700_000_000 + 2 * 86400, 1_700_000_000), "Nov 16  2023");
  assert.equal(xcleanname("#X//0///"), "#X/0");
  assert.equal(xcleanname("/"), "/");
});
