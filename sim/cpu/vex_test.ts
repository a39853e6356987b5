import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { hexBytes } from "./_testing.ts";
import { ByteSource, decode } from "./decode.ts";
import { formatInsn } from "./disasm.ts";
import { DEC_INVALID, DEC_OK, DEC_TOO_LONG, Insn } from "./insn.ts";
import { isVex } from "./vex.ts";

function _dec(mode: number, hex: string): { st: number; text: string; i: Insn } {
  const i = new Insn();
  const st = decode(new ByteSource(hexBytes(hex)), 0, mode, i);
  return { st, text: st === DEC_OK ? formatInsn(i) : "", i };
}

Deno.test("C4/C5 are VEX in 64-bit mode, elsewhere only before a mod = 11 byte (else LES/LDS)", () => {
  assertEquals([isVex(64, 0x00), isVex(32, 0xe2), isVex(32, 0x3e), isVex(16, 0xc0)], [
    true,
    true,
    false,
    true,
  ]);
});

Deno.test("VEX fields: map, pp, W (64-bit mode only), R X B, vvvv (3 bits outside 64-bit mode)", () => {
  // andn r8, rcx, rbx: R = 1 (inverted 0), W = 1, vvvv = rcx.
  let d = _dec(64, "c4 62 f0 f2 c3");
  assertEquals([d.st, d.text, d.i.vvvv, d.i.len], [DEC_OK, "andn r8,rcx,rbx", 1, 5]);
  // W = 1 in 32-bit mode is ignored; vvvv 1001b names ecx.
  d = _dec(32, "c4 e2 b0 f2 c3");
  assertEquals([d.st, d.text, d.i.vvvv], [DEC_OK, "andn eax,ecx,ebx", 1]);
  // pp selects the row exactly: F3 is PEXT, F2 PDEP, none BZHI, 66 nothing.
  assertEquals(_dec(64, "c4 e2 72 f5 c3").text, "pext eax,ecx,ebx");
  assertEquals(_dec(64, "c4 e2 73 f5 c3").text, "pdep eax,ecx,ebx");
  assertEquals(_dec(64, "c4 e2 70 f5 c3").text, "bzhi eax,ebx,ecx");
  assertEquals(_dec(64, "c4 e2 71 f5 c3").st, DEC_INVALID);
  // A reserved map, legacy 66/F2/F3/LOCK/REX prefixes before VEX: #UD.
  for (
    const hex of ["c4 e0 70 f2 c3", "c4 e4 70 f2 c3", "f3 c4 e2 70 f2 c3", "f0 c4 e2 70 f2 c3"]
  ) {
    assertEquals(_dec(64, hex).st, DEC_INVALID, hex);
  }
  assertEquals(_dec(64, "40 c4 e2 70 f2 c3").st, DEC_INVALID);
  // The prefix is judged once the instruction is decoded: past 15 bytes it is #GP's too-long.
  const long = _dec(64, "f0 ".repeat(9) + "c4 e2 70 f2 84 24 00 00 00 00");
  assertEquals([long.st, long.i.len], [DEC_TOO_LONG, 15]);
  assertEquals(_dec(64, "f0 ".repeat(5) + "c4 e2 70 f2 84 24 00 00 00 00").st, DEC_INVALID);
});

Deno.test("0F 38 and 0F 3A maps; F2/F3 without a row of their own there are not 66's rows", () => {
  assertEquals(_dec(32, "66 0f 38 f6 c3").text, "adcx eax,ebx");
  assertEquals(_dec(32, "f3 0f 38 f6 c3").text, "adox eax,ebx");
  assertEquals(_dec(32, "f2 66 0f 38 f6 c3").st, DEC_INVALID);
  assertEquals(_dec(32, "66 f2 0f 38 f1 c3").text, "crc32 eax,bx");
  assertEquals(_dec(64, "f2 48 0f 38 f0 c3").text, "crc32 rax,bl");
  assertEquals(_dec(32, "f3 0f 3a 0f c1 08").st, DEC_INVALID);
});
