import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { fromHex, toHex } from "./decoder_hex.ts";

Deno.test("hex bytes both ways; spaces optional; bad text named", () => {
  assertEquals(toHex(new Uint8Array([0x48, 0x8b, 0x05, 0])), "48 8b 05 00");
  assertEquals(toHex(new Uint8Array()), "");
  assertEquals(fromHex("48 8B 05"), new Uint8Array([0x48, 0x8b, 0x05]));
  assertEquals(fromHex(" 488b05 "), new Uint8Array([0x48, 0x8b, 0x05]));
  assertEquals(fromHex(""), new Uint8Array());
  assertThrows(() => fromHex("4"), /not hex bytes: "4"/);
  assertThrows(() => fromHex("zz"), RangeError);
});
