// A changed simulator is caught by replaying the corpus, with a report a
// person can act on: the event, the call, expected and actual outcome (or
// annotation), and the events before it.

import { equal } from "node:assert/strict";
import { ROOT } from "../corpus/mod.ts";
import { Kernel, type KernelOptions, type Syscalls } from "../sim/mod.ts";
import { Field } from "../sim/cpu/mod.ts";
import {
  type Backend,
  type BackendFactory,
  replayMain,
  type TraceHeader,
  vmxsimBackend,
} from "../trace/mod.ts";

const EXITS = "corpus/vmxsim/exits.trace";

/** A simulator whose processes pass through `wrap`, given the kernel. */
function altered(wrap: (k: Kernel, p: Syscalls) => Syscalls): BackendFactory {
  return (header: TraceHeader): Backend => {
    const k = new Kernel((header.backend.config as { options: KernelOptions }).options);
    const b = vmxsimBackend(k);
    return { ...b, process: (user) => wrap(k, b.process(user)) };
  };
}

/** `p` with `name` replaced by `f`, everything else passed through. */
function patch<K extends keyof Syscalls>(p: Syscalls, name: K, f: Syscalls[K]): Syscalls {
  return new Proxy(p, {
    get: (t, key) => {
      if (key === name) return f;
      const v = t[key as keyof Syscalls];
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
}

/** Replay `file` on `factory` as `deno task replay FILE` does; the exit status and lines. */
function replay(file: string, factory: BackendFactory): { code: number; text: string } {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const code = replayMain([`${ROOT}/${file}`], io, { backends: { vmxsim: factory } });
  return { code, text: lines.join("\n").replaceAll(`${ROOT}/`, "") };
}

const dec = new TextDecoder();
const enc = new TextEncoder();

Deno.test("a wait line that changes is reported with the call, both lines and the events before", () => {
  const factory = altered((_k, p) =>
    patch(p, "read", (fd, n) => {
      const data = p.read(fd, n);
      const line = dec.decode(data);
      return line.startsWith("#gp ") ? enc.encode(line.replace("0x33", "0x34")) : data;
    })
  );
  const r = replay(EXITS, factory);
  equal(r.code, 1);
  equal(
    r.text,
    [
      "FAIL corpus/vmxsim/exits.trace event 96: read fd 3 8192",
      '  expected = "#gp 0x0 pc 0x1000 sp 0x0 ilen 0x0 iinfo 0x0 excode 0x33\\n"',
      '  actual   = "#gp 0x0 pc 0x1000 sp 0x0 ilen 0x0 iinfo 0x0 excode 0x34\\n"',
      "  preceded by:",
      '    93 write fd 3 "go pc=0x1000;\\n" = 14 [0=[0x3 "running"]]',
      "    94 close fd 3 = ok []",
      "    95 open '#X/0/wait' OREAD = fd 3 []",
      "1 trace: 0 ok, 1 diverged, 0 unusable",
    ].join("\n"),
  );
});

/** The first 200 bytes of the regs file as the report quotes them, with bx's low word. */
function regs(bx: string): string {
  const z = "0".repeat(16);
  return [
    "pc 0x0000000000001000",
    `sp 0x${z}`,
    "flags 0x0000000000000046",
    "ax 0x0000000012345678",
    `bx 0x000000000000${bx}`,
    `cx 0x${z}`,
    `dx 0x${z}`,
    `bp 0x${z}`,
    `si 0x${z}`,
  ].join("\\n");
}

Deno.test("a register patched behind the guest's back shows in the next regs read", () => {
  const factory = altered((k, p) =>
    patch(p, "open", (path, mode) => {
      if (path.endsWith("/regs")) k.vmx.vcpus[0]?.cpu.setField(Field.RBX, 0xdeadn);
      return p.open(path, mode);
    })
  );
  const r = replay(EXITS, factory);
  equal(r.code, 1);
  equal(
    r.text,
    [
      "FAIL corpus/vmxsim/exits.trace event 108: read fd 3 32768",
      `  expected = "${regs("0000")}"... (1826 bytes)`,
      `  actual   = "${regs("dead")}"... (1826 bytes)`,
      "  preceded by:",
      '    105 read fd 3 8192 = "#df 0x0 pc 0x1000 sp 0x0 ilen 0x0 iinfo 0x0 excode 0x0\\n" [0=[0x3 "ready"]]',
      "    106 close fd 3 = ok []",
      "    107 open '#X/0/regs' OREAD = fd 3 []",
      "1 trace: 0 ok, 1 diverged, 0 unusable",
    ].join("\n"),
  );
});

Deno.test("a retired count that drifts is caught by the annotation before any output differs", () => {
  const factory = altered((k, p) =>
    patch(p, "write", (fd, data) => {
      const n = p.write(fd, data);
      const v = k.vmx.vcpus[0];
      if (v !== undefined && dec.decode(data).startsWith("go")) v.cpu.retired += 1;
      return n;
    })
  );
  const r = replay(EXITS, factory);
  equal(r.code, 1);
  equal(
    r.text,
    [
      'FAIL corpus/vmxsim/exits.trace event 20: write fd 3 "go pc=0x1000;\\n"',
      '  expected note [0=[0x0 "running"]]',
      '  actual note   [0=[0x1 "running"]]',
      "  preceded by:",
      '    17 write fd 3 "\\xb0H\\xe6\\xe9\\xf4" = 5 []',
      "    18 close fd 3 = ok []",
      "    19 create '#X/0/ctl' OWRITE 0666 = fd 3 []",
      "1 trace: 0 ok, 1 diverged, 0 unusable",
    ].join("\n"),
  );
});
