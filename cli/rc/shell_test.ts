import assert from "node:assert/strict";
import { commands } from "./cmd/mod.ts";
import { StreamFile } from "./file.ts";
import { Input } from "./input.ts";
import {
  EXIT_FAILED,
  EXIT_OK,
  EXIT_SIMULATOR,
  EXIT_USAGE,
  rstrsplit,
  Shell,
  subwords,
} from "./shell.ts";
import { Space } from "./space.ts";
import { FakeNs } from "./testdata/fake_ns.ts";

const _dec = new TextDecoder();

interface Result {
  status: number;
  out: string;
  err: string;
  calls: string[];
  shell: Shell;
}

function sh(
  script: string,
  ns = new FakeNs("#X", "#g"),
  options: { host?: FakeNs; args?: string[]; interactive?: boolean } = {},
): Result {
  let out = "";
  let err = "";
  const shell = new Shell({
    space: new Space(ns, options.host ?? new FakeNs(".")),
    commands: commands({ now: () => 0 }),
    stdin: new StreamFile({}),
    stdout: new StreamFile({ writer: (d) => out += _dec.decode(d) }),
    stderr: new StreamFile({ writer: (d) => err += _dec.decode(d) }),
    file: "t.rc",
    args: options.args,
    interactive: options.interactive,
  });
  const status = shell.run(Input.of(script));
  return { status, out, err, calls: ns.calls, shell };
}

function vcpu(): FakeNs {
  const ns = new FakeNs("#X", "#g");
  ns.file("#X/clone", "", { reads: ["0", ""] });
  ns.mkdir("#X/0");
  ns.file("#X/0/ctl");
  ns.file("#X/0/wait", "", { reads: [".hlt 0x0 pc 0x1004\n"] });
  ns.file("#X/0/map", "rwx wb 0x0 0x1000 vm.0 0x0\n");
  return ns;
}

Deno.test("echo into a ctl file: create OWRITE 0666, one write, close", () => {
  const r = sh("echo go >'#X/0/ctl'\n", vcpu());
  assert.deepEqual(r.calls, [
    "create #X/0/ctl 1 666 = 3",
    'write 3 "go\\n" = 3',
    "close 3 = 0",
  ]);
  assert.deepEqual([r.status, r.out, r.err], [EXIT_OK, "", ""]);
});

Deno.test("read < wait: open OREAD, one 8 KiB read, close", () => {
  const r = sh("read <'#X/0/wait'\n", vcpu());
  assert.equal(r.out, ".hlt 0x0 pc 0x1004\n");
  assert.deepEqual(r.calls, [
    "open #X/0/wait 0 = 3",
    'read 3 8192 = ".hlt 0x0 pc 0x1004\\n"',
    "close 3 = 0",
  ]);
});

Deno.test("command substitution: vm=`{cat '#X/clone'} then '#X/'$vm'/ctl'", () => {
  const r = sh("vm=`{cat '#X/clone'}\necho go >'#X/'$vm'/ctl'\necho $#vm $vm\n", vcpu());
  assert.deepEqual([r.status, r.out, r.err], [EXIT_OK, "1 0\n", ""]);
  assert.deepEqual(r.calls, [
    "open #X/clone 0 = 3",
    'read 3 32768 = "0"',
    'read 3 32768 = ""',
    "close 3 = 0",
    "create #X/0/ctl 1 666 = 3",
    'write 3 "go\\n" = 3',
    "close 3 = 0",
  ]);
});

Deno.test("> alone truncates (create), >> appends, <> opens ORDWR", () => {
  const r = sh(">'#X/0/map'\necho x >>'#X/0/map'\necho y >>'#g/new'\ncat <>'#X/0/map'\n", vcpu());
  assert.deepEqual(r.calls, [
    "create #X/0/map 1 666 = 3",
    "close 3 = 0",
    "open #X/0/map 1 = 3",
    "seek 3 0 2 = 0",
    'write 3 "x\\n" = 2',
    "close 3 = 0",
    "open #g/new 1 ! file does not exist: '#g/new'",
    "create #g/new 1 666 = 3",
    "seek 3 0 2 = 0",
    'write 3 "y\\n" = 2',
    "close 3 = 0",
    "open #X/0/map 2 = 3",
    'read 3 32768 = "x\\n"',
    'read 3 32768 = ""',
    "close 3 = 0",
  ]);
  assert.equal(r.out, "x\n");
});

Deno.test("a brace with a redirection: one open, each command writes through it", () => {
  const r = sh("{echo 'pc 0x1000'; echo 'sp 0x8000'} >'#X/0/ctl'\n", vcpu());
  assert.deepEqual(r.calls, [
    "create #X/0/ctl 1 666 = 3",
    'write 3 "pc 0x1000\\n" = 10',
    'write 3 "sp 0x8000\\n" = 10',
    "close 3 = 0",
  ]);
});

Deno.test("redirections apply left to right: >[2=1] before and after >file", () => {
  const ns = vcpu();
  let r = sh("cat '#X/9' >[2=1] >'#g/log'\n", ns);
  assert.equal(r.out, "cat: can't open #X/9: file does not exist: '#X/9'\n");
  r = sh("cat '#X/9' >'#g/log2' >[2=1]\n", ns);
  assert.equal(r.err, "");
  assert.equal(ns.text("#g/log2"), "cat: can't open #X/9: file does not exist: '#X/9'\n");
  r = sh("cat '#X/9' >[2]'#g/log3'\n", ns);
  assert.deepEqual([r.out, r.err], ["", ""]);
  assert.equal(ns.text("#g/log3"), "cat: can't open #X/9: file does not exist: '#X/9'\n");
  r = sh("echo hidden >[1=]\necho shown >[5=4]\n", ns);
  assert.equal(r.err, "echo: write error: fd out of range or not open\n");
  assert.equal(r.out, "shown\n");
});

Deno.test("redirection files are opened before the arguments are evaluated", () => {
  const r = sh("echo `{cat '#X/clone'} >'#g/out'\n", vcpu());
  assert.deepEqual(r.calls.map((c) => c.split(" = ")[0]), [
    "create #g/out 1 666",
    "open #X/clone 0",
    "read 4 32768",
    "read 4 32768",
    "close 4",
    'write 3 "0\\n"',
    "close 3",
  ]);
});

Deno.test("arguments are evaluated right to left, as rc's code does", () => {
  const ns = vcpu();
  ns.file("#X/clone", "", { reads: ["0", "", "1", ""] });
  const r = sh("echo `{cat '#X/clone'}^a `{cat '#X/clone'}^b\n", ns);
  assert.equal(r.out, "1a 0b\n");
});

Deno.test("variables: lists, counts, joins, subscripts, concatenation", () => {
  const script = [
    "x=(a b c)",
    'echo $#x $x(2) $x(2-) $x(1-2 3) $x(9) $"x',
    "y=$x^.c; echo $y",
    "z=(1 2 3)^(x y z); echo $z",
    'e=(); echo $#e $#undefined $"e-',
    "echo $x^-",
    "n=x; echo $$n $$n(1)",
    "echo -$x(1)-",
    "",
  ].join("\n");
  const r = sh(script);
  assert.equal(
    r.out,
    [
      "3 b b c a b c a b c",
      "a.c b.c c.c",
      "1x 2y 3z",
      "0 0 -",
      "a- b- c-",
      "a b c a b c",
      "-a -",
      "",
    ].join("\n"),
  );
  assert.equal(r.status, EXIT_OK);
});

Deno.test("$0, $*, $1, $#1 and local assignments", () => {
  const r = sh(
    "echo $0 $#* $2 $#2 $#5 $5\nx=1\nx=2 y=3 echo $x $y\necho $x $#y\n",
    undefined,
    { args: ["a", "b"] },
  );
  assert.equal(r.out, "t.rc 2 b 1 0\n2 3\n1 0\n");
});

Deno.test("command substitution splits on $ifs or on the given characters", () => {
  const ns = new FakeNs("#g");
  ns.file("#g/f", "  a b\tc\n\nd:e  ");
  const r = sh("x=`{cat '#g/f'}\necho $#x\ny=`:{cat '#g/f'}\necho $#y $y(2)\n", ns);
  assert.equal(r.out, "4\n2 e  \n");
});

Deno.test("assignments inside `{} do not reach the shell", () => {
  const r = sh("x=1\ny=`{x=2; echo $x}\necho $x $y\n");
  assert.equal(r.out, "1 2\n");
});

Deno.test("a failing command prints its message and the script goes on; status 1", () => {
  const ns = vcpu();
  ns.file("#X/0/ctl", "", { errors: { write: "VM not ready" } });
  const r = sh("echo go >'#X/0/ctl'\necho after\n", ns);
  assert.deepEqual([r.status, r.out, r.err], [
    EXIT_FAILED,
    "after\n",
    "echo: write error: VM not ready\n",
  ]);
});

Deno.test("a redirection that cannot be opened ends the script, as rc's Xerror does", () => {
  const r = sh("echo first\necho go >'#X/9/ctl'\necho never\n", vcpu());
  assert.deepEqual([r.status, r.out, r.err], [
    EXIT_FAILED,
    "first\n",
    "t.rc:2: > can't create #X/9/ctl: file does not exist: '#X/9'\n",
  ]);
  const calls = r.calls;
  assert.equal(calls.length, 1);
  assert.match(calls[0], /^create #X\/9\/ctl 1 666 ! /);
});

Deno.test("other shell errors: messages as rc's", () => {
  const cases: [string, string][] = [
    ["cat <'#X/9'", "t.rc:1: < can't open #X/9: file does not exist: '#X/9'"],
    ["cat <>'#X/9'", "t.rc:1: <> can't open #X/9: file does not exist: '#X/9'"],
    ["echo >>'#X/9/x'", "t.rc:1: >> can't open #X/9/x: file does not exist: '#X/9'"],
    ["x=(a b); echo >$x", "t.rc:1: > requires singleton"],
    ["echo <$nothing", "t.rc:1: < requires file"],
    ["x=(a b); echo $x^(1 2 3)", "t.rc:1: mismatched list lengths in concatenation"],
    ["echo a^$nothing", "t.rc:1: null list in concatenation"],
    ["x=(a b); echo $$x", "t.rc:1: $ variable name not singleton!"],
    ['x=(a b); echo $"$x', "t.rc:1: $ variable name not singleton!"],
    ["x=(a b); echo $#$x", "t.rc:1: $# variable name not singleton!"],
    ["x=(a b); $x=1", "t.rc:1: = variable name not singleton!"],
    ["x=(a b); $x=1 echo", "t.rc:1: local variable name must be singleton"],
    ["$nothing", "t.rc:1: empty argument list"],
  ];
  for (const [script, message] of cases) {
    const r = sh(script + "\necho never\n", vcpu());
    assert.deepEqual([r.status, r.out, r.err], [EXIT_FAILED, "", message + "\n"], script);
  }
});

Deno.test("an unknown command is reported and the script goes on", () => {
  const r = sh("sleep 1\necho on\n");
  assert.deepEqual([r.status, r.out, r.err], [
    EXIT_FAILED,
    "on\n",
    "t.rc:1: sleep: not a vmxsim sh command\n",
  ]);
  assert.equal(sh("/bin/echo hi\n").out, "hi\n");
});

Deno.test("a syntax error stops the script after the lines before it ran; status 2", () => {
  const r = sh("echo one\necho a=b\necho three\n");
  assert.deepEqual([r.status, r.out, r.err], [
    EXIT_USAGE,
    "one\n",
    "t.rc:2: token '=': syntax error\n",
  ]);
  assert.equal(sh("echo (\n").err, "t.rc:2: syntax error\n");
  assert.equal(sh("a | b\n").err, "t.rc:1: token '|': not supported in vmxsim sh\n");
  // An unclosed quote's token holds newlines: left out, the message is one line.
  assert.equal(sh("echo 'a\nb\n").err, "t.rc:3: eof in quoted string\n");
  assert.equal(sh("echo 'a").err, "t.rc:1: token a: eof in quoted string\n");
});

Deno.test("errors inside `{} end only the substitution", () => {
  const r = sh("x=`{echo a; cat <'#X/9'; echo b}\necho $x\n", vcpu());
  assert.deepEqual([r.status, r.out], [EXIT_FAILED, "a\n"]);
  assert.equal(r.err, "t.rc:1: < can't open #X/9: file does not exist: '#X/9'\n");
});

Deno.test("a simulator failure is one line and status 3", () => {
  const ns = vcpu();
  ns.read = () => {
    throw new Error("guest instruction 0f 0b is not modeled");
  };
  const r = sh("echo before\nread <'#X/0/wait'\necho never\n", ns);
  assert.deepEqual([r.status, r.out, r.err], [
    EXIT_SIMULATOR,
    "before\n",
    "sh: t.rc:2: read: guest instruction 0f 0b is not modeled\n",
  ]);
  assert.deepEqual(r.calls, ["open #X/0/wait 0 = 3", "close 3 = 0"]);
});

Deno.test("interactive: prompts, and goes on after errors", () => {
  const r = sh("echo a=b\necho '1\n2'\ncat <'#X/9'\necho ok\n", vcpu(), { interactive: true });
  assert.equal(r.out, "1\n2\nok\n");
  assert.equal(
    r.err,
    "% t.rc:1: token '=': syntax error\n% \t% t.rc:4: < can't open #X/9: file does not exist: '#X/9'\n% % ",
  );
  assert.equal(r.status, EXIT_FAILED);
});

Deno.test("subwords and rstrsplit", () => {
  assert.deepEqual(subwords(["a", "b", "c"], ["3", "1", "2-", "0", "4", "2-1", "1-9", "x"]), [
    "c",
    "a",
    "b",
    "c",
    "a",
    "b",
    "c",
  ]);
  assert.deepEqual(rstrsplit("a\0\0b", " "), ["a", "", "b"]);
  assert.deepEqual(rstrsplit("", " "), []);
  assert.deepEqual(rstrsplit("ab", ""), ["ab"]);
});
