import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import fc from "fast-check";
import { DecoderCase, decoderCaseArb, probeKnownOpcodes } from "./decoder_arb.ts";
import { fromHex } from "./decoder_hex.ts";
import { opcodeKey } from "./decoder_opmap.ts";

Deno.test("probeKnownOpcodes finds what sim/cpu decodes, with the ModRM bytes it accepts", () => {
  const k32 = probeKnownOpcodes(32);
  const add = k32.find((k) => k.prefix === 0 && k.opcode.join() === "1");
  assertEquals(add?.next.length, 256);
  const grp7 = k32.find((k) => k.prefix === 0 && k.opcode.join() === [0x0f, 0x01].join());
  assertEquals(grp7?.next.includes(0xc1), true);
  assertEquals(grp7 !== undefined && grp7.next.length < 256, true);
  // INC r32 is an opcode in 32-bit mode and REX in 64-bit mode.
  assertEquals(k32.some((k) => k.opcode.join() === "64"), true);
  assertEquals(probeKnownOpcodes(64).some((k) => k.opcode.join() === "64"), false);
  assertEquals(probeKnownOpcodes(32), k32);
});

Deno.test("decoderCaseArb: cases in the modes asked, never short of bytes, reproducible", () => {
  const a = fc.sample(decoderCaseArb({ modes: [64] }), { seed: 7, numRuns: 300 });
  assertEquals(a.every((c) => c.mode === 64 && c.bytes.length >= 17), true);
  assertEquals(fc.sample(decoderCaseArb({ modes: [64] }), { seed: 7, numRuns: 300 }), a);
  const all = fc.sample(decoderCaseArb(), { seed: 7, numRuns: 600 });
  assertEquals(new Set(all.map((c) => c.mode)), new Set([16, 32, 64]));
  // Opcodes from several maps, prefixes, and REX bytes in 64-bit mode.
  const maps = new Set(all.map((c) => opcodeKey(c.mode, c.bytes).map));
  for (const m of ["1B", "0F", "0F38", "0F3A", "VEX.0F", "EVEX.0F", "XOP.8"]) {
    assertEquals(maps.has(m), true, m);
  }
  assertEquals(all.some((c) => c.bytes[0] === 0x66 || c.bytes[0] === 0xf0), true);
  assertEquals(a.some((c) => (c.bytes[0] & 0xf0) === 0x40), true);
  assertThrows(() => decoderCaseArb({ modes: [] }), RangeError);
});

Deno.test("DecoderCase prints as mode and hex", () => {
  assertEquals(fc.stringify(new DecoderCase(16, fromHex("8b 46 f8"))), "16-bit 8b 46 f8");
});
