import assert from "node:assert/strict";
import { run } from "../testdata/harness.ts";
import { FakeNs } from "../testdata/fake_ns.ts";
import { cp } from "./cp.ts";

function setup(): { ns: FakeNs; host: FakeNs } {
  const ns = new FakeNs("#g");
  ns.mkdir("#g/vm.0");
  ns.file("#g/vm.0/data", "old contents");
  const host = new FakeNs("examples");
  host.file("examples/hello.bin", "\xb0H", { perm: 0o644 });
  return { ns, host };
}

Deno.test("cp from a host file into the name space: create OWRITE, IOUNIT reads", () => {
  const { ns, host } = setup();
  const r = run(cp, ["cp", "examples/hello.bin", "#g/vm.0/data"], ns, { host });
  assert.deepEqual([r.status, r.err], ["", ""]);
  assert.deepEqual(r.calls, [
    "stat #g/vm.0/data = data",
    "stat #g/vm.0/data = data",
    "create #g/vm.0/data 1 644 = 3",
    'write 3 "°H" = 3',
    "close 3 = 0",
  ]);
  assert.deepEqual(r.hostCalls, [
    "stat examples/hello.bin = hello.bin",
    "open examples/hello.bin 0 = 3",
    'read 3 32768 = "°H"',
    'read 3 32768 = ""',
    "close 3 = 0",
  ]);
  assert.equal(ns.text("#g/vm.0/data"), "\xb0H");
});

Deno.test("cp out of the name space into a host directory", () => {
  const ns = new FakeNs("#X");
  ns.mkdir("#X/0");
  ns.file("#X/0/regs", "pc 0x0\n");
  const host = new FakeNs("out");
  const r = run(cp, ["cp", "#X/0/regs", "out"], ns, { host });
  assert.equal(r.status, "");
  assert.equal(host.text("out/regs"), "pc 0x0\n");
});

Deno.test("cp errors", () => {
  const { ns, host } = setup();
  ns.file("#g/ro", "", { errors: { open: "permission denied", create: "permission denied" } });
  ns.file("#g/w", "", { writeCap: 1 });
  ns.file("#g/bad", "", { errors: { read: "i/o error" } });
  const cases: [string[], string, string][] = [
    [["cp", "#g/none", "x"], "errors", "cp: can't stat #g/none: file does not exist: '#g/none'\n"],
    [["cp", "#g/vm.0", "x"], "errors", "cp: #g/vm.0 is a directory\n"],
    [
      ["cp", "#g/vm.0/data", "#g/vm.0/data"],
      "errors",
      "cp: #g/vm.0/data and #g/vm.0/data are the same file\n",
    ],
    [["cp", "#g/ro", "examples/x"], "errors", "cp: can't open #g/ro: permission denied\n"],
    [
      ["cp", "examples/hello.bin", "#g/ro"],
      "errors",
      "cp: can't create #g/ro: permission denied\n",
    ],
    [["cp", "examples/hello.bin", "#g/w"], "errors", "cp: error writing #g/w: \n"],
    [["cp", "#g/bad", "examples/y"], "errors", "cp: error reading #g/bad: i/o error\n"],
    [["cp", "a", "b", "#g/w"], "bad usage", "cp: #g/w not a directory\n"],
    [["cp", "a"], "usage", "usage:\tcp fromfile tofile\n\tcp fromfile ... todir\n"],
    [["cp", "-z", "a", "b"], "usage", "usage:\tcp fromfile tofile\n\tcp fromfile ... todir\n"],
    [["cp", "-x", "a", "b"], "usage", "cp: -x: not supported in vmxsim sh\n"],
  ];
  for (const [argv, status, err] of cases) {
    const r = run(cp, argv, ns, { host });
    assert.deepEqual([r.status, r.err], [status, err], argv.join(" "));
  }
});
