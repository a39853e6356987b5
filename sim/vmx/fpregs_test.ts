import { equal } from "node:assert/strict";
import { FPSAVE_SIZE, newfpsave } from "./fpregs.ts";

Deno.test("newfpsave: 832 bytes with fpinit's control words and the XSAVE header", () => {
  const fp = newfpsave(0xffff);
  equal(fp.length, FPSAVE_SIZE);
  const nonzero = [...fp.entries()].filter(([, b]) => b !== 0).map(([i, b]) =>
    `${i}:${b.toString(16)}`
  );
  equal(nonzero.join(" "), "0:32 1:2 25:19 28:ff 29:ff 512:3");
});
