import assert from "node:assert/strict";
import { listing, mismatch, sources } from "./gen.ts";

const dir = new URL(".", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("every guest .bin matches the listing in its .s", () => {
  const srcs = sources(dir);
  assert.deepEqual(srcs.map((s) => s.slice(dir.length + 1)), [
    "cpuid.s",
    "fault.s",
    "hello.s",
    "loop.s",
    "sum.s",
  ]);
  for (const src of srcs) {
    const bin = Deno.readFileSync(src.replace(/\.s$/, ".bin"));
    assert.equal(mismatch(Deno.readTextFileSync(src), bin), null, src);
  }
});

Deno.test("listing reads address and bytes from instruction comments only", () => {
  const text = "; a comment: ab cd\n  org 0x1000\n  mov al, 'H' ; 1000: b0 48\n  hlt ; 1002: f4\n";
  assert.deepEqual(listing(text), [{ addr: 0x1000, bytes: [0xb0, 0x48] }, {
    addr: 0x1002,
    bytes: [0xf4],
  }]);
});

Deno.test("mismatch explains what is wrong", () => {
  const text = "  org 0x1000\n  nop ; 1000: 90\n  hlt ; 1001: f4\n";
  assert.equal(mismatch(text, new Uint8Array([0x90, 0xf4])), null);
  assert.equal(mismatch("nop ; 0: 90", new Uint8Array([0x90])), "no org line");
  assert.equal(
    mismatch(text.replace("1001", "1002"), new Uint8Array([0x90, 0xf4])),
    "listing says 1002, expected 1001",
  );
  assert.equal(mismatch(text, new Uint8Array([0x90])), "listing has 2 bytes, .bin 1");
  assert.equal(mismatch(text, new Uint8Array([0x90, 0xcc])), "byte 1 is cc, listed f4");
});
