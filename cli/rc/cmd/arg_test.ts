import assert from "node:assert/strict";
import { Arg } from "./arg.ts";

function parse(argv: string[], withArg = ""): [string[], string[]] {
  const a = new Arg(argv);
  const seen: string[] = [];
  for (let c = a.next(); c !== null; c = a.next()) {
    seen.push(withArg.includes(c) ? `${c}=${a.arg()}` : c);
  }
  assert.equal(a.next(), null);
  return [seen, a.operands()];
}

Deno.test("clustered and separate options, then operands", () => {
  assert.deepEqual(parse(["ls", "-lq", "-d", "a", "-x"]), [["l", "q", "d"], ["a", "-x"]]);
  assert.deepEqual(parse(["ls"]), [[], []]);
  assert.deepEqual(parse(["ls", "a"]), [[], ["a"]]);
});

Deno.test("-- ends options; a lone - is an operand", () => {
  assert.deepEqual(parse(["rm", "--", "-f"]), [[], ["-f"]]);
  assert.deepEqual(parse(["cat", "-", "x"]), [[], ["-", "x"]]);
  assert.deepEqual(parse(["rm", "-f", "--"]), [["f"], []]);
});

Deno.test("an option's argument is the rest of its cluster or the next argument", () => {
  assert.deepEqual(parse(["mkdir", "-m755", "d"], "m"), [["m=755"], ["d"]]);
  assert.deepEqual(parse(["mkdir", "-pm", "700", "d"], "m"), [["p", "m=700"], ["d"]]);
  assert.deepEqual(parse(["mkdir", "-m"], "m"), [["m=null"], []]);
});
