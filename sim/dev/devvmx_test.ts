import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { Kernel, type KernelOptions } from "../mod.ts";
import {
  type Dir,
  dirread,
  DMDIR,
  OEXEC,
  ORCLOSE,
  ORDWR,
  OREAD,
  OTRUNC,
  OWRITE,
  type Syscalls,
} from "../ns/mod.ts";
import { CR0KERNEL, CR4KERNEL, FPSAVE_SIZE, HOST, newfpsave } from "../vmx/mod.ts";
import { rejects } from "../testdata/planerror.ts";
import { readOnce as cat, writeOnce as echo } from "../testdata/files.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A kernel, a process of the host owner (glenda) and one of another user (bob). */
function setup(opts: KernelOptions = {}) {
  const k = new Kernel(opts);
  return { k, p: k.process(), bob: k.process("bob") };
}

/** Open #X/clone for reading and writing: the new vCPU's ctl. */
function clone(p: Syscalls, mode = ORDWR): number {
  return p.open("#X/clone", mode);
}

/** The names a directory lists. */
function ls(p: Syscalls, path: string): string[] {
  const fd = p.open(path, OREAD);
  try {
    return dirread(p, fd).map((d) => d.name);
  } finally {
    p.close(fd);
  }
}

/** One register from a regs text. */
function regval(text: string, name: string): string {
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  if (line === undefined) throw new Error(`no ${name} in regs`);
  return line.slice(name.length + 1);
}

/** Read one register of vCPU 0 and write one regs line. */
function regs0(p: Syscalls): { get(r: string): string; set(line: string): number } {
  return {
    get: (r) => regval(cat(p, "#X/0/regs"), r),
    set: (line) => echo(p, "#X/0/regs", line + "\n"),
  };
}

/** A sticky segment vm.0 of `len` bytes (va 0x10000000). */
function segment(p: Syscalls, name = "vm.0", va = "0x10000000 0x100000 sticky"): void {
  p.close(p.create(`#g/${name}`, OREAD, DMDIR | 0o777));
  echo(p, `#g/${name}/ctl`, `va ${va}`);
}

function dir(name: string, path: number, mode: number, qtype = 0): Dir {
  return {
    type: 0x58,
    dev: 0,
    qid: { path, vers: 0, type: qtype },
    mode: mode >>> 0,
    atime: 0,
    mtime: 0,
    length: 0,
    name,
    uid: "glenda",
    gid: "glenda",
    muid: "glenda",
  };
}

// Namespace.

Deno.test("#X lists clone and one directory per live vCPU, by index, lowest free index first", () => {
  const { p } = setup();
  assertEquals(ls(p, "#X"), ["clone"]);
  const c0 = clone(p), c1 = clone(p), c2 = clone(p);
  assertEquals([c0, c1, c2].map((fd) => dec(p.read(fd, 20))), ["0", "1", "2"]);
  assertEquals(ls(p, "#X"), ["clone", "0", "1", "2"]);
  p.write(c1, enc("quit"));
  assertEquals(ls(p, "#X"), ["clone", "0", "2"]);
  const again = clone(p);
  equal(dec(p.read(again, 20)), "1");
  p.write(c0, enc("quit"));
  p.write(again, enc("quit"));
  p.write(c2, enc("quit"));
  assertEquals(ls(p, "#X"), ["clone"]);
  equal(dec(p.read(clone(p), 20)), "0");
});

Deno.test("stat: exact entries for #X, clone, a vCPU directory and each of its files", () => {
  const { p } = setup();
  clone(p);
  assertEquals(p.stat("#X"), dir("#X", 0, DMDIR | 0o555, 0x80));
  assertEquals(p.stat("#X/clone"), dir("clone", 1, 0o444));
  assertEquals(p.stat("#X/0"), dir("0", 0x100, DMDIR | 0o555, 0x80));
  const files: [string, number][] = [
    ["ctl", 0o660],
    ["regs", 0o660],
    ["status", 0o440],
    ["map", 0o660],
    ["wait", 0o440],
    ["fpregs", 0o660],
  ];
  assertEquals(ls(p, "#X/0"), files.map(([n]) => n));
  files.forEach(([name, mode], i) => {
    assertEquals(p.stat(`#X/0/${name}`), dir(name, 0x101 + i, mode));
  });
});

Deno.test("opening clone makes the vCPU and becomes its ctl: fstat has ctl's qid under the name clone", () => {
  const { p } = setup();
  clone(p);
  const fd = clone(p);
  assertEquals(p.fstat(fd), dir("clone", 0x201, 0o660));
  // ctl reads as the index without a newline, readstr-style at any offset.
  for (let i = 0; i < 10; i++) clone(p);
  const c11 = clone(p);
  equal(dec(p.pread(c11, 20, 0)), "12");
  equal(dec(p.pread(c11, 1, 1)), "2");
  equal(dec(p.pread(c11, 20, 2)), "");
  equal(dec(p.read(c11, 1)), "1");
  equal(dec(p.read(c11, 5)), "2");
});

Deno.test("open errors carry the name as namec shows them", () => {
  const { p } = setup();
  rejects(() => p.open("#X/0/ctl", OREAD), "file does not exist: '#X/0'");
  clone(p);
  rejects(() => p.open("#X/0/nosuch", OREAD), "file does not exist: '#X/0/nosuch'");
  rejects(() => p.open("#X/0/status", OWRITE), "permission denied: '#X/0/status'");
  rejects(() => p.open("#X/0/wait", ORDWR), "permission denied: '#X/0/wait'");
  rejects(() => p.open("#X/0/regs", OEXEC), "permission denied: '#X/0/regs'");
  // A name of no elements is shown by no one (namec's e.nerror == 0).
  rejects(() => p.open("#X", OWRITE), "permission denied");
  rejects(() => p.open("#X/0", ORDWR), "permission denied: '#X/0'");
  // devcreate.
  rejects(() => p.create("#X/new", OREAD, 0o666), "permission denied: '#X/new'");
  rejects(() => p.create("#X/0/new", OREAD, DMDIR | 0o777), "permission denied: '#X/0/new'");
});

Deno.test("clone opened OEXEC: the vCPU is made, then devopen refuses ctl's 0660", () => {
  const { p } = setup();
  rejects(() => p.open("#X/clone", OEXEC), "permission denied: '#X/clone'");
  assertEquals(ls(p, "#X"), ["clone", "0"]);
  equal(cat(p, "#X/0/status"), "ready\n");
  // clone itself is 0444 but is never checked: its qid is ctl's by then.
  equal(dec(p.read(clone(p, OREAD | OTRUNC), 5)), "1");
});

Deno.test("another user may list #X and a vCPU directory but open nothing else", () => {
  const { p, bob } = setup();
  rejects(() => bob.open("#X/clone", OREAD), "permission denied: '#X/clone'");
  assertEquals(ls(bob, "#X"), ["clone"]);
  clone(p);
  assertEquals(ls(bob, "#X"), ["clone", "0"]);
  assertEquals(ls(bob, "#X/0"), ["ctl", "regs", "status", "map", "wait", "fpregs"]);
  for (const f of ["ctl", "regs", "status", "map", "wait", "fpregs"]) {
    rejects(() => bob.open(`#X/0/${f}`, OREAD), `permission denied: '#X/0/${f}'`);
  }
  assertEquals(bob.stat("#X/0/regs"), dir("regs", 0x102, 0o660));
  // vmxremove checks no permission: bob can make glenda's vCPU moribund.
  bob.remove("#X/0/ctl");
  clone(p);
  bob.remove("#X/1/ctl");
  assertEquals(ls(p, "#X"), ["clone", "1"]);
});

Deno.test("after quit, old descriptors and names find nothing; a reused slot answers old descriptors", () => {
  const { p } = setup();
  const ctl = clone(p);
  const st = p.open("#X/0/status", OREAD);
  p.write(ctl, enc("quit"));
  rejects(() => p.read(st, 100), "file does not exist");
  rejects(() => p.read(ctl, 100), "file does not exist");
  rejects(() => p.write(ctl, enc("go")), "file does not exist");
  rejects(() => p.open("#X/0/status", OREAD), "file does not exist: '#X/0'");
  rejects(() => p.stat("#X/0"), "file does not exist: '#X/0'");
  // vmxstat asks vmxgen, which lists a slot's files whether or not it is live.
  assertEquals(p.fstat(st), dir("status", 0x103, 0o440));
  // devvmx finds a vCPU by slot: the next clone takes slot 0 and the old fds reach it.
  const ctl2 = clone(p);
  p.write(ctl2, enc("stop"));
  equal(dec(p.pread(st, 100, 0)), "ready\n");
  p.write(ctl, enc("quit"));
  rejects(() => p.read(ctl2, 10), "file does not exist");
});

Deno.test("remove: only a vCPU's ctl; it lingers as the moribund one until the next removal", () => {
  const { p } = setup();
  clone(p);
  clone(p);
  rejects(() => p.remove("#X/0/regs"), "permission denied");
  rejects(() => p.remove("#X/0"), "permission denied");
  rejects(() => p.remove("#X/clone"), "permission denied");
  rejects(() => p.remove("#X"), "permission denied");
  rejects(() => p.remove("#X/7/ctl"), "file does not exist: '#X/7'");
  p.remove("#X/0/ctl");
  assertEquals(ls(p, "#X"), ["clone", "0", "1"]);
  equal(cat(p, "#X/0/status"), "ready\n");
  p.remove("#X/1/ctl");
  assertEquals(ls(p, "#X"), ["clone", "1"]);
  // Removing the moribund one's ctl again quits it.
  p.remove("#X/1/ctl");
  assertEquals(ls(p, "#X"), ["clone"]);
});

Deno.test("ORCLOSE on ctl, as vmx(1) opens it: closing makes the vCPU moribund", () => {
  const { p } = setup();
  const a = clone(p, ORDWR | ORCLOSE);
  const b = clone(p, ORDWR | ORCLOSE);
  p.close(a);
  assertEquals(ls(p, "#X"), ["clone", "0", "1"]);
  p.close(b);
  assertEquals(ls(p, "#X"), ["clone", "1"]);
  // ORCLOSE on another file: vmxremove refuses, and close drops the error.
  const r = p.open("#X/1/regs", OREAD | ORCLOSE);
  p.close(r);
  assertEquals(ls(p, "#X"), ["clone", "1"]);
});

// ctl.

Deno.test("ctl: lookupcmd's errors, %q-quoted fields", () => {
  const { p } = setup();
  const ctl = clone(p);
  const w = (s: string) => p.write(ctl, enc(s));
  rejects(() => w(""), "empty control message");
  rejects(() => w("\n"), "empty control message");
  rejects(() => w(" \t "), "empty control message");
  rejects(() => w("fly"), 'unknown control message "fly"');
  rejects(
    () => w("fly 'to the' '' 'moon''s'\n"),
    `unknown control message "fly 'to the' '' 'moon''s'"`,
  );
  // tokenize: a quote inside a word quotes to its match (or the end).
  rejects(() => w("fly moon's x"), `unknown control message "fly 'moons x'"`);
  rejects(() => w("GO"), 'unknown control message "GO"');
  for (
    const [msg, shown] of [
      ["quit now", "quit now"],
      ["stop 1", "stop 1"],
      ["exc", "exc"],
      ["exc #gp 1", "exc #gp 1"],
      ["extrap", "extrap"],
      ["extrap 1 2\n", "extrap 1 2"],
    ]
  ) {
    rejects(() => w(msg), `wrong #args in control message "${shown}"`);
  }
  rejects(() => w("go a b"), "bad arg in system call");
  rejects(() => w("step pc=1; sp=2;"), "bad arg in system call");
  equal(cat(p, "#X/0/status"), "ready\n");
});

Deno.test("ctl: a write returns its whole count; the trailing newline is dropped, text after NUL ignored", () => {
  const { p } = setup();
  const ctl = clone(p);
  equal(p.write(ctl, enc("stop\n")), 5);
  equal(p.write(ctl, enc("stop\0junk")), 9);
  equal(p.write(ctl, enc("extrap '0x40002'")), 16);
});

Deno.test("extrap: a C number, whole, else bad arg in system call", () => {
  const { p } = setup();
  const ctl = clone(p);
  for (const bad of ["x", "''", "0x", "12abc", "1.5", "0x1g"]) {
    rejects(() => p.write(ctl, enc(`extrap ${bad}`)), "bad arg in system call");
  }
  for (const ok of ["0x40002", "0", "' 7'", "-1", "0777", "99999999999"]) {
    p.write(ctl, enc(`extrap ${ok}`));
  }
});

Deno.test("go and step: only from ready; stop: from ready or running", () => {
  const { p } = setup();
  const ctl = clone(p);
  // Without a map the first instruction fetch is an EPT violation: a reported exit.
  p.write(ctl, enc("go"));
  equal(cat(p, "#X/0/wait"), "eptfault 0x184 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 va 0x0 pa 0x0\n");
  p.write(ctl, enc("step"));
  equal(cat(p, "#X/0/status"), "running\n");
  // A dead vCPU: an injection VM entry refuses.
  p.write(ctl, enc("exc #gp"));
  p.write(ctl, enc("stop"));
  p.write(ctl, enc("go"));
  rejects(() => p.write(ctl, enc("go")), "VM not ready");
  rejects(() => p.write(ctl, enc("step")), "VM not ready");
  rejects(() => p.write(ctl, enc("stop")), "VM not ready or running");
  equal(cat(p, "#X/0/status"), "dead 'vmlaunch failed'\n");
  // quit still works.
  p.write(ctl, enc("quit"));
  assertEquals(ls(p, "#X"), ["clone"]);
});

Deno.test("go REGS: name=value; items; the last without ';' ignored; errors keep the vCPU ready", () => {
  const { p } = setup();
  const ctl = clone(p);
  const regs = () => cat(p, "#X/0/regs");
  rejects(() => p.write(ctl, enc("go pc=0x10;sp=0x20;bx=1=2;")), "number of fields wrong");
  equal(regval(regs(), "pc"), "0x0000000000000010");
  equal(regval(regs(), "sp"), "0x0000000000000020");
  rejects(() => p.write(ctl, enc("go 'pc=0x30; sp=0x40;'")), "unknown register");
  equal(regval(regs(), "pc"), "0x0000000000000030");
  rejects(() => p.write(ctl, enc("go cx=zz;")), "invalid value");
  rejects(() => p.write(ctl, enc("step =1;")), "number of fields wrong");
  equal(cat(p, "#X/0/status"), "ready\n");
  // getfields with runs of separators as one: ";;" is an empty item, skipped,
  // and "cx==3=" is two fields; "dx=4" has no ';' and is not applied.
  p.write(ctl, enc("go ax=1;;bx=2;cx==3=;dx=4"));
  const t = regs();
  assertEquals(["ax", "bx", "cx", "dx"].map((r) => regval(t, r).slice(-1)), ["1", "2", "3", "0"]);
});

// regs.

Deno.test("regs of a new vCPU: the golden text (see testdata/README.md)", () => {
  const { p } = setup();
  clone(p);
  const golden = Deno.readTextFileSync(new URL("./testdata/regs_new.txt", import.meta.url));
  equal(cat(p, "#X/0/regs"), golden);
  // The host-dependent rows, from the modeled host's registers.
  equal(
    regval(golden, "cr0real"),
    "0x" + (HOST.cr0 & CR0KERNEL | 0x31n).toString(16).padStart(16, "0"),
  );
  equal(regval(golden, "cr4real"), "0x" + (HOST.cr4 & CR4KERNEL).toString(16).padStart(16, "0"));
  equal(regval(golden, "xcr0"), "0x" + (HOST.xcr0 & 1n).toString(16).padStart(16, "0"));
});

Deno.test("regs reads regenerate only at offset 0, from a per-channel buffer", () => {
  const { p } = setup();
  clone(p);
  const a = p.open("#X/0/regs", OREAD);
  // A fresh channel's buffer is empty.
  equal(dec(p.pread(a, 100, 5)), "");
  equal(dec(p.read(a, 3)), "pc ");
  echo(p, "#X/0/regs", "pc 0x1234\n");
  // Not offset 0: still the old text.
  equal(dec(p.read(a, 18)), "0x0000000000000000");
  equal(dec(p.pread(a, 21, 0)), "pc 0x0000000000001234");
  const b = p.open("#X/0/regs", OREAD);
  echo(p, "#X/0/regs", "pc 0x5678\n");
  equal(dec(p.pread(b, 21, 0)), "pc 0x0000000000005678");
  equal(dec(p.pread(a, 4, 17)), "1234");
  equal(p.pread(a, 100, 1826).length, 0);
  // readstr takes the offset as a ulong: 2^32 reads the buffer from its start, not regenerated.
  equal(dec(p.pread(a, 21, 2 ** 32)), "pc 0x0000000000001234");
});

Deno.test("regs writes: lines, counts, partial application, the ignored last line", () => {
  const { p } = setup();
  clone(p);
  const regs = () => cat(p, "#X/0/regs");
  equal(echo(p, "#X/0/regs", "pc 0x1000\n"), 10);
  equal(echo(p, "#X/0/regs", "pc 1\nsp 2"), 5);
  equal(regval(regs(), "sp"), "0x0000000000000000");
  equal(echo(p, "#X/0/regs", "\n\n  \n\tax\t  0x41 \nbx 2\nno newline"), 22);
  assertEquals([regval(regs(), "ax"), regval(regs(), "bx")], [
    "0x0000000000000041",
    "0x0000000000000002",
  ]);
  equal(echo(p, "#X/0/regs", ""), 0);
  // Text after a NUL is not seen.
  equal(echo(p, "#X/0/regs", "cx 7\n\0dx 8\n"), 5);
  equal(regval(regs(), "dx"), "0x0000000000000000");
  const errs: [string, string][] = [
    ["pc\n", "number of fields wrong"],
    ["pc 1 2\n", "number of fields wrong"],
    ["a b c d e f g h i j k l\n", "number of fields wrong"],
    ["rip 1\n", "unknown register"],
    ["PC 1\n", "unknown register"],
    ["pc x\n", "invalid value"],
    ["pc 0x\n", "invalid value"],
    ["pc 08\n", "invalid value"],
    ["pc 1k\n", "invalid value"],
    ["pc ''\n", "invalid value"],
  ];
  for (const [s, err] of errs) rejects(() => echo(p, "#X/0/regs", s), err);
  // Lines before the bad one stay applied, those after are not.
  rejects(() => echo(p, "#X/0/regs", "si 5\nbad 1\ndi 6\n"), "unknown register");
  assertEquals([regval(regs(), "si"), regval(regs(), "di")], [
    "0x0000000000000005",
    "0x0000000000000000",
  ]);
  // C number syntax: octal, hex, decimal, a sign, blanks before it.
  echo(p, "#X/0/regs", "r8 010\nr9 -1\nr10 0XfF\nr11 18446744073709551616\n");
  const t = regs();
  assertEquals(["r8", "r9", "r10", "r11"].map((r) => regval(t, r)), [
    "0x0000000000000008",
    "0xffffffffffffffff",
    "0x00000000000000ff",
    "0xffffffffffffffff",
  ]);
});

Deno.test("regs writes are cut to the field's width", () => {
  const { p } = setup();
  clone(p);
  echo(
    p,
    "#X/0/regs",
    "cs 0x12345\ncslimit 0x123456789\ngdtrlimit 0x1ffffffff\nidtrbase 0xffffffffffffffff\n" +
      "pat 0x1122334455667788\ndr0 0x8000000000000001\ncr3 0xabcdef0123\n",
  );
  const t = cat(p, "#X/0/regs");
  assertEquals(
    ["cs", "cslimit", "gdtrlimit", "idtrbase", "pat", "dr0", "cr3"].map((r) => regval(t, r)),
    [
      "0x2345",
      "0x23456789",
      "0xffffffff",
      "0xffffffffffffffff",
      "0x1122334455667788",
      "0x8000000000000001",
      "0x000000abcdef0123",
    ],
  );
});

Deno.test("regs: read-only exit rows accept any write and keep their values", () => {
  const { p } = setup();
  clone(p);
  const rows = [
    "instructionerror",
    "exitreason",
    "exitqualification",
    "exitinterruptinfo",
    "exitinterruptcode",
    "exitinstructionlen",
    "exitinstructioninfo",
    "exitva",
    "exitpa",
    "idtinterruptinfo",
    "idtinterruptcode",
  ];
  const s = rows.map((r) => `${r} junk\n`).join("");
  equal(echo(p, "#X/0/regs", s), s.length);
  const golden = Deno.readTextFileSync(new URL("./testdata/regs_new.txt", import.meta.url));
  equal(cat(p, "#X/0/regs"), golden);
});

Deno.test("regs: kernel-owned CR0/CR4 bits, the masks, the fake (shadow) rows", () => {
  const { p } = setup();
  clone(p);
  const { get, set } = regs0(p);
  set("cr0real 0");
  equal(get("cr0real"), "0x0000000000000030");
  set("cr0real 0xffffffffffffffff");
  // The guest's bits are ~CR0KERNEL = 0xe005000f.
  equal(get("cr0real"), "0x00000000e005003f");
  set("cr0mask 0");
  equal(get("cr0mask"), "0xffffffff1ffafff0");
  set("cr4real 0");
  equal(get("cr4real"), "0x0000000000002040");
  set("cr4real 0x20");
  equal(get("cr4real"), "0x0000000000002060");
  set("cr4mask 0x1");
  equal(get("cr4mask"), "0xffffffffffc8f041");
  // cr4fake: real & ~mask | shadow & mask; bit 0 is now the shadow's.
  equal(get("cr4fake"), "0x0000000000000060");
  set("cr4fake 0x1");
  equal(get("cr4fake"), "0x0000000000000021");
  set("cr0real 0x31");
  set("cr0fake 0");
  // Only the masked bits come from the shadow: PE stays the guest's.
  equal(get("cr0fake"), "0x0000000000000001");
  set("cr0fake 0xffffffffffffffff");
  equal(get("cr0fake"), "0xffffffff1ffafff1");
});

Deno.test("regs: efer and cr0real recompute EFER.LMA; dr6/dr7 keep 32 bits; xcr0 has x87 and the host's bits", () => {
  const { p } = setup();
  clone(p);
  const { get, set } = regs0(p);
  set("efer 0x400");
  equal(get("efer"), "0x0000000000000000");
  set("efer 0x100");
  equal(get("efer"), "0x0000000000000100");
  set("cr0real 0x80000011");
  equal(get("efer"), "0x0000000000000500");
  set("cr0real 0x11");
  equal(get("efer"), "0x0000000000000100");
  set("efer 0xffffffffffffffff");
  equal(get("efer"), "0xfffffffffffffbff");
  set("dr7 0x1234567800000400");
  set("dr6 0xffffffffffff0ff0");
  assertEquals([get("dr7"), get("dr6")], ["0x0000000000000400", "0x00000000ffff0ff0"]);
  for (const [v, want] of [["0", "1"], ["6", "7"], ["0xff", "7"], ["2", "3"]]) {
    set(`xcr0 ${v}`);
    equal(get("xcr0"), `0x000000000000000${want}`);
  }
});

Deno.test("regs: LME with paging turns on the IA-32e entry control: a guest without PAE fails entry", () => {
  const { p } = setup();
  const ctl = clone(p);
  echo(p, "#X/0/regs", "efer 0x100\ncr0real 0x80000031\n");
  p.write(ctl, enc("go"));
  equal(cat(p, "#X/0/wait"), "!entrystate 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
});

// map.

Deno.test("map through #X: OTRUNC clears, plain opens append, counts and the ignored last line", () => {
  const { p } = setup();
  clone(p);
  segment(p);
  equal(cat(p, "#X/0/map"), "");
  const line = "rwx wb 0x0 0xa0000 vm.0 0\n";
  equal(
    echo(p, "#X/0/map", line + "r-- uc! 0xc0000 0xc1000 vm.0 0xc0000\nr-x wb 0x100000 0x1"),
    63,
  );
  equal(
    cat(p, "#X/0/map"),
    "rwx wb 0x0 0xa0000 vm.0 0x0\nr-- uc! 0xc0000 0xc1000 vm.0 0xc0000\n",
  );
  // A line that continues the same segment at the next offset merges.
  equal(echo(p, "#X/0/map", "rw- wt 0xa0000 0xc0000 vm.0 0xa0000\n"), 36);
  equal(cat(p, "#X/0/map"), "rwx wb 0x0 0xc1000 vm.0 0x0\n");
  // An all-'-' line of four fields unmaps, splitting the piece.
  equal(echo(p, "#X/0/map", "--- wb 0x1000 0x2000\n"), 21);
  equal(cat(p, "#X/0/map"), "rwx wb 0x0 0x1000 vm.0 0x0\nrwx wb 0x2000 0xc1000 vm.0 0x2000\n");
  equal(echo(p, "#X/0/map", "r-x 07 0x0 0x1000 vm.0 0x1000\n", OTRUNC), 30);
  equal(cat(p, "#X/0/map"), "r-x 07 0x0 0x1000 vm.0 0x1000\n");
  const fd = p.open("#X/0/map", OREAD | OTRUNC);
  equal(dec(p.read(fd, 100)), "");
});

Deno.test("map reads regenerate only at offset 0, per channel", () => {
  const { p } = setup();
  clone(p);
  segment(p);
  const fd = p.open("#X/0/map", ORDWR);
  equal(dec(p.pread(fd, 100, 1)), "");
  p.write(fd, enc("rw- wb 0x0 0x1000 vm.0 0\n"));
  equal(dec(p.pread(fd, 100, 1)), "");
  equal(dec(p.pread(fd, 3, 0)), "rw-");
  echo(p, "#X/0/map", "", OTRUNC);
  equal(dec(p.pread(fd, 100, 3)), " wb 0x0 0x1000 vm.0 0x0\n");
  equal(dec(p.pread(fd, 100, 0)), "");
});

Deno.test("map errors, in devvmx's order; lines before a bad one stay", () => {
  const { p } = setup();
  clone(p);
  segment(p);
  segment(p, "plain", "0x20000000 0x10000");
  p.close(p.create("#g/nova", OREAD, DMDIR | 0o777));
  segment(p, "fixed", "0x30000000 0x2000 fixed 0");
  const errs: [string, string][] = [
    ["rwx wb 0 0x1000\n", "number of fields wrong"],
    ["rwx wb 0 0x1000 vm.0\n", "number of fields wrong"],
    ["r wb 0\n", "number of fields wrong"],
    ["rwx wb 0 0x1000 vm.0 0 0\n", "number of fields wrong"],
    ["rr- wb 0 0x1000 vm.0 0\n", "invalid access field"],
    ["rwa wb 0 0x1000 vm.0 0\n", "invalid access field"],
    ["--- wb 0 0x1000 vm.0\n", "number of fields wrong"],
    ["rwx wx 0 0x1000 vm.0 0\n", "invalid memory type"],
    ["rwx wbx 0 0x1000 vm.0 0\n", "invalid memory type"],
    ["rwx wb!! 0 0x1000 vm.0 0\n", "invalid memory type"],
    ["rwx w 0 0x1000 vm.0 0\n", "invalid memory type"],
    ["rwx wb 0x10 0x1000 vm.0 0\n", "invalid low guest physical address"],
    ["rwx wb 0x1000000000000 0x1000 vm.0 0\n", "invalid low guest physical address"],
    ["rwx wb 0x0z 0x1000 vm.0 0\n", "invalid low guest physical address"],
    ["rwx wb 0x1000 0x1000 vm.0 0\n", "invalid high guest physical address"],
    ["rwx wb 0x1000 0x1800 vm.0 0\n", "invalid high guest physical address"],
    ["rwx wb 0 0x1000 vm.9 0\n", "no such segment"],
    ["rwx wb 0 0x1000 nova 0\n", "global segment not assigned a virtual address"],
    ["rwx wb 0 0x101000 vm.0 0\n", "out of bounds"],
    ["rwx wb 0 0x1000 vm.0 0x10\n", "invalid offset"],
    ["rwx wb 0 0x1000 vm.0 x\n", "invalid offset"],
    // The size check ignores the offset; epttranslate's does not (Egreg).
    ["rwx wb 0 0x100000 vm.0 0x1000\n", "the front fell off"],
    // A plain shared segment is not sticky or fixed.
    ["rwx wb 0 0x1000 plain 0\n", "the front fell off"],
  ];
  for (const [s, err] of errs) rejects(() => echo(p, "#X/0/map", s), err);
  equal(cat(p, "#X/0/map"), "");
  rejects(
    () => echo(p, "#X/0/map", "rw- wb 0 0x1000 fixed 0\nr-- 02 0x1000 0x2000 fixed 0x1000\nx 0\n"),
    "number of fields wrong",
  );
  // The two good lines merge: same segment, consecutive offsets (attributes are not compared).
  equal(cat(p, "#X/0/map"), "rw- wb 0x0 0x2000 fixed 0x0\n");
});

Deno.test("map: segment names are compared as bytes, so UTF-8 names work", () => {
  const { p } = setup();
  clone(p);
  segment(p, "vm\u00e9", "0x10000000 0x2000 sticky");
  p.close(p.create("#g/\u00e9t\u00e9", OREAD, DMDIR | 0o777));
  rejects(
    () => echo(p, "#X/0/map", "rwx wb 0 0x1000 \u00e9t\u00e9 0\n"),
    "global segment not assigned a virtual address",
  );
  // Counts are bytes: é is two.
  equal(echo(p, "#X/0/map", "rwx wb 0 0x1000 vm\u00e9 0x1000\n"), 28);
  equal(cat(p, "#X/0/map"), "rwx wb 0x0 0x1000 vm\u00e9 0x1000\n");
  // Bytes that are not UTF-8 name no segment.
  const fd = p.open("#X/0/map", OWRITE);
  rejects(
    () => p.write(fd, new Uint8Array([...enc("rwx wb 0 0x1000 vm"), 0xe9, ...enc(" 0\n")])),
    "no such segment",
  );
});

// fpregs.

Deno.test("fpregs: 832 bytes of FPsave as vmcsinit's fpinit left them, reads clipped", () => {
  const { p } = setup();
  clone(p);
  const fd = p.open("#X/0/fpregs", ORDWR);
  const all = p.pread(fd, 5000, 0);
  equal(all.length, FPSAVE_SIZE);
  assertEquals(all, newfpsave(HOST.mxcsrMask));
  assertEquals(p.pread(fd, 4, 24), new Uint8Array([0x00, 0x19, 0x00, 0x00]));
  equal(p.pread(fd, 100, 800).length, 32);
  equal(p.pread(fd, 10, 832).length, 0);
  equal(p.pread(fd, 10, 2 ** 40).length, 0);
  equal(p.pread(fd, 0, 0).length, 0);
});

Deno.test("fpregs writes: whole, clipped at 832, and cmdsetfpregs's size - n", () => {
  const { p } = setup();
  clone(p);
  const fd = p.open("#X/0/fpregs", ORDWR);
  const fill = (n: number, b: number) => new Uint8Array(n).fill(b);
  equal(p.pwrite(fd, fill(832, 1), 0), 832);
  assertEquals(p.pread(fd, 832, 0), fill(832, 1));
  // vmxwrite cuts the count to sizeof(FPsave) first.
  equal(p.pwrite(fd, fill(1000, 2), 0), 832);
  assertEquals(p.pread(fd, 832, 0), fill(832, 2));
  equal(p.pwrite(fd, fill(10, 3), 100), 10);
  // Past the end cmdsetfpregs copies sizeof(FPsave) - n bytes (not - off):
  // 500 bytes at 400 write 332 bytes, 400..731.
  equal(p.pwrite(fd, fill(500, 4), 400), 332);
  const b = p.pread(fd, 832, 0);
  assertEquals([b[99], b[100], b[109], b[110], b[399], b[400], b[731], b[732]], [
    2,
    3,
    3,
    2,
    2,
    4,
    4,
    2,
  ]);
  equal(p.pwrite(fd, fill(832, 5), 1), 0);
  equal(p.pwrite(fd, fill(10, 5), 832), 0);
  equal(p.pwrite(fd, fill(10, 5), 900), 0);
  equal(p.pwrite(fd, fill(0, 5), 0), 0);
  assertEquals(p.pread(fd, 832, 0), b);
  equal(cat(p, "#X/0/status"), "ready\n");
});

Deno.test("fpregs: a write whose size - n runs past FPsave is not modeled: the vCPU dies", () => {
  const { p } = setup();
  clone(p);
  const fd = p.open("#X/0/fpregs", ORDWR);
  // 100 bytes at 800: devvmx would copy 732 bytes from 800, 700 of them past FPsave.
  equal(p.pwrite(fd, new Uint8Array(100).fill(9), 800), 732);
  equal(
    cat(p, "#X/0/status"),
    "dead 'unimplemented: fpregs write of 100 bytes at 800 overruns FPsave by 700 bytes'\n",
  );
  assertEquals(
    p.pread(fd, 40, 792),
    new Uint8Array([...new Uint8Array(8), ...new Uint8Array(32).fill(9)]),
  );
});

Deno.test("fpregs around a VM entry: XSAVEOPT rewrites MXCSR_MASK; an image XRSTOR refuses is not modeled", () => {
  const { p } = setup();
  const ctl = clone(p);
  const fd = p.open("#X/0/fpregs", ORDWR);
  p.pwrite(fd, new Uint8Array(4), 28);
  assertEquals(p.pread(fd, 4, 28), new Uint8Array(4));
  // No map: the entry ends at once in an EPT violation.
  p.write(ctl, enc("go"));
  cat(p, "#X/0/wait");
  assertEquals(p.pread(fd, 4, 28), new Uint8Array([0xff, 0xff, 0, 0]));
  // MXCSR bit 16 is reserved: XRSTOR would #GP in the kernel.
  p.pwrite(fd, new Uint8Array([1]), 26);
  p.write(ctl, enc("go"));
  cat(p, "#X/0/regs");
  equal(
    cat(p, "#X/0/status"),
    "dead 'unimplemented: XRSTOR of fpregs: #GP (reserved MXCSR bit), a kernel panic'\n",
  );
});

Deno.test("xcr0 with AVX but not SSE makes vmxproc's XSETBV fault: not modeled, the vCPU dies", () => {
  const { p } = setup();
  const ctl = clone(p);
  echo(p, "#X/0/regs", "xcr0 4\n");
  equal(regval(cat(p, "#X/0/regs"), "xcr0"), "0x0000000000000005");
  p.write(ctl, enc("go"));
  cat(p, "#X/0/regs");
  equal(cat(p, "#X/0/status"), "dead 'unimplemented: XSETBV of xcr0 0x5: #GP, a kernel panic'\n");
});

// status.

// init and ending are never seen: vmxnew returns once the kproc made the vCPU
// ready, and quit frees the slot before anyone can read its status again.
Deno.test("status: ready, running, dead with the error %#q-quoted; read at offsets", () => {
  const { p } = setup({ quantum: 10 });
  const ctl = clone(p);
  const st = p.open("#X/0/status", OREAD);
  equal(dec(p.read(st, 3)), "rea");
  equal(dec(p.read(st, 100)), "dy\n");
  equal(dec(p.read(st, 100)), "");
  // A guest that loops (jmp $) in a mapped page.
  segment(p);
  const seg = p.open("#g/vm.0/data", OWRITE);
  p.pwrite(seg, new Uint8Array([0xeb, 0xfe]), 0);
  echo(p, "#X/0/map", "rwx wb 0 0x1000 vm.0 0\n");
  p.write(ctl, enc("go"));
  equal(dec(p.pread(st, 100, 0)), "running\n");
  p.write(ctl, enc("stop"));
  p.write(ctl, enc("exc #gp"));
  p.write(ctl, enc("go"));
  equal(dec(p.pread(st, 100, 0)), "running\n");
  // The kproc takes the next command after the failed entry.
  cat(p, "#X/0/regs");
  equal(dec(p.pread(st, 100, 0)), "dead 'vmlaunch failed'\n");
  equal(dec(p.pread(st, 6, 5)), "'vmlau");
});
