import { equal } from "node:assert/strict";
import { sameOutcome, sameValue } from "./equal.ts";

Deno.test("sameValue compares bytes by content and records by fields in any order", () => {
  equal(sameValue(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
  equal(sameValue(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
  equal(sameValue(new Uint8Array([1]), new Uint8Array([1, 2])), false);
  equal(sameValue(new Uint8Array([1]), [1]), false);
  equal(sameValue({ a: 1, b: [2n, "x"] }, { b: [2n, "x"], a: 1 }), true);
  equal(sameValue({ a: 1 }, { a: 1, b: 2 }), false);
  equal(sameValue({ a: 1, c: 2 }, { a: 1, b: 2 }), false);
  equal(sameValue([1], { 0: 1 }), false);
  equal(sameValue(1n, 1), false);
  equal(sameValue(null, {}), false);
  equal(sameValue("a", "a"), true);
});

Deno.test("sameOutcome compares status, then result or message", () => {
  equal(sameOutcome({ status: "ok", value: 3 }, { status: "ok", value: 3 }), true);
  equal(sameOutcome({ status: "ok", value: 3 }, { status: "ok", value: 4 }), false);
  equal(sameOutcome({ status: "ok", value: null }, { status: "error", message: "x" }), false);
  equal(sameOutcome({ status: "error", message: "x" }, { status: "error", message: "x" }), true);
  equal(sameOutcome({ status: "error", message: "x" }, { status: "crash", message: "x" }), false);
  equal(sameOutcome({ status: "crash", message: "x" }, { status: "crash", message: "y" }), false);
});
