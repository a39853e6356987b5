import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { GuestRam, PAGE_SIZE } from "./bus.ts";

Deno.test("noteWrite bumps the generation of code pages only", () => {
  const ram = new GuestRam(3 * PAGE_SIZE);
  ram.codePage[1] = 1;
  ram.noteWrite(PAGE_SIZE - 2, 4);
  ram.noteWrite(0, 0);
  assertEquals([Array.from(ram.pageGen), Array.from(ram.codePage)], [[0, 1, 0], [0, 0, 0]]);
});
