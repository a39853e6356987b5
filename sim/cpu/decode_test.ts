import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { ByteSource, decode } from "./decode.ts";
import { formatInsn } from "./disasm.ts";
import { DEC_FETCH, DEC_INVALID, DEC_OK, DEC_TOO_LONG, Insn, P_LOCK, P_REP } from "./insn.ts";
import { hexBytes } from "./_testing.ts";
import { DS, SS, ZERO_LANE } from "./state.ts";

const _STATUS: Record<string, number> = {
  "!invalid": DEC_INVALID,
  "!toolong": DEC_TOO_LONG,
  "!fetch": DEC_FETCH,
};

function _dec(hex: string, mode = 32): { st: number; i: Insn } {
  const i = new Insn();
  return { st: decode(new ByteSource(hexBytes(hex)), 0, mode, i), i };
}

Deno.test("decoder vectors (testdata/decode.txt)", () => {
  const text = Deno.readTextFileSync(new URL("./testdata/decode.txt", import.meta.url));
  const bad: string[] = [];
  let n = 0;
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [mode, hex, want, len] = line.split(" | ");
    const { st, i } = _dec(hex, Number(mode));
    const got = st === DEC_OK
      ? formatInsn(i, 0x1000)
      : Object.keys(_STATUS).find((k) => _STATUS[k] === st);
    if (got !== want || i.len !== Number(len)) bad.push(`${line}: got ${got} / ${i.len}`);
    n++;
  }
  assertEquals(bad, []);
  assertEquals(n > 100, true);
});

Deno.test("decoder records where each field sat", () => {
  const { st, i } = _dec("f3 26 8b 44 9d f0");
  assertEquals(st, DEC_OK);
  assertEquals([i.nPfx, i.posModrm, i.posSib, i.posDisp, i.posImm, i.len], [2, 3, 4, 5, -1, 6]);
  assertEquals([i.base, i.index, i.scale, i.disp, i.seg, i.pfx & P_REP], [
    10,
    6,
    2,
    0xfffffff0 | 0,
    0,
    P_REP,
  ]);
  const imm = _dec("81 44 24 08 78 56 34 12").i;
  assertEquals([imm.posModrm, imm.posSib, imm.posDisp, imm.posImm, imm.imm, imm.base, imm.seg], [
    1,
    2,
    3,
    4,
    0x12345678,
    8,
    SS,
  ]);
});

Deno.test("ModRM forms: default segments, no base, 16-bit pairs, register lanes", () => {
  // [ebp+8] defaults to SS, [ebx*4+0x10] has no base, [bp+si] is SS in 16-bit code.
  assertEquals(_dec("8b 45 08").i.seg, SS);
  const nb = _dec("8b 04 9d 10 00 00 00").i;
  assertEquals([nb.base, nb.index, nb.scale, nb.disp, nb.seg], [ZERO_LANE, 6, 2, 0x10, DS]);
  const bp = _dec("8b 02", 16).i;
  assertEquals([bp.base, bp.index, bp.seg, bp.asz, bp.osz], [10, 12, SS, 2, 2]);
  // mov al,ah: AH is byte 1 of RAX; with REX, spl is byte 0 of RSP.
  assertEquals([_dec("88 e0").i.regX, _dec("88 e0").i.rmX], [1, 0]);
  assertEquals(_dec("40 88 e0", 64).i.regX, 32);
  // RIP-relative only in 64-bit mode; disp32-only in 32-bit mode.
  assertEquals([_dec("8b 05 10 00 00 00", 64).i.ripRel, _dec("8b 05 10 00 00 00").i.ripRel], [
    true,
    false,
  ]);
});

Deno.test("errors: lock legality, length limit, fetch faults, unknown opcodes", () => {
  assertEquals(_dec("f0 01 00").i.pfx & P_LOCK, P_LOCK);
  assertEquals(_dec("f0 01 00").st, DEC_OK);
  assertEquals(_dec("f0 01 c0").st, DEC_INVALID);
  assertEquals(_dec("f0 8b 00").st, DEC_INVALID);
  assertEquals(_dec("66 ".repeat(14) + "90").st, DEC_OK);
  assertEquals(_dec("66 ".repeat(15) + "90").st, DEC_TOO_LONG);
  assertEquals(_dec("c7 00 01 00").st, DEC_FETCH);
  assertEquals(_dec("0f 0f c0 9e").st, DEC_INVALID); // 3DNow!: AMD's, no row
});
