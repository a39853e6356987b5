import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { INSN_TEMPLATES } from "./gen_insn_table.ts";
import { isExcluded, NATIVE_EXCLUDED } from "./native_exclude.ts";

Deno.test("an exclusion matches a class, a mnemonic or a form", () => {
  const t = INSN_TEMPLATES.find((t) => t.name === "Rcl_rm8_CL")!;
  assertEquals(
    ["rotate", "rcl", "Rcl_rm8_CL", "Rcl_rm16_CL", "shift"].map((match) =>
      isExcluded(t, [{ match, why: "" }])
    ),
    [true, true, true, false, false],
  );
  const globs = ["R*_CL", "Rcl_rm*", "*cl*", "Rcl_rm8_C", "Rcl.rm8_CL"];
  assertEquals(globs.map((match) => isExcluded(t, [{ match, why: "" }])), [
    true,
    true,
    true,
    false,
    false,
  ]);
  assertEquals(isExcluded(t, []), false);
});

Deno.test("every entry of the list says why and still matches something", () => {
  for (const e of NATIVE_EXCLUDED) {
    ok(e.why.length > 10, e.match);
    ok(INSN_TEMPLATES.some((t) => isExcluded(t, [e])), `stale entry ${e.match}`);
  }
  assertEquals(Object.isFrozen(NATIVE_EXCLUDED), true);
});
