import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { checkVectors, runOne } from "./_one.ts";
import { hexBytes } from "./_testing.ts";

Deno.test("CRC32 vectors (testdata/crc.txt)", () => {
  const { bad, count } = checkVectors(
    Deno.readTextFileSync(new URL("./testdata/crc.txt", import.meta.url)),
  );
  assertEquals(bad, []);
  assertEquals(count > 30, true);
});

Deno.test('CRC32 over "123456789" is the CRC-32C check value', () => {
  // Inverted start and end, as the standard CRC-32C is defined; crc32 eax, cl per byte.
  let crc = 0xffffffffn;
  for (const ch of "123456789") {
    const r = runOne(64, hexBytes("f2 0f 38 f0 c1"), {
      regs: [crc, BigInt(ch.charCodeAt(0))],
      rflags: 2,
      mem: new Uint8Array(0),
    });
    crc = r.regs[0];
  }
  assertEquals(crc ^ 0xffffffffn, 0xe3069283n);
});
