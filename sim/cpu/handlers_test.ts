import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { HANDLER_NAMES } from "./_optab.ts";
import { HANDLERS, unusedHandlers } from "./handlers.ts";

Deno.test("every category handler is named by the table; only 64-bit widths are missing", () => {
  assertEquals(unusedHandlers(), []);
  const missing = HANDLER_NAMES.filter((_n, k) => k > 0 && HANDLERS[k] === undefined);
  assertEquals(missing.filter((n) => !/64[rm]?$/.test(n)), []);
  assertEquals(missing.length, 9);
});
