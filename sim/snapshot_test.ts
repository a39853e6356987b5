import { deepEqual, equal, throws } from "node:assert/strict";
import fc from "fast-check";
import { DMDIR, Kernel, type KernelOptions, ORCLOSE, ORDWR, OREAD, OTRUNC, OWRITE } from "./mod.ts";
import { SNAPSHOT_VERSION } from "./snapshot.ts";
import { type Arg, b, type Op, runFresh, runOps } from "./testdata/session.ts";
import { descriptorTables } from "../corpus/mod.ts";

/** Builds a session call by call; each call's index is what `{ ref }` names. */
class _Script {
  readonly ops: Op[] = [];
  call(pid: number, name: string, ...args: Arg[]): { ref: number } {
    this.ops.push({ pid, name, args });
    return { ref: this.ops.length - 1 };
  }
  /** Open, write `text`, close. */
  put(pid: number, path: string, text: string | Uint8Array, mode = OWRITE): void {
    const fd = this.call(pid, "open", path, mode);
    this.call(pid, "write", fd, typeof text === "string" ? b(text) : text);
    this.call(pid, "close", fd);
  }
  /** Open, read once, close. */
  get(pid: number, path: string, n = 512): void {
    const fd = this.call(pid, "open", path, OREAD);
    this.call(pid, "read", fd, n);
    this.call(pid, "close", fd);
  }
}

const HELLO = [0xb0, 0x48, 0xe6, 0xe9, 0xf4]; // mov al,'H'; out 0xe9,al; hlt
const LOOP = [0x31, 0xc0, 0xb9, 3, 0, 0, 0, 0x40, 0xe2, 0xfd, 0xe6, 0xe9, 0xf4];

/** Guest memory: GDT at 0x100, IDT (vectors 6, 13, 32) at 0x200, code at 0x1000 and 0x2000. */
function _image(): Uint8Array {
  const m = new Uint8Array(0x4000);
  for (const [addr, bytes] of descriptorTables([6, 13, 32])) m.set(bytes, addr);
  m.set(HELLO, 0x1000);
  m.set(LOOP, 0x2000);
  return m;
}

/** vm.0 (sticky, 1 MiB) with the image, and vCPU 0 with ctl ref returned, mapped at 0. */
function _boot(s: _Script): { ref: number } {
  s.call(0, "proc", "glenda");
  s.call(0, "close", s.call(0, "create", "#g/vm.0", OREAD, DMDIR | 0o777));
  s.put(0, "#g/vm.0/ctl", "va 0x10000000 0x100000 sticky");
  s.put(0, "#g/vm.0/data", _image());
  const ctl = s.call(0, "open", "#X/clone", ORDWR);
  s.put(0, "#X/0/map", "rwx wb 0x0 0x100000 vm.0 0\n", OWRITE | OTRUNC);
  s.put(0, "#X/0/regs", "gdtrbase 0x100\ngdtrlimit 0x17\nidtrbase 0x200\nidtrlimit 0x107\n");
  return ctl;
}

/** Exits of each kind, stepping, exc and irq injection, fpregs, partial reads. */
function guestSession(): Op[] {
  const s = new _Script();
  const ctl = _boot(s);
  const wait = s.call(0, "open", "#X/0/wait", OREAD);
  const go = (msg: string) => s.call(0, "write", ctl, b(msg));
  go("go pc=0x1000;sp=0x8000;");
  s.call(0, "read", wait, 512);
  go("go pc=0x1004;");
  s.call(0, "read", wait, 10); // cut: the rest of the line is lost
  const regs = s.call(0, "open", "#X/0/regs", OREAD);
  s.call(0, "read", regs, 40); // the aux buffer keeps the text for the next read
  s.call(0, "read", regs, 40);
  go("step pc=0x2000;");
  s.call(0, "read", wait, 512);
  go("step pc=0x2000;");
  s.call(0, "read", wait, 512);
  go("irq 32");
  go("go flags=0x202;");
  s.call(0, "read", wait, 512);
  s.call(0, "read", wait, 512);
  go("extrap 0x40");
  s.put(0, "#g/vm.0/data", new Uint8Array([0x0f, 0x0b]), OWRITE); // ud2 at 0
  go("go pc=0x0;");
  s.call(0, "read", wait, 512);
  go("exc #gp,0");
  go("go pc=0x1000;");
  s.call(0, "read", wait, 512);
  go("exc #ud");
  s.put(0, "#X/0/regs", "flags 0xa\n"); // reserved bit 3 set: the entry fails, #ud stays pending
  go("go");
  s.call(0, "read", wait, 512);
  s.put(0, "#X/0/regs", "flags 0x2\n");
  go("go");
  s.call(0, "read", wait, 512);
  const fp = s.call(0, "open", "#X/0/fpregs", ORDWR);
  s.call(0, "pwrite", fp, b("\x7f\x03"), 0);
  s.call(0, "pread", fp, 32, 0);
  go("exc #gp"); // no error code: VM entry fails outright and the vCPU dies
  go("go");
  s.call(0, "read", wait, 512);
  s.get(0, "#X/0/status");
  s.call(0, "seek", regs, 0, 0);
  s.call(0, "read", regs, 8192);
  go("go");
  go("quit");
  s.call(0, "read", wait, 512);
  s.get(0, "#X/0/status");
  return s.ops;
}

/** Segments of every kind and fate, map pieces, moribund vCPUs, a second user. */
function segmentSession(): Op[] {
  const s = new _Script();
  const ctl = _boot(s);
  for (
    const [name, va] of [["fx", "va 0x20000000 0x3000 fixed"], [
      "gone",
      "va 0x30000000 0x2000 sticky",
    ], ["orphan", "va 0x40000000 0x1000 sticky"]]
  ) {
    s.call(0, "close", s.call(0, "create", `#g/${name}`, OREAD, DMDIR | 0o777));
    s.put(0, `#g/${name}/ctl`, va);
  }
  s.get(0, "#g/fx/ctl");
  s.put(0, "#g/gone/data", "gone's bytes");
  s.put(0, "#g/orphan/data", "orphan's bytes");
  const map = s.call(0, "open", "#X/0/map", OWRITE);
  for (
    const line of [
      "r-- uc 0x4000 0x6000 vm.0 0x80000",
      "r-- uc 0x4000 0x6000 vm.0 0x3000",
      "rw- wb 0x200000 0x202000 gone 0",
      "r-x wt 0x300000 0x301000 orphan 0",
      "rwx wb 0x400000 0x403000 fx 0",
      "--- wb 0x401000 0x402000",
    ]
  ) s.call(0, "write", map, b(`${line}\n`));
  const gdata = s.call(0, "open", "#g/gone/data", ORDWR);
  s.call(0, "remove", "#g/gone"); // lives on through the open data file and the map
  s.call(0, "remove", "#g/orphan"); // lives on in the map only
  s.call(0, "remove", "#g/fx"); // its pages go back to palloc
  s.call(0, "close", s.call(0, "create", "#g/fx2", OREAD, DMDIR | 0o777));
  s.put(0, "#g/fx2/ctl", "va 0x50000000 0x2000 fixed");
  s.get(0, "#g/fx2/ctl");
  s.get(0, "#X/0/map", 4096);
  s.call(0, "pread", gdata, 12, 0);
  s.call(0, "write", ctl, b("go pc=0x1000;sp=0x8000;"));
  s.get(0, "#X/0/wait");
  // vCPUs 1 and 2; 1 quits, 2's ctl goes with ORCLOSE: moribund.
  s.call(0, "open", "#X/clone", ORDWR);
  s.call(0, "open", "#X/clone", ORDWR);
  s.put(0, "#X/1/ctl", "quit");
  const rc = s.call(0, "open", "#X/2/ctl", ORDWR | ORCLOSE);
  s.call(0, "close", rc);
  s.get(0, "#X/2/status");
  s.get(0, "#X", 8192);
  // A second user: #X is refused, #g is shared.
  s.call(1, "proc", "other");
  s.call(1, "open", "#X/clone", ORDWR);
  const dir = s.call(1, "create", "#g/mine", OREAD | ORCLOSE, DMDIR | 0o777);
  s.put(1, "#g/mine/ctl", "va 0x60000000 0x1000");
  s.put(1, "#g/mine/ctl", "va 0x60000000 0x1000 sticky");
  s.call(1, "stat", "#g/mine/data");
  const top = s.call(1, "open", "#g", OREAD);
  s.call(1, "read", top, 8192);
  s.call(0, "remove", "#X/0/ctl"); // moribund now 0: 2 quits
  s.get(0, "#X", 8192);
  s.call(1, "close", dir);
  s.call(1, "read", top, 8192);
  s.call(1, "seek", top, 0, 0);
  s.call(1, "read", top, 8192);
  s.call(0, "open", "#X/clone", ORDWR); // slot 1 again
  s.get(0, "#X", 8192);
  s.put(0, "#X/0/map", "", OWRITE | OTRUNC);
  s.get(0, "#X/0/map", 4096);
  return s.ops;
}

/** Every suffix of `ops` from a restored snapshot gives what the uninterrupted run gave. */
function checkEveryCut(ops: readonly Op[], options: KernelOptions = {}): void {
  const full = runFresh(ops, options);
  for (let i = 0; i <= ops.length; i++) {
    const k = new Kernel(options);
    const procs = k.restore(structuredClone(full.snapshots[i]));
    deepEqual(k.snapshot(), full.snapshots[i], `snapshot after restore at ${i}`);
    const rest = runOps(k, procs, ops, i, full.outcomes);
    deepEqual(rest.outcomes, full.outcomes.slice(i), `outcomes from ${i}`);
    deepEqual(rest.notes, full.notes.slice(i), `notes from ${i}`);
  }
}

Deno.test("a guest session restored before any call goes on exactly as the uninterrupted one", () => {
  const ops = guestSession();
  const full = runFresh(ops, {});
  // The session does what it means to: spot checks of its outcomes.
  const texts = full.outcomes.map((o) =>
    "ok" in o && o.ok instanceof Uint8Array ? new TextDecoder().decode(o.ok) : ""
  );
  equal(texts.includes("*ack 32\n"), true);
  equal(texts.some((t) => t.startsWith("monitortrap ")), true);
  equal(texts.some((t) => t.startsWith("!entrystate ")), true);
  equal(texts.some((t) => t.startsWith("dead ")), true);
  checkEveryCut(ops);
});

Deno.test("a segment session restored before any call goes on exactly as the uninterrupted one", () => {
  checkEveryCut(segmentSession());
});

Deno.test("a restored kernel keeps orphaned segments, the moribund vCPU, fixed pages and descriptors", () => {
  const ops = segmentSession();
  const full = runFresh(ops, {});
  const at = ops.findIndex((op) => op.name === "remove" && op.args[0] === "#X/0/ctl");
  const s = full.snapshots[at] as Record<string, unknown>;
  equal(s.version, SNAPSHOT_VERSION);
  equal(s.moribund, 2);
  equal((s.vmxtab as unknown[]).length, 3);
  equal((s.vmxtab as unknown[])[1], null);
  // vm.0, gone, orphan, fx (mapped), fx2 and mine.
  const metas = (s.segments as { meta: { name: string } | null }[]).map((x) => x.meta?.name);
  deepEqual(metas.toSorted(), ["fx", "fx2", "gone", "mine", "orphan", "vm.0"]);
  // fx2 took fx's freed pages: the first run of palloc.
  deepEqual(s.pageref, [[0, 2]]);
  const procs = s.procs as { user: string; fds: unknown[][] }[];
  deepEqual(procs.map((p) => p.user), ["glenda", "other"]);
});

Deno.test("restore refuses other versions, other options and malformed records", () => {
  const snap = new Kernel().snapshot() as Record<string, unknown>;
  const k = new Kernel({ quantum: 5 });
  throws(
    () => k.restore(snap),
    new Error(
      'snapshot: taken with options {"eve":"glenda","quantum":1000000,"waitBudget":100000000,"rdrandSeed":0}, ' +
        'not {"eve":"glenda","quantum":5,"waitBudget":100000000,"rdrandSeed":0}',
    ),
  );
  throws(() => k.restore({ ...snap, version: 9 }), new Error("snapshot: version 9, not 2"));
  throws(() => k.restore(7), new Error("snapshot: snapshot is not a record"));
  const ok = new Kernel();
  throws(
    () => ok.restore({ ...snap, slots: [[0, 3]] }),
    new Error("snapshot: slot Globalseg 3 does not exist"),
  );
  throws(() => ok.restore({ ...snap, moribund: 0 }), new Error("snapshot: moribund slot is empty"));
  // A failed restore leaves the kernel as it was.
  const p = ok.process();
  p.close(p.create("#g/x", OREAD, DMDIR | 0o777));
  throws(() => ok.restore({ ...snap, procs: [{ user: 1 }] }));
  equal(p.stat("#g/x").name, "x");
});

/** Calls drawn for the property test; descriptors are small numbers, errors are welcome. */
const _CTL = [
  "go pc=0x1000;sp=0x8000;",
  "go pc=0x2000;",
  "go pc=0x1000;flags=0x202;",
  "step pc=0x2000;",
  "step",
  "go",
  "stop",
  "irq 32",
  "irq",
  "exc #ud",
  "exc #gp,0",
  "extrap 0x40",
  "extrap 0",
  "quit",
];
const _PATHS = [
  "#X/clone",
  "#X/0/ctl",
  "#X/0/wait",
  "#X/0/regs",
  "#X/0/map",
  "#X/0/fpregs",
  "#X/0/status",
  "#X/1/ctl",
  "#X/1/wait",
  "#X",
  "#g",
  "#g/a",
  "#g/a/ctl",
  "#g/a/data",
  "#g/vm.0/data",
];
const _TEXT = [
  ..._CTL,
  "va 0x20000000 0x2000 fixed",
  "va 0x30000000 0x2000 sticky",
  "rwx wb 0x0 0x100000 vm.0 0\n",
  "r-- uc 0x1000 0x2000 a 0\n",
  "--- wb 0x1000 0x3000\n",
  "pc 0x2000\nflags 0x202\n",
  "\x90\x90\xf4",
];

const _op = fc.oneof(
  fc.record({
    pid: fc.constant(0),
    name: fc.constant("write"),
    args: fc.tuple(fc.integer({ min: 3, max: 8 }), fc.constantFrom(..._TEXT).map(b)),
  }),
  fc.record({
    pid: fc.nat(1),
    name: fc.constant("open"),
    args: fc.tuple(
      fc.constantFrom(..._PATHS),
      fc.constantFrom(OREAD, OWRITE, ORDWR, OWRITE | OTRUNC, ORDWR | ORCLOSE),
    ),
  }),
  fc.record({
    pid: fc.nat(1),
    name: fc.constant("read"),
    args: fc.tuple(fc.integer({ min: 3, max: 8 }), fc.constantFrom(8, 512, 8192)),
  }),
  fc.record({
    pid: fc.nat(1),
    name: fc.constantFrom("close", "fstat"),
    args: fc.tuple(fc.integer({ min: 3, max: 8 })),
  }),
  fc.record({
    pid: fc.nat(1),
    name: fc.constant("create"),
    args: fc.tuple(
      fc.constant("#g/a"),
      fc.constantFrom(OREAD, OREAD | ORCLOSE),
      fc.constant(DMDIR | 0o777),
    ),
  }),
  fc.record({
    pid: fc.nat(1),
    name: fc.constant("remove"),
    args: fc.tuple(fc.constantFrom("#g/a", "#g/vm.0", "#X/0/ctl", "#X/1/ctl")),
  }),
  fc.record({
    pid: fc.constant(0),
    name: fc.constant("pwrite"),
    args: fc.tuple(
      fc.integer({ min: 3, max: 8 }),
      fc.constantFrom(..._TEXT).map(b),
      fc.constantFrom(0, 0x1000, 0x2000),
    ),
  }),
);

Deno.test("property: random sessions restored before any call go on exactly as uninterrupted", () => {
  const start = (() => {
    const s = new _Script();
    _boot(s);
    s.call(1, "proc", "other");
    return s.ops;
  })();
  fc.assert(
    fc.property(fc.array(_op, { maxLength: 30 }), (drawn) => {
      checkEveryCut([...start, ...(drawn as Op[])], { quantum: 50, waitBudget: 2000 });
    }),
    { seed: 0x5eed, numRuns: 40 },
  );
});
