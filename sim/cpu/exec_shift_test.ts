import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { checkVectors, runOne } from "./_one.ts";
import { hexBytes } from "./_testing.ts";

Deno.test("shift and rotate vectors, SHLD/SHRD (testdata/shift.txt)", () => {
  const { bad, count } = checkVectors(
    Deno.readTextFileSync(new URL("./testdata/shift.txt", import.meta.url)),
  );
  assertEquals(bad, []);
  assertEquals(count > 3000, true);
});

function _run(hex: string, regs: bigint[], rflags = 2) {
  return runOne(64, hexBytes(hex), { regs, rflags, mem: new Uint8Array(0) });
}

Deno.test("count 0 changes no flag but still zero-extends a 32-bit register", () => {
  const r = _run("d3 e2", [0n, 32n, 0xffffffff80000001n], 0x8d7); // shl edx, cl (cl = 32: masked 0)
  assertEquals([r.regs[2], r.rflags & 0x8d5], [0x80000001n, 0x8d5]);
  const r16 = _run("66 d3 e2", [0n, 32n, 0xffffffff80000001n], 0x8d7); // shl dx, cl
  assertEquals(r16.regs[2], 0xffffffff80000001n);
});

Deno.test("RCL/RCR rotate through CF modulo 9 (bytes) and 17 (words); 64-bit counts mask to 6 bits", () => {
  // rcl dl, 9 is the identity with CF kept; rcl dx, 17 too.
  assertEquals(_run("c0 d2 09", [0n, 0n, 0x81n], 1).regs[2], 0x81n);
  assertEquals(_run("66 c1 d2 11", [0n, 0n, 0x8001n], 0).regs[2], 0x8001n);
  // rcr dl, 1 with CF = 1: 81h -> C0h, CF = 1; OF = old MSB xor CF = 0.
  const r = _run("d0 da", [0n, 0n, 0x81n], 1);
  assertEquals([r.regs[2], r.rflags & 0x801], [0xc0n, 1]);
  // shl rdx, cl with cl = 65 shifts by 1.
  assertEquals(_run("48 d3 e2", [0n, 65n, 3n]).regs[2], 6n);
});

Deno.test("16-bit SHLD/SHRD with a count above 16 shift dest:src:src (src:src:dest)", () => {
  // The values the host CPU gives (see undefined_flags.ts).
  const shld = (n: bigint) => _run("66 0f a5 da", [0n, n, 0x1234n, 0xabcdn]).regs[2];
  const shrd = (n: bigint) => _run("66 0f ad da", [0n, n, 0x1234n, 0xabcdn]).regs[2];
  assertEquals([shld(16n), shld(17n), shld(20n), shld(31n)], [0xabcdn, 0x579bn, 0xbcdan, 0xd5e6n]);
  assertEquals([shrd(16n), shrd(17n), shrd(20n), shrd(31n)], [0xabcdn, 0xd5e6n, 0xdabcn, 0x579bn]);
});
