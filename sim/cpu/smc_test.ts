import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { GuestRam } from "./bus.ts";
import { codeWrite, markCode } from "./smc.ts";

Deno.test("code lines: marking, writes beside code, writes onto code", () => {
  const ram = new GuestRam(0x3000);
  assertEquals(markCode(ram, 0x1010, 4), true);
  assertEquals(markCode(ram, 0x1040, 1), false);
  assertEquals([ram.codePage[1], ram.pageGen[1]], [1, 0]);
  assertEquals(codeWrite(ram, 0x1080, 4), false);
  assertEquals(codeWrite(ram, 0x103e, 4), true);
  assertEquals([ram.codePage[1], ram.pageGen[1]], [0, 1]);
  // The page's lines were cleared with it.
  markCode(ram, 0x1800, 1);
  assertEquals(codeWrite(ram, 0x1010, 1), false);
});
