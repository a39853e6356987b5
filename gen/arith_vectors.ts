/**
 * Generates the single-instruction vector files of the arithmetic, logic
 * and bit instructions (sim/cpu/testdata/{alu64,shift,muldiv,bits,bmi,crc}.txt):
 * edge-case operands at every width, register and memory forms, in 64-,
 * 32- and 16-bit mode. Expected values are the simulator's, after every
 * case that means the same on the host (64-bit mode, or 32-bit code without
 * REX) was run there through the native oracle and matched on everything
 * the SDM defines; a mismatch stops the generator. Needs the native runner:
 * `deno run -A gen/arith_vectors.ts`.
 *
 * @module
 */

import { GPR_NAMES, NATIVE_DATA_ADDR, nativeCase, NativeRunner } from "../oracle/mod.ts";
import { DATA_ADDR, formatFields, runOne } from "../sim/cpu/_one.ts";
import { DEC_OK } from "../sim/cpu/insn.ts";
import { undefinedFlags, undefinedResult } from "../sim/cpu/undefined_flags.ts";

const _ARITH = 0x8d5;

/** One vector before its expected values are known. */
interface Vec {
  mode: 16 | 32 | 64;
  code: number[];
  regs: Map<number, bigint>;
  fl: number;
  m?: Uint8Array;
  /** Register holding a shift count (CL: 1), or -1 for the immediate. */
  note?: string;
}

const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSI = 6;
const MAX: bigint[] = [0n, 0xffn, 0xffffn, 0n, 0xffffffffn, 0n, 0n, 0n, 0xffffffffffffffffn];

/** Edge values of a width in bytes. */
function edges(w: number): bigint[] {
  const max = MAX[w], sign = (max + 1n) / 2n;
  return [0n, 1n, sign - 1n, sign, max, max - 1n, 0x5an & max, (0x123456789abcdef0n & max) | 1n];
}

/** Operand-size prefix and REX.W for width `w` in `mode`. */
function sizePfx(mode: number, w: number): number[] {
  if (w === 8) return mode === 64 ? [0x48] : [];
  if (w === 2) return mode === 16 ? [] : [0x66];
  if (w === 4) return mode === 16 ? [0x66] : [];
  return [];
}

/** ModRM for reg field `reg` and r/m = RCX, or memory [RSI] ([SI] in 16-bit code). */
function modrm(mode: number, reg: number, mem: boolean): number {
  if (!mem) return 0xc0 | (reg << 3) | 1;
  return (reg << 3) | (mode === 16 ? 4 : 6);
}

function memBytes(v: bigint, w: number): Uint8Array {
  const m = new Uint8Array(16);
  for (let k = 0; k < w; k++) m[k] = Number((v >> BigInt(8 * k)) & 0xffn);
  return m;
}

/** Base registers of a case: RSI at the data area (0 in 16-bit code, where DS is based there). */
function base(mode: number): Map<number, bigint> {
  return new Map([[RSI, mode === 16 ? 0n : BigInt(DATA_ADDR)]]);
}

/** r/m operand `a` (in RCX or memory) and reg operand `b` (in RBX). */
function rmReg(
  mode: 16 | 32 | 64,
  code: number[],
  a: bigint,
  b: bigint,
  w: number,
  mem: boolean,
  fl: number,
): Vec {
  const regs = base(mode);
  regs.set(RBX, b);
  let m: Uint8Array | undefined;
  if (mem) m = memBytes(a, w);
  else regs.set(RCX, a);
  return { mode, code, regs, fl, m };
}

const WIDTHS = [1, 2, 4, 8];
const MODES: (16 | 32 | 64)[] = [64, 32, 16];

function widthsIn(mode: number): number[] {
  return mode === 64 ? WIDTHS : [1, 2, 4];
}

function alu64Vecs(): Vec[] {
  const out: Vec[] = [];
  // ALU Ev,Gv (01+8k /r) at 64 bits, register and memory, all edge pairs, CF 0 and 1.
  for (let k = 0; k < 8; k++) {
    for (const a of edges(8)) {
      for (const b of [0n, 1n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn]) {
        const mem = (a ^ b) % 5n === 0n;
        const code = [0x48, k * 8 + 1, modrm(64, RBX, mem)];
        out.push(rmReg(64, code, a, b, 8, mem, k === 2 || k === 3 ? 0x803 : 0x2));
      }
    }
    // Gv,Ev and the immediate forms, fewer operands.
    for (const a of [0n, 0xffffffffffffffffn, 0x8000000000000000n, 0x17n]) {
      out.push(rmReg(64, [0x48, k * 8 + 3, modrm(64, RBX, false)], a, 5n, 8, false, 0x3));
      out.push(rmReg(64, [0x48, 0x83, modrm(64, k, a === 0x17n), 0xff], a, 0n, 8, a === 0x17n, 2));
      out.push(rmReg(64, [0x48, 0x81, modrm(64, k, false), 0, 0, 0, 0x80], a, 0n, 8, false, 0x3));
    }
    out.push({
      mode: 64,
      code: [0x48, k * 8 + 5, 1, 0, 0, 0x80],
      regs: new Map([[RAX, 1n]]),
      fl: 3,
    });
  }
  // TEST, NOT, NEG, INC, DEC at 64 bits.
  for (const a of edges(8)) {
    out.push(rmReg(64, [0x48, 0x85, modrm(64, RBX, false)], a, 0x8000000000000001n, 8, false, 2));
    for (const d of [2, 3]) {
      out.push(rmReg(64, [0x48, 0xf7, modrm(64, d, false)], a, 0n, 8, false, 2));
    }
    for (const d of [0, 1]) {
      out.push(rmReg(64, [0x48, 0xff, modrm(64, d, a === 1n)], a, 0n, 8, a === 1n, 0x3));
    }
  }
  // The same operations in 16-bit code.
  for (const k of [0, 2, 3, 5, 7]) {
    for (const a of edges(2)) {
      out.push(rmReg(16, [k * 8 + 1, modrm(16, RBX, a === 1n)], a, 0x8001n, 2, a === 1n, 3));
      out.push(rmReg(16, [0x66, k * 8 + 1, modrm(16, RBX, false)], a, 0xffffffffn, 4, false, 3));
    }
  }
  // ADCX and ADOX, carry in and out.
  for (const [pfx, fl] of [[0x66, 0x1], [0x66, 0x800], [0xf3, 0x800], [0xf3, 0x1]]) {
    for (const w of [4, 8]) {
      for (const a of [0n, 0xffffffffn, 0xffffffffffffffffn]) {
        const code = [pfx, ...(w === 8 ? [0x48] : []), 0x0f, 0x38, 0xf6, modrm(64, RBX, a === 0n)];
        out.push(rmReg(64, code, a, 1n, w, a === 0n, fl));
      }
    }
  }
  return out;
}

const SHIFT_COUNTS = [0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65];

function shiftVecs(): Vec[] {
  const out: Vec[] = [];
  for (const mode of MODES) {
    for (const w of widthsIn(mode)) {
      for (let d = 0; d < 8; d++) {
        if (d === 6) continue; // SAL is SHL
        for (const a of [0x80000000000000a5n & MAX[w] | 1n, MAX[w] / 2n + 1n, 0x1n]) {
          for (const n of SHIFT_COUNTS) {
            if (mode !== 64 && n > 33) continue;
            const mem = n === 9;
            const op = w === 1 ? 0xd2 : 0xd3;
            const code = [...sizePfx(mode, w), op, modrm(mode, d, mem)];
            const v = rmReg(mode, code, a, 0n, w, mem, a === 1n ? 0x8d7 : 0x2);
            v.regs.set(RCX, mem ? BigInt(n) : (a & ~0xffn) | BigInt(n));
            if (!mem) v.regs.set(RCX, BigInt(n));
            if (!mem) {
              // Operand in RDX (r/m 2) so CL stays the count.
              code[code.length - 1] = 0xc0 | (d << 3) | 2;
              v.regs.set(RDX, a);
            }
            out.push(v);
          }
          // By 1 (D0/D1) and by an immediate (C0/C1).
          out.push(
            rmReg(
              mode,
              [...sizePfx(mode, w), w === 1 ? 0xd0 : 0xd1, modrm(mode, d, false)],
              a,
              0n,
              w,
              false,
              0x3,
            ),
          );
          out.push(
            rmReg(
              mode,
              [...sizePfx(mode, w), w === 1 ? 0xc0 : 0xc1, modrm(mode, d, false), 0x43],
              a,
              0n,
              w,
              false,
              0x2,
            ),
          );
        }
      }
    }
    // SHLD/SHRD, 16/32/64 bits, counts across the operand size.
    for (const w of widthsIn(mode).filter((x) => x > 1)) {
      for (const op of [0xa5, 0xad]) {
        for (const n of SHIFT_COUNTS) {
          if (mode !== 64 && n > 33) continue;
          const code = [...sizePfx(mode, w), 0x0f, op, 0xc0 | (RBX << 3) | 2];
          const v: Vec = {
            mode,
            code,
            regs: new Map([
              [RDX, 0x123456789abcdef1n & MAX[w]],
              [RBX, 0xfedcba9876543210n & MAX[w]],
              [RCX, BigInt(n)],
            ]),
            fl: 0x2,
          };
          out.push(v);
        }
        out.push(
          rmReg(
            mode,
            [...sizePfx(mode, w), 0x0f, op - 1, modrm(mode, RBX, true), 4],
            0x8421n,
            0x1234n,
            w,
            true,
            2,
          ),
        );
      }
    }
  }
  return out;
}

function muldivVecs(): Vec[] {
  const out: Vec[] = [];
  for (const mode of MODES) {
    for (const w of widthsIn(mode)) {
      const pre = sizePfx(mode, w), op = w === 1 ? 0xf6 : 0xf7;
      const e = edges(w);
      for (let d = 4; d < 8; d++) {
        for (const a of e) {
          for (const b of [1n, 2n, MAX[w], MAX[w] / 2n + 1n, 0n, 0x10n]) {
            const mem = b === 0x10n;
            const v = rmReg(mode, [...pre, op, modrm(mode, d, mem)], b, 0n, w, mem, 0x8d7);
            v.regs.set(RAX, a);
            v.regs.set(RDX, d >= 6 ? (a === 0n ? 0n : MAX[w] >> 4n) : 0xaaaan);
            out.push(v);
          }
        }
        // The most negative dividend by -1 (IDIV), and a quotient that just fits.
        const v = rmReg(mode, [...pre, op, modrm(mode, d, false)], MAX[w], 0n, w, false, 2);
        v.regs.set(RAX, w === 1 ? 0x8000n : MAX[w] / 2n + 1n);
        v.regs.set(RDX, w === 1 ? 0n : MAX[w]);
        out.push(v);
      }
      if (w === 1) continue;
      for (const a of e) {
        for (const b of [3n, MAX[w], MAX[w] / 2n]) {
          out.push(
            rmReg(mode, [...pre, 0x0f, 0xaf, modrm(mode, RBX, b === 3n)], b, a, w, b === 3n, 2),
          );
          out.push(
            rmReg(mode, [...pre, 0x6b, modrm(mode, RBX, false), 0x81], b, a, w, false, 0x8d7),
          );
        }
        const iz = w === 2 ? [0x34, 0x92] : [0x34, 0x92, 0x45, 0xf6];
        out.push(rmReg(mode, [...pre, 0x69, modrm(mode, RBX, false), ...iz], a, 0n, w, false, 2));
      }
      for (const op of [0x98, 0x99]) {
        for (const a of [0x7fn, 0x80n, 0x8000n, 0x80000000n, 0x8000000000000000n]) {
          out.push({ mode, code: [...pre, op], regs: new Map([[RAX, a], [RDX, 0x5555n]]), fl: 2 });
        }
      }
    }
  }
  return out;
}

function bitsVecs(): Vec[] {
  const out: Vec[] = [];
  for (const mode of MODES) {
    for (const w of widthsIn(mode).filter((x) => x > 1)) {
      const pre = sizePfx(mode, w);
      for (const [k, op] of [0xa3, 0xab, 0xb3, 0xbb].entries()) {
        for (
          const off of [0n, 5n, BigInt(w * 8 - 1), BigInt(w * 8), 77n, MAX[w] - 2n, MAX[w] - 40n]
        ) {
          for (const mem of [false, true]) {
            const v = rmReg(
              mode,
              [...pre, 0x0f, op, modrm(mode, RBX, mem)],
              0x8000000000000021n & MAX[w],
              off,
              w,
              mem,
              0x8d6,
            );
            if (mem) {
              // The data area's middle, so negative offsets stay inside it.
              v.regs.set(RSI, mode === 16 ? 0x100n : BigInt(DATA_ADDR) + 0x100n);
              const m = new Uint8Array(0x200);
              for (let j = 0; j < m.length; j++) m[j] = (j * 37 + 11) & 0xff;
              v.m = m;
            }
            out.push(v);
          }
        }
        out.push(
          rmReg(
            mode,
            [...pre, 0x0f, 0xba, modrm(mode, 4 + k, false), 0x45],
            MAX[w] - 2n,
            0n,
            w,
            false,
            0x2,
          ),
        );
        out.push(
          rmReg(mode, [...pre, 0x0f, 0xba, modrm(mode, 4 + k, true), 0x03], 0x8n, 0n, w, true, 0x2),
        );
      }
      for (const [pfx, op] of [[-1, 0xbc], [-1, 0xbd], [0xf3, 0xb8], [0xf3, 0xbc], [0xf3, 0xbd]]) {
        for (const a of [0n, 1n, 0x80n, MAX[w], MAX[w] / 2n + 1n, 0x00f0000000000f00n & MAX[w]]) {
          const code = [...(pfx > 0 ? [pfx] : []), ...pre, 0x0f, op, modrm(mode, RBX, a === 0x80n)];
          const v = rmReg(mode, code, a, 0n, w, a === 0x80n, 0x8d7);
          v.regs.set(RBX, 0xdeadbeefcafef00dn);
          out.push(v);
        }
      }
      out.push({
        mode,
        code: [...pre, 0x0f, 0xcb],
        regs: new Map([[RBX, 0x1122334455667788n]]),
        fl: 2,
      });
    }
  }
  return out;
}

function bmiVecs(): Vec[] {
  const out: Vec[] = [];
  const ops: [number, number, number, number][] = [
    // map, pp, opcode, digit (-1: /r)
    [2, 0, 0xf2, -1],
    [2, 0, 0xf3, 1],
    [2, 0, 0xf3, 2],
    [2, 0, 0xf3, 3],
    [2, 0, 0xf5, -1],
    [2, 2, 0xf5, -1],
    [2, 3, 0xf5, -1],
    [2, 3, 0xf6, -1],
    [2, 0, 0xf7, -1],
    [2, 1, 0xf7, -1],
    [2, 2, 0xf7, -1],
    [2, 3, 0xf7, -1],
    [3, 3, 0xf0, -1],
  ];
  for (const mode of MODES) {
    for (const wbit of mode === 64 ? [0, 1] : [0]) {
      for (const [map, pp, op, digit] of ops) {
        const rorx = op === 0xf0;
        const vvvv = rorx ? 0 : RDX;
        for (const a of [0n, 1n, 0x80000000n, 0xf0f0f0f0f0f0f0f0n, 0xffffffffffffffffn]) {
          for (const ctl of [0n, 4n, 0x0804n, 0x2010n, 0x4040n, 0xff00n]) {
            const mem = ctl === 0x4040n;
            const code = [0xc4, 0xe0 | map, (wbit << 7) | ((~vvvv & 15) << 3) | pp, op];
            code.push(modrm(mode, digit >= 0 ? digit : RBX, mem));
            if (rorx) code.push(Number(ctl & 0x3fn) + 3);
            const v = rmReg(mode, code, a, 0x1234567887654321n, wbit ? 8 : 4, mem, 0x8d7);
            v.regs.set(RDX, ctl | 0xabcd0000n);
            out.push(v);
          }
        }
      }
    }
  }
  return out;
}

function crcVecs(): Vec[] {
  const out: Vec[] = [];
  for (const mode of MODES) {
    for (const a of [0n, 0xffffffffn, 0x31323334n, 0xffffffffffffffffn]) {
      out.push(
        rmReg(mode, [0xf2, 0x0f, 0x38, 0xf0, modrm(mode, RBX, false)], a, 0x12345678n, 4, false, 2),
      );
      for (const w of widthsIn(mode).filter((x) => x > 1)) {
        const code = [0xf2, ...sizePfx(mode, w), 0x0f, 0x38, 0xf1, modrm(mode, RBX, a === 0n)];
        out.push(rmReg(mode, code, a, 0xffffffffn, w, a === 0n, 2));
      }
    }
  }
  return out;
}

/** The count operand of a shift or SHLD/SHRD vector (for undefinedFlags). */
function countOf(v: Vec, opc: number, imm: number): number {
  if (opc === 0xd2 || opc === 0xd3 || opc === 0x1a5 || opc === 0x1ad) {
    return Number((v.regs.get(RCX) ?? 0n) & 0xffn);
  }
  return opc === 0xd0 || opc === 0xd1 ? 1 : imm;
}

// Cases whose bytes mean the same in 64-bit mode: 64-bit ones, and 32-bit ones without REX
// (the memory operand is [esi] = [rsi] there too).
function nativeComparable(v: Vec): boolean {
  return v.mode === 64 || (v.mode === 32 && !v.code.some((b, k) => k < 2 && (b & 0xf0) === 0x40));
}

async function render(vecs: Vec[], runner: NativeRunner, title: string): Promise<string> {
  const lines = [
    `# ${title}`,
    "# Generated by gen/arith_vectors.ts: expected values are the simulator's, checked against",
    "# the host CPU where the SDM defines them. mode | bytes | initial | expected changes.",
  ];
  const comparable = vecs.filter(nativeComparable);
  const native = await runner.run(comparable.map((v) =>
    nativeCase(new Uint8Array(v.code), {
      regs: Object.fromEntries(
        [...v.regs].filter(([r]) => r !== 4).map(([r, x]) => [
          GPR_NAMES[r],
          x,
        ]),
      ),
      rflags: BigInt(v.fl),
      mem: [{ addr: NATIVE_DATA_ADDR, bytes: v.m ?? new Uint8Array(16) }],
      stack: 0,
    })
  ));
  let k = 0;
  for (const v of vecs) {
    const regs = Array.from({ length: 16 }, (_, r) => v.regs.get(r) ?? 0n);
    const mem = v.m ?? new Uint8Array(16);
    const s = runOne(v.mode, new Uint8Array(v.code), { regs, rflags: v.fl, mem });
    const hex = v.code.map((b) => b.toString(16).padStart(2, "0")).join(" ");
    if (s.status !== DEC_OK) throw new Error(`${v.mode} ${hex}: decode status ${s.status}`);
    if (nativeComparable(v)) {
      const n = native[k++];
      const count = countOf(v, s.insn.opc, s.insn.imm);
      const mask = _ARITH & ~undefinedFlags(s.insn, count);
      const skip = undefinedResult(s.insn, count) ? (s.insn.rm >= 0 ? s.insn.rm : s.insn.reg) : -1;
      const nExc = n.kind === "fault" ? n.trapno ?? -2 : -1;
      const same = nExc === s.exc && (Number(n.rflags) & mask) === (s.rflags & mask) &&
        n.regs.every((x, r) => r === 4 || r === skip || x === s.regs[r]) &&
        n.mem[0].bytes.every((b, j) => b === s.mem[j]);
      if (!same) throw new Error(`${v.mode} ${hex}: the simulator and the host CPU differ`);
    }
    const changed = new Map<number, bigint>();
    s.regs.forEach((x, r) => {
      if (x !== regs[r]) changed.set(r, x);
    });
    const memOut = s.mem.subarray(0, mem.length);
    const want = formatFields(changed, {
      fl: (s.rflags & _ARITH) !== (v.fl & _ARITH) ? s.rflags & _ARITH : undefined,
      m: memOut.some((b, j) => b !== mem[j]) ? memOut : undefined,
      exc: s.exc >= 0 ? s.exc : undefined,
    });
    const init = formatFields(v.regs, { fl: v.fl, m: v.m });
    lines.push(`${v.mode} | ${hex} | ${init} | ${want}`);
  }
  return lines.join("\n") + "\n";
}

/** The vector files (name in sim/cpu/testdata/, text), checked against the host CPU through `runner`. */
export async function renderVectors(runner: NativeRunner): Promise<[string, string][]> {
  const files: [string, Vec[], string][] = [
    ["alu64.txt", alu64Vecs(), "ALU at 64 bits and in 16-bit code; ADCX, ADOX."],
    ["shift.txt", shiftVecs(), "Shifts, rotates, SHLD/SHRD at every width and mode, counts 0-65."],
    ["muldiv.txt", muldivVecs(), "MUL IMUL DIV IDIV (all forms), CBW and CWD families."],
    ["bits.txt", bitsVecs(), "BT BTS BTR BTC, BSF BSR POPCNT TZCNT LZCNT, BSWAP."],
    ["bmi.txt", bmiVecs(), "BMI1 and BMI2."],
    ["crc.txt", crcVecs(), "CRC32 (CRC-32C)."],
  ];
  const out: [string, string][] = [];
  for (const [name, vecs, title] of files) out.push([name, await render(vecs, runner, title)]);
  return out;
}

/** Where the vector files live. */
export const VECTOR_DIR: URL = new URL("../sim/cpu/testdata/", import.meta.url);

if (import.meta.main) {
  await using runner = await NativeRunner.open();
  for (const [name, text] of await renderVectors(runner)) {
    Deno.writeTextFileSync(new URL(name, VECTOR_DIR), text);
  }
}
