import assert from "node:assert/strict";
import { commands } from "./mod.ts";

Deno.test("the command table names the seven commands", () => {
  const table = commands({ now: () => 0 });
  assert.deepEqual([...table.keys()], ["cat", "cp", "echo", "ls", "mkdir", "read", "rm"]);
});
