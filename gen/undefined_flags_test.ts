import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  flagNames,
  fmtMarkdown,
  renderUndefinedFlags,
  UNDEFINED_FLAGS_MD,
} from "./undefined_flags.ts";

Deno.test("the committed docs/undefined-flags.md is what gen/undefined_flags.ts generates", async () => {
  const committed = Deno.readTextFileSync(UNDEFINED_FLAGS_MD);
  assertEquals(
    committed === await fmtMarkdown(renderUndefinedFlags()),
    true,
    "stale docs/undefined-flags.md: run `deno run -A gen/undefined_flags.ts`",
  );
});

Deno.test("flag names in CF PF AF ZF SF OF order", () => {
  assertEquals([flagNames(0x8d5), flagNames(0x10), flagNames(0)], ["CF PF AF ZF SF OF", "AF", "-"]);
});
