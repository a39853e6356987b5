import assert from "node:assert/strict";
import { EOF, Input } from "./input.ts";

function drain(input: Input): string[] {
  const out: string[] = [];
  for (let c = input.rchr(); c !== EOF; c = input.rchr()) out.push(c);
  return out;
}

Deno.test("Input.of yields the text then EOF, and stays at EOF", () => {
  const input = Input.of("ab\n");
  assert.deepEqual(drain(input), ["a", "b", "\n"]);
  assert.equal(input.rchr(), EOF);
});

Deno.test("Input pulls chunks lazily and skips empty ones", () => {
  const chunks = ["x", "", "yz", null];
  let pulls = 0;
  const input = new Input(() => {
    pulls++;
    return chunks.shift() ?? null;
  });
  assert.equal(pulls, 0);
  assert.equal(input.rchr(), "x");
  assert.equal(pulls, 1);
  assert.deepEqual(drain(input), ["y", "z"]);
  assert.equal(pulls, 4);
  assert.equal(input.rchr(), EOF);
  assert.equal(pulls, 4);
});
