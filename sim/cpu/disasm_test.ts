import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { Decoder, DecoderOptions, Formatter, FormatterSyntax, MemorySizeOptions } from "iced-x86";
import { parseEnc } from "../../gen/optab.ts";
import { IcedDecoder } from "../../fuzz/decoder_iced.ts";
import { ByteSource, decode } from "./decode.ts";
import { OPDEFS } from "./defs.ts";
import { formatInsn, hexNum, regName } from "./disasm.ts";
import { DEC_OK, Insn } from "./insn.ts";
import { hexBytes } from "./_testing.ts";

// Deterministic byte stream (LCG, fixed seed) for ModRM/SIB/displacement/immediate tails.
function _lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  };
}

const _PREFIXES = [[], [0x66], [0x67], [0x26], [0xf0], [0x66, 0x67], [0xf3], [0xf2]];
// In 64-bit mode also REX.W and REX.B, and a 66 before REX.W.
const _PREFIXES64 = [..._PREFIXES, [0x48], [0x41], [0x66, 0x48]];

/** Every row, with several prefix sets and ModRM forms, in 16-, 32- and 64-bit mode. */
function* _encodings(): Generator<{ mode: number; bytes: Uint8Array }> {
  const rnd = _lcg(0x5eed);
  const pick = (a: number[]) => a[rnd() % a.length];
  for (const d of OPDEFS) {
    const e = parseEnc(d);
    for (const op of e.ops) {
      for (const mode of [16, 32, 64]) {
        for (const pfx of mode === 64 ? _PREFIXES64 : _PREFIXES) {
          for (let t = 0; t < 4; t++) {
            const b: number[] = [...pfx];
            if (e.map >= 4) {
              // Three-byte VEX: R X B (random in 64-bit mode, else 111b inverted), the map,
              // then one of the row's W values, a random vvvv, one of its L values, and pp.
              const rxb = mode === 64 ? rnd() & 0xe0 : 0xe0;
              b.push(0xc4, rxb | (e.map - 3));
              b.push((pick(e.vexW) << 7) | (rnd() & 0x78) | (pick(e.vexL) << 2) | e.pfx);
            } else {
              if (e.pfx) b.push([0, 0x66, 0xf3, 0xf2][e.pfx]);
              if (e.map >= 1) b.push(0x0f);
              if (e.map >= 2) b.push(e.map === 2 ? 0x38 : 0x3a);
            }
            b.push(op);
            if (e.modrm === "exact") b.push(e.digit);
            else if (e.modrm !== "none") {
              let m = rnd();
              if (t === 0 || e.regOnly) m |= 0xc0;
              // LES/LDS with a register ModRM are the VEX prefixes C4/C5 (VEX rows cover them).
              const vex = e.map === 0 && (op === 0xc4 || op === 0xc5);
              if ((e.memOnly || vex) && m >= 0xc0) m &= 0x7f;
              if (e.modrm === "digit") m = (m & 0xc7) | (e.digit << 3);
              b.push(m);
            }
            for (let k = 0; k < 10; k++) b.push(rnd());
            yield { mode, bytes: new Uint8Array(b) };
          }
        }
      }
    }
  }
}

Deno.test("decoder and formatter agree with iced-x86 on every row", () => {
  const f = new Formatter(FormatterSyntax.Intel);
  f.memorySizeOptions = MemorySizeOptions.Always;
  const insn = new Insn();
  const model = new IcedDecoder();
  const bad: string[] = [];
  let n = 0;
  for (const { mode, bytes } of _encodings()) {
    const st = decode(new ByteSource(bytes), 0, mode, insn);
    const d = new Decoder(mode, bytes, DecoderOptions.None);
    d.ip = 0x1000n;
    const ref = d.decode();
    const hex = Array.from(
      bytes.slice(0, Math.max(insn.len, ref.length)),
      (x) => x.toString(16).padStart(2, "0"),
    ).join(" ");
    // What the modeled Skylake lacks (AMD's SSE4a, AVX-512, later Intel features) is #UD.
    const absent = !ref.isInvalid && model.decode(mode, bytes).status === "invalid";
    if (ref.isInvalid || absent) {
      if (st === DEC_OK) bad.push(`${mode} ${hex}: iced invalid, we ${formatInsn(insn, 0x1000)}`);
    } else if (st !== DEC_OK) {
      bad.push(`${mode} ${hex}: iced ${f.format(ref)}, we status ${st}`);
    } else {
      const want = `${f.format(ref)} /${ref.length}`,
        got = `${formatInsn(insn, 0x1000)} /${insn.len}`;
      if (want !== got) bad.push(`${mode} ${hex}: iced ${want}, we ${got}`);
      n++;
    }
    ref.free();
    d.free();
  }
  f.free();
  model.free();
  // One report per opcode keeps a failure readable.
  const seen = new Set<string>();
  const key = (b: string) => b.replace(/^(\d+) [^:]*: iced (\S+).*, we (\S+).*/, "$1 $2 $3");
  assertEquals(bad.filter((b) => !seen.has(key(b)) && seen.add(key(b))).slice(0, 30), []);
  assertEquals(n > 4000, true);
});

Deno.test("a 66 that 64-bit code ignores on a near branch is not shown; elsewhere it is", () => {
  const text = (mode: number, hex: string) => {
    const i = new Insn();
    decode(new ByteSource(hexBytes(hex)), 0, mode, i);
    return formatInsn(i, 0x1000);
  };
  assertEquals(text(64, "66 c3"), "ret");
  assertEquals(text(64, "66 e8 00 00 00 00"), "call 0000000000001006h");
  assertEquals(text(32, "66 c3"), "data16 ret");
  assertEquals(text(16, "66 e8 00 00 00 00"), "data32 call 00001006h");
});

Deno.test("register names and numbers", () => {
  assertEquals([
    regName(4, 1),
    regName(4, 1, 0x40),
    regName(9, 1),
    regName(9, 2),
    regName(9, 4),
    regName(9, 8),
  ], [
    "ah",
    "spl",
    "r9b",
    "r9w",
    "r9d",
    "r9",
  ]);
  assertEquals([hexNum(9), hexNum(10), hexNum(0xff), hexNum(0x1000, 8)], [
    "9",
    "0Ah",
    "0FFh",
    "00001000h",
  ]);
});
