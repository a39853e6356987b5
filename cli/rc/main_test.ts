import assert from "node:assert/strict";
import type { Syscalls } from "../../sim/ns/mod.ts";
import { HELP, main } from "./main.ts";
import { FakeNs } from "./testdata/fake_ns.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

interface Run {
  status: number;
  out: string;
  err: string;
  ns: FakeNs;
  kernels: number;
}

function sh(
  args: string[],
  options: {
    stdin?: string;
    terminal?: boolean;
    files?: Record<string, string>;
    record?: (trace: string, sys: Syscalls) => { sys: Syscalls; finish(): void };
  } = {},
): Run {
  let out = "";
  let err = "";
  const ns = new FakeNs("#X", "#g");
  let kernels = 0;
  let input = enc.encode(options.stdin ?? "");
  const status = main(args, {
    stdin: {
      readSync(p) {
        if (input.length === 0) return null;
        const k = Math.min(p.length, input.length);
        p.set(input.subarray(0, k));
        input = input.subarray(k);
        return k;
      },
      isTerminal: () => options.terminal ?? false,
    },
    stdout: { writeSync: (p) => (out += dec.decode(p), p.length) },
    stderr: { writeSync: (p) => (err += dec.decode(p), p.length) },
    kernel: () => {
      kernels++;
      return ns;
    },
    host: new FakeNs(),
    now: () => 0,
    readScript: (path) => {
      const text = options.files?.[path];
      if (text === undefined) throw new Error("No such file or directory (os error 2)");
      return text;
    },
    record: options.record && ((trace) => options.record!(trace, ns)),
  });
  return { status, out, err, ns, kernels };
}

Deno.test("--help prints the help on standard output", () => {
  const r = sh(["--help"]);
  assert.deepEqual([r.status, r.out, r.err, r.kernels], [0, HELP, "", 0]);
  assert.equal(sh(["-h"]).out, HELP);
  assert.match(HELP, /ONE read\(2\) of up to 8192 bytes/);
});

Deno.test("a script with arguments", () => {
  const r = sh(["s.rc", "a", "b"], { files: { "s.rc": "echo $0 $* $#*\n" } });
  assert.deepEqual([r.status, r.out, r.err, r.kernels], [0, "s.rc a b 2\n", "", 1]);
  assert.equal(sh(["--", "-s.rc"], { files: { "-s.rc": "echo ok\n" } }).out, "ok\n");
});

Deno.test("commands from standard input, named #d/0 in messages", () => {
  const r = sh([], { stdin: "echo hi\necho a=b\n" });
  assert.deepEqual([r.status, r.out, r.err], [2, "hi\n", "#d/0:2: token '=': syntax error\n"]);
});

Deno.test("a terminal on standard input makes the shell interactive", () => {
  const r = sh([], { stdin: "echo a=b\necho hi\n", terminal: true });
  assert.deepEqual([r.status, r.out], [1, "hi\n"]);
  assert.equal(r.err, "% #d/0:1: token '=': syntax error\n% % ");
});

Deno.test("bad usage: one line on standard error, status 2, no kernel", () => {
  const cases: [string[], string][] = [
    [["-x"], "sh: unknown option -x (see --help)\n"],
    [["--bogus", "s.rc"], "sh: unknown option --bogus (see --help)\n"],
    [["--record"], "sh: --record needs a trace file name\n"],
    [["--record="], "sh: --record needs a trace file name\n"],
    [["--record", "t.trace", "s.rc"], "sh: --record t.trace: recording is not available\n"],
    [["--record=t.trace"], "sh: --record t.trace: recording is not available\n"],
    [["nope.rc"], 'sh: cannot read script "nope.rc": No such file or directory (os error 2)\n'],
  ];
  for (const [args, err] of cases) {
    const r = sh(args, { files: { "s.rc": "echo x\n" } });
    assert.deepEqual([r.status, r.out, r.err, r.kernels], [2, "", err, 0], args.join(" "));
  }
});

Deno.test("--record wraps the kernel process when recording is wired", () => {
  const log: string[] = [];
  const record = (trace: string, sys: Syscalls) => {
    log.push(`record ${trace}`);
    return { sys, finish: () => log.push("finish") };
  };
  const r = sh(["--record", "t.trace", "s.rc"], {
    files: { "s.rc": "echo go >'#X/ctl'\n" },
    record,
  });
  assert.equal(r.status, 0);
  assert.deepEqual(log, ["record t.trace", "finish"]);
  assert.deepEqual(r.ns.calls, ["create #X/ctl 1 666 = 3", 'write 3 "go\\n" = 3', "close 3 = 0"]);
  assert.equal(r.kernels, 0);
});
