import assert from "node:assert/strict";
import { needsrcquote, quoted, rcquote } from "./quote.ts";

Deno.test("rcquote leaves plain words bare", () => {
  assert.equal(rcquote("clone"), "clone");
  assert.equal(rcquote("vm.0"), "vm.0");
  assert.equal(rcquote("a/b-c_d,e.f"), "a/b-c_d,e.f");
});

Deno.test("rcquote quotes empty, blank and special words", () => {
  assert.equal(rcquote(""), "''");
  assert.equal(rcquote("#X/0"), "'#X/0'");
  assert.equal(rcquote("a b"), "'a b'");
  assert.equal(rcquote("it's"), "'it''s'");
  assert.equal(rcquote("a\tb"), "'a\tb'");
  for (const c of "`^#*[]=|\\?${}()'<>&;") assert.equal(needsrcquote(c), true, c);
  assert.equal(needsrcquote("!"), false);
  assert.equal(needsrcquote("\x01"), true);
});

Deno.test("quoted always quotes", () => {
  assert.equal(quoted("x"), "'x'");
  assert.equal(quoted("#X/9"), "'#X/9'");
  assert.equal(quoted("a'b"), "'a''b'");
});
