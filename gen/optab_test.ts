import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { operandCode, parseEnc, renderOptab } from "./optab.ts";
import { Opk, Osz } from "../sim/cpu/operands.ts";
import type { OpDef } from "../sim/cpu/defs.ts";

Deno.test("the committed sim/cpu/_optab.ts is what gen/optab.ts generates", () => {
  const committed = Deno.readTextFileSync(new URL("../sim/cpu/_optab.ts", import.meta.url));
  assertEquals(
    committed === renderOptab(),
    true,
    "stale _optab.ts: run `deno run -A gen/optab.ts`",
  );
});

const _d = (enc: string, form = ""): OpDef => ({
  mnem: "x",
  enc,
  form,
  h: "",
  sub: 0,
  attr: 0,
  fw: 0,
  fu: 0,
});

Deno.test("encoding grammar", () => {
  assertEquals(parseEnc(_d("0F 80+cc")).ops.length, 16);
  assertEquals(parseEnc(_d("58+r")).ops, [0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f]);
  assertEquals(parseEnc(_d("F3 90")), {
    map: 0,
    ops: [0x90],
    pfx: 2,
    modrm: "none",
    digit: 0,
    memOnly: false,
    regOnly: false,
    vexL: [],
    vexW: [],
  });
  assertEquals(parseEnc(_d("0F 01 C8")), {
    map: 1,
    ops: [1],
    pfx: 0,
    modrm: "exact",
    digit: 0xc8,
    memOnly: false,
    regOnly: false,
    vexL: [],
    vexW: [],
  });
  assertEquals(parseEnc(_d("66 0F C7 /6m")).memOnly, true);
  assertEquals(parseEnc(_d("FF /6")).digit, 6);
  throws(() => parseEnc(_d("00 /r 12")), /bad encoding/);
  assertEquals(parseEnc(_d("0F 12 /rr")).regOnly, true);
  assertEquals(parseEnc(_d("0F 12 /rm")).memOnly, true);
  const v = parseEnc(_d("VEX.256.66.0F38.W1 45 /r"));
  assertEquals([v.map, v.pfx, v.vexL, v.vexW], [5, 1, [1], [1]]);
  assertEquals(parseEnc(_d("VEX.LIG.F3.0F 58 /r")).vexL, [0, 1]);
  throws(() => parseEnc(_d("VEX.512.0F 58 /r")), /bad encoding/);
  throws(() => renderOptab([_d("00 /r", "Qz")]), /unknown operand kind "Qz"/);
  throws(() => renderOptab([_d("00 /r", "V")]), /unknown operand kind "V"/);
  throws(() => renderOptab([_d("0F 01 08")]), /must be a register form/);
  throws(() => renderOptab([_d("00 /r"), _d("00 /1")]), /collides with a row/);
  throws(() => renderOptab([_d("00 /1"), _d("00")]), /collides with a node/);
});

Deno.test("operand codes: kind in the low byte, size in the high byte", () => {
  assertEquals(operandCode("Ev"), Opk.Ev);
  assertEquals(operandCode("Mq"), Opk.Mq);
  assertEquals(operandCode("Wx"), Opk.W | (Osz.x << 8));
  assertEquals(operandCode("Mt"), Opk.Ms | (Osz.t << 8));
  assertEquals(operandCode("Rb"), Opk.R | (Osz.b << 8));
});
