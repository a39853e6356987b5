import { equal } from "node:assert/strict";
import { fprestorefault, FPSAVE_SIZE, fpsaveexit, newfpsave } from "./fpregs.ts";

Deno.test("newfpsave: 832 bytes with fpinit's control words and the XSAVE header", () => {
  const fp = newfpsave(0xffff);
  equal(fp.length, FPSAVE_SIZE);
  const nonzero = [...fp.entries()].filter(([, b]) => b !== 0).map(([i, b]) =>
    `${i}:${b.toString(16)}`
  );
  equal(nonzero.join(" "), "0:32 1:2 25:19 28:ff 29:ff 512:3");
});

Deno.test("fprestorefault: what makes XRSTOR fault or leave the modeled form", () => {
  const at = (off: number, bytes: number[]) => {
    const fp = newfpsave(0xffff);
    fp.set(bytes, off);
    return fprestorefault(fp, 7n, 0xffff);
  };
  equal(fprestorefault(newfpsave(0xffff), 7n, 0xffff), undefined);
  // XSTATE_BV 7 and anything in the legacy area's free bytes and the YMM halves load.
  equal(at(512, [7]), undefined);
  equal(at(464, [0xff]), undefined);
  equal(at(831, [0xff]), undefined);
  equal(at(527, [0x80]), "compacted form");
  equal(at(520, [1]), "#GP (XSAVE header bytes 23:8 not zero), a kernel panic");
  equal(at(535, [1]), "#GP (XSAVE header bytes 23:8 not zero), a kernel panic");
  // Bytes 63:24 of the header are not checked by the standard form.
  equal(at(536, [1]), undefined);
  equal(at(512, [8]), "#GP (XSTATE_BV bit not in XCR0), a kernel panic");
  equal(at(519, [0x80]), "#GP (XSTATE_BV bit not in XCR0), a kernel panic");
  equal(at(26, [1]), "#GP (reserved MXCSR bit), a kernel panic");
  equal(fprestorefault(newfpsave(0xffbf), 7n, 0xffbf), undefined);
  const daz = newfpsave(0xffbf);
  daz[24] = 0x40;
  equal(fprestorefault(daz, 7n, 0xffbf), "#GP (reserved MXCSR bit), a kernel panic");
});

Deno.test("fpsaveexit: XSAVEOPT writes MXCSR_MASK whatever was there", () => {
  const fp = newfpsave(0xffff);
  fp.fill(0, 28, 32);
  fpsaveexit(fp, 0xffff);
  equal([...fp.subarray(28, 32)].join(" "), "255 255 0 0");
});
