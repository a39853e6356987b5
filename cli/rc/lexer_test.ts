import assert from "node:assert/strict";
import { Input } from "./input.ts";
import { idchr, Lexer, RcSyntaxError, type Token, wordchr } from "./lexer.ts";

function show(t: Token): string {
  switch (t.type) {
    case "word":
      return (t.quoted ? "q:" : t.keyword ? "k:" : t.glob ? "g:" : "w:") + t.text;
    case "redir":
      return `${t.rtype}${t.fd}`;
    case "dup":
      return `dup[${t.fd1}=${t.fd0}]`;
    default:
      return t.type === "\n" ? "NL" : t.type;
  }
}

function lex(text: string): string[] {
  const lexer = new Lexer(Input.of(text), "t.rc");
  const out: string[] = [];
  for (;;) {
    const t = lexer.next();
    if (t.type === "eof") return out;
    out.push(show(t));
  }
}

function lexError(text: string): RcSyntaxError {
  try {
    lex(text);
  } catch (e) {
    if (e instanceof RcSyntaxError) return e;
    throw e;
  }
  throw new Error(`no error lexing ${JSON.stringify(text)}`);
}

Deno.test("words, blanks and newlines", () => {
  assert.deepEqual(lex("echo  hi\tthere\n"), ["w:echo", "w:hi", "w:there", "NL"]);
  assert.deepEqual(lex("a;b"), ["w:a", ";", "w:b"]);
});

Deno.test("quotes: '' is a quote, newlines and # are literal inside", () => {
  assert.deepEqual(lex("echo 'it''s' '#X/clone' 'a\nb'"), [
    "w:echo",
    "q:it's",
    "q:#X/clone",
    "q:a\nb",
  ]);
  assert.deepEqual(lex("''"), ["q:"]);
  const e = lexError("echo 'abc");
  assert.equal(e.message, "eof in quoted string");
});

Deno.test("# starts a comment even right after a word", () => {
  assert.deepEqual(lex("echo a#b c\nx"), ["w:echo", "w:a", "NL", "w:x"]);
  assert.deepEqual(lex("# whole line\necho"), ["NL", "w:echo"]);
  assert.deepEqual(lex("'#X'#comment"), ["q:#X"]);
});

Deno.test("backslash-newline continues a line, other backslashes are literal", () => {
  assert.deepEqual(lex("echo a\\\nb"), ["w:echo", "w:a", "w:b"]);
  assert.deepEqual(lex("echo a\\b \\"), ["w:echo", "w:a\\b", "w:\\"]);
  assert.deepEqual(lex("echo 'a\\\nb'"), ["w:echo", "q:a\\\nb"]);
  // a comment is not continued
  assert.deepEqual(lex("# c \\\necho"), ["NL", "w:echo"]);
});

Deno.test("line numbers count newlines, but not continued ones, as rc's do", () => {
  const lexer = new Lexer(Input.of("a\\\nb\nc"), "t.rc");
  assert.equal(lexer.next().line, 1);
  assert.equal(lexer.next().line, 1);
  assert.equal(lexer.next().type, "\n");
  assert.equal(lexer.next().line, 2);
});

Deno.test("free carets between adjoining words", () => {
  assert.deepEqual(lex("'#X/'$vm'/ctl'"), ["q:#X/", "^", "$", "w:vm", "^", "q:/ctl"]);
  assert.deepEqual(lex("a'b'"), ["w:a", "^", "q:b"]);
  assert.deepEqual(lex("$x.c"), ["$", "w:x", "^", "w:.c"]);
  assert.deepEqual(lex("-$flags"), ["w:-", "^", "$", "w:flags"]);
  assert.deepEqual(lex("a`{b}"), ["w:a", "^", "`", "{", "w:b", "}"]);
  assert.deepEqual(lex("a b"), ["w:a", "w:b"]);
  assert.deepEqual(lex("a^b"), ["w:a", "^", "w:b"]);
});

Deno.test('variables: $, $#, $", subscripts', () => {
  assert.deepEqual(lex('$#x $"x $x(1)'), [
    "count",
    "w:x",
    "join",
    "w:x",
    "$",
    "w:x",
    "sub",
    "w:1",
    ")",
  ]);
  assert.deepEqual(lex("$x (1)"), ["$", "w:x", "(", "w:1", ")"]);
  assert.deepEqual(lex("$*"), ["$", "g:*"]);
});

Deno.test("assignment and lists", () => {
  assert.deepEqual(lex("x=(a b)"), ["w:x", "=", "(", "w:a", "w:b", ")"]);
  assert.deepEqual(lex("echo a=b"), ["w:echo", "w:a", "=", "w:b"]);
});

Deno.test("redirections", () => {
  assert.deepEqual(lex("> f >> g < h <> i << j"), [
    "write1",
    "w:f",
    "append1",
    "w:g",
    "read0",
    "w:h",
    "rdwr0",
    "w:i",
    "here0",
    "w:j",
  ]);
  assert.deepEqual(lex(">[2]f <[3]g"), ["write2", "w:f", "read3", "w:g"]);
  assert.deepEqual(lex(">[2=1] <[3=]"), ["dup[2=1]", "dup[3=-1]"]);
  assert.deepEqual(lex(">[12=10]"), ["dup[12=10]"]);
});

Deno.test("redirection syntax errors", () => {
  const e = lexError("echo >[x]");
  assert.equal(e.message, "redirection syntax");
  assert.equal(e.tok, ">[x");
  assert.equal(lexError(">[2").message, "redirection syntax");
  assert.equal(lexError("a |[1=]").message, "pipe syntax");
});

Deno.test("operators and keywords", () => {
  assert.deepEqual(lex("a | b && c || d & e"), [
    "w:a",
    "pipe",
    "w:b",
    "andand",
    "w:c",
    "oror",
    "w:d",
    "&",
    "w:e",
  ]);
  assert.deepEqual(lex("if ! ~ @ for while switch fn not in iffy"), [
    "k:if",
    "k:!",
    "k:~",
    "k:@",
    "k:for",
    "k:while",
    "k:switch",
    "k:fn",
    "k:not",
    "k:in",
    "w:iffy",
  ]);
  assert.deepEqual(lex("{a}"), ["{", "w:a", "}"]);
});

Deno.test("glob characters mark unquoted words only", () => {
  assert.deepEqual(lex("a* b? [c] 'd*'"), ["g:a*", "g:b?", "g:[c]", "q:d*"]);
});

Deno.test("skipLine drops the rest of a line after an error", () => {
  const lexer = new Lexer(Input.of("a b c\nd"), "t.rc");
  lexer.next();
  lexer.skipLine();
  const t = lexer.next();
  assert.equal(t.type === "word" && t.text, "d");
});

Deno.test("the prompt callback runs before each new line is read", () => {
  const prompts: number[] = [];
  const lexer = new Lexer(Input.of("a\nb\\\nc\n"), "t.rc", () => prompts.push(lexer.line));
  while (lexer.next().type !== "eof");
  // before a, before b, after the continuation, and before the EOF after c
  assert.deepEqual(prompts, [1, 2, 2, 3]);
  assert.equal(lexer.eof, true);
});

Deno.test("character classes", () => {
  assert.equal(wordchr("a"), true);
  assert.equal(wordchr('"'), true);
  assert.equal(wordchr("#"), false);
  assert.equal(wordchr(""), false);
  assert.equal(idchr("_"), true);
  assert.equal(idchr("*"), true);
  assert.equal(idchr("."), false);
  assert.equal(idchr(" "), false);
});
