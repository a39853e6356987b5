import assert from "node:assert/strict";
import type { Cmd, Word } from "./ast.ts";
import { Input } from "./input.ts";
import { Lexer, RcSyntaxError } from "./lexer.ts";
import { Parser } from "./parser.ts";

function w(x: Word): string {
  switch (x.kind) {
    case "lit":
      return JSON.stringify(x.text);
    case "concat":
      return `(^ ${w(x.left)} ${w(x.right)})`;
    case "var":
      return `($ ${w(x.name)})`;
    case "sub":
      return `($ ${w(x.name)} [${x.subs.map(w).join(" ")}])`;
    case "count":
      return `($# ${w(x.name)})`;
    case "join":
      return `($" ${w(x.name)})`;
    case "list":
      return `(list${x.words.map((y) => " " + w(y)).join("")})`;
    case "backquote":
      return `(\` ${x.split ? w(x.split) + " " : ""}${c(x.body)})`;
  }
}

function c(x: Cmd | null): string {
  if (x === null) return "nil";
  switch (x.kind) {
    case "simple":
      return `(simple@${x.line} ${x.words.map(w).join(" ")})`;
    case "redir":
      return `(${x.rtype}@${x.line} ${x.fd} ${w(x.target)} ${c(x.cmd)})`;
    case "dup":
      return `(dup ${x.fd1}=${x.fd0} ${c(x.cmd)})`;
    case "assign":
      return `(= ${x.assigns.map((a) => `${w(a.name)} ${w(a.value)}`).join(" ")} ${c(x.cmd)})`;
    case "seq":
      return `(seq ${x.cmds.map(c).join(" ")})`;
    case "brace":
      return `{${c(x.body)}}`;
  }
}

function parse(text: string): string[] {
  const parser = new Parser(new Lexer(Input.of(text), "t.rc"));
  const out: string[] = [];
  for (let cmd = parser.line(); cmd; cmd = parser.line()) out.push(c(cmd));
  return out;
}

function parseError(text: string): string {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof RcSyntaxError) return `${e.file}:${e.line}: token ${e.tok}: ${e.message}`;
    throw e;
  }
  throw new Error(`no error parsing ${JSON.stringify(text)}`);
}

Deno.test("simple commands, one line at a time", () => {
  assert.deepEqual(parse("echo a 'b c'\ncat f\n"), [
    '(seq (simple@1 "echo" "a" "b c"))',
    '(seq (simple@2 "cat" "f"))',
  ]);
  assert.deepEqual(parse("a; b;\n\n"), ['(seq (simple@1 "a") (simple@1 "b"))', "(seq )"]);
  assert.deepEqual(parse("echo no newline"), ['(seq (simple@1 "echo" "no" "newline"))']);
  assert.deepEqual(parse(""), []);
});

Deno.test("redirections wrap the command, leftmost outermost", () => {
  assert.deepEqual(parse("echo go >'#X/0/ctl'"), [
    '(seq (write@1 1 "#X/0/ctl" (simple@1 "echo" "go")))',
  ]);
  assert.deepEqual(parse(">a echo x >>[2]b <c d <>e"), [
    '(seq (write@1 1 "a" (append@1 2 "b" (read@1 0 "c" (rdwr@1 0 "e" (simple@1 "echo" "x" "d"))))))',
  ]);
  assert.deepEqual(parse("cat >[2=1] >[3=]"), [
    '(seq (dup 2=1 (dup 3=-1 (simple@1 "cat"))))',
  ]);
  assert.deepEqual(parse("> '#X/0/map'"), ['(seq (write@1 1 "#X/0/map" nil))']);
});

Deno.test("assignments: global alone, local before a command", () => {
  assert.deepEqual(parse("x=1 y=(a b)\n"), ['(seq (= "x" "1" "y" (list "a" "b") nil))']);
  assert.deepEqual(parse("x=1 echo $x"), ['(seq (= "x" "1" (simple@1 "echo" ($ "x"))))']);
  assert.deepEqual(parse("x=() >f"), ['(seq (= "x" (list) (write@1 1 "f" nil)))']);
  assert.deepEqual(parse("a^b=c"), ['(seq (= (^ "a" "b") "c" nil))']);
});

Deno.test("variables and concatenation", () => {
  assert.deepEqual(parse("echo '#X/'$vm'/ctl' $#x $\"y $z(1 2-) $$p"), [
    '(seq (simple@1 "echo" (^ (^ "#X/" ($ "vm")) "/ctl") ($# "x") ($" "y") ($ "z" ["1" "2-"]) ($ ($ "p"))))',
  ]);
  assert.deepEqual(parse("echo $x.c -$f"), [
    '(seq (simple@1 "echo" (^ ($ "x") ".c") (^ "-" ($ "f"))))',
  ]);
  assert.deepEqual(parse("echo $*"), ['(seq (simple@1 "echo" ($ "*")))']);
  assert.deepEqual(parse("echo if for"), ['(seq (simple@1 "echo" "if" "for"))']);
});

Deno.test("command substitution and braces", () => {
  assert.deepEqual(parse("vm=`{cat '#X/clone'}"), [
    '(seq (= "vm" (` {(seq (simple@1 "cat" "#X/clone"))}) nil))',
  ]);
  assert.deepEqual(parse("x=`:{a; b\nc}"), [
    '(seq (= "x" (` ":" {(seq (simple@1 "a") (simple@1 "b") (simple@2 "c"))}) nil))',
  ]);
  assert.deepEqual(parse("{echo a; echo b} > f"), [
    '(seq (write@1 1 "f" {(seq (simple@1 "echo" "a") (simple@1 "echo" "b"))}))',
  ]);
  assert.deepEqual(parse("{\n}"), ["(seq {(seq )})"]);
});

Deno.test("syntax errors name the token as rc does", () => {
  assert.equal(parseError("echo a=b"), "t.rc:1: token =: syntax error");
  assert.equal(parseError("echo a(b)"), "t.rc:1: token ( [SUB]: syntax error");
  assert.equal(parseError("ok\necho )"), "t.rc:2: token ): syntax error");
  assert.equal(parseError("echo (a"), "t.rc:1: token EOF: syntax error");
  assert.equal(parseError("{echo a"), "t.rc:1: token EOF: syntax error");
  assert.equal(parseError("echo > "), "t.rc:1: token EOF: syntax error");
  assert.equal(parseError("x=1 ^"), "t.rc:1: token EOF: syntax error");
  assert.equal(parseError("x=1; ^a"), "t.rc:1: token ^: syntax error");
  assert.equal(parseError("echo 'x"), "t.rc:1: token x: eof in quoted string");
});

Deno.test("constructs outside the subset are refused, not misread", () => {
  const refused = "not supported in vmxsim sh";
  assert.equal(parseError("a | b"), `t.rc:1: token |: ${refused}`);
  assert.equal(parseError("a & b"), `t.rc:1: token &: ${refused}`);
  assert.equal(parseError("a && b"), `t.rc:1: token &&: ${refused}`);
  assert.equal(parseError("a || b"), `t.rc:1: token ||: ${refused}`);
  assert.equal(parseError("if(x) y"), `t.rc:1: token if: ${refused}`);
  assert.equal(parseError("! x"), `t.rc:1: token !: ${refused}`);
  assert.equal(parseError("~ a b"), `t.rc:1: token ~: ${refused}`);
  assert.equal(parseError("cat <<EOF"), `t.rc:1: token <<: ${refused}`);
  assert.equal(parseError("cmp <{a} b"), `t.rc:1: token {: ${refused}`);
  assert.equal(parseError("x=<{a}"), `t.rc:1: token {: ${refused}`);
  assert.equal(
    parseError("ls *.c"),
    `t.rc:1: token *.c: pattern matching is ${refused}; quote the word`,
  );
});

Deno.test("after an error the parser can go on with the next line", () => {
  const lexer = new Lexer(Input.of("echo a=b more\necho ok\n"), "t.rc");
  const parser = new Parser(lexer);
  assert.throws(() => parser.line(), RcSyntaxError);
  lexer.skipLine();
  assert.equal(c(parser.line()), '(seq (simple@2 "echo" "ok"))');
  assert.equal(parser.line(), null);
});
