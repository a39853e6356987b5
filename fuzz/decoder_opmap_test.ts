import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { fromHex } from "./decoder_hex.ts";
import { mapRank, opcodeKey } from "./decoder_opmap.ts";

const key = (mode: number, hex: string) => {
  const k = opcodeKey(mode, fromHex(hex));
  return `${k.map} ${k.op.toString(16).padStart(2, "0")}`;
};

Deno.test("opcodeKey: legacy maps after prefixes and REX", () => {
  assertEquals(key(32, "01 d8"), "1B 01");
  assertEquals(key(32, "66 f3 2e 0f a2"), "0F a2");
  assertEquals(key(64, "66 48 0f 38 f0 c0"), "0F38 f0");
  assertEquals(key(64, "0f 3a 0f c0 01"), "0F3A 0f");
  assertEquals(key(64, "0f 0f c0 b4"), "3DNow 0f");
  // Outside 64-bit mode 40-4F are INC/DEC, not REX.
  assertEquals(key(32, "48 90"), "1B 48");
  assertEquals(key(64, "48 90"), "1B 90");
  // Missing bytes read as 0.
  assertEquals(key(32, "0f"), "0F 00");
  assertEquals(key(32, "66 66"), "1B 00");
});

Deno.test("opcodeKey: VEX, EVEX, XOP, and LES/LDS/BOUND/POP outside 64-bit mode", () => {
  assertEquals(key(64, "c5 f8 77"), "VEX.0F 77");
  assertEquals(key(32, "c5 f8 77"), "VEX.0F 77");
  assertEquals(key(32, "c5 08"), "1B c5");
  assertEquals(key(64, "c4 e2 79 18 00"), "VEX.0F38 18");
  assertEquals(key(64, "c4 e3 79 0f c0 01"), "VEX.0F3A 0f");
  assertEquals(key(64, "c4 e7 79 0f"), "VEX.bad 0f");
  assertEquals(key(32, "c4 00"), "1B c4");
  assertEquals(key(64, "62 f1 7c 48 58 c1"), "EVEX.0F 58");
  assertEquals(key(64, "62 f5 7c 48 58 c1"), "EVEX.m5 58");
  assertEquals(key(32, "62 00"), "1B 62");
  assertEquals(key(64, "8f e8 78 c0 c0 01"), "XOP.8 c0");
  assertEquals(key(32, "8f ea 78 10 c0"), "XOP.A 10");
  assertEquals(key(32, "8f eb 78 10 c0"), "XOP.bad 10");
  assertEquals(key(32, "8f c0"), "1B 8f");
});

Deno.test("mapRank", () => {
  assertEquals(
    ["XOP.8", "zz", "1B", "EVEX.m5", "0F"].sort((a, b) => (mapRank(a) < mapRank(b) ? -1 : 1)),
    [
      "1B",
      "0F",
      "XOP.8",
      "EVEX.m5",
      "zz",
    ],
  );
});
