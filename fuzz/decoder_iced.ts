/**
 * iced-x86 seen through the normal form: the reference decoder. Its memory
 * operand and 64-bit immediates and branch targets come from the decoded
 * fields, because its formatter drops the high half of some 64-bit numbers
 * (`mov rax,8000000000000000h` prints as `mov rax,0`); RIP-relative
 * operands are printed as `[rip+disp]`.
 *
 * Vendor: the simulator is an Intel CPU (VT-x), so an instruction iced
 * decodes that needs a feature no Intel CPU has (AMD's SSE4a, XOP, 3DNow!,
 * SVM...; VIA's PadLock; the *_ONLY features of old CPUs) counts as invalid.
 * So does AVX-512 (every EVEX encoding): the modeled CPU is a Skylake client
 * part (sim/vmx/host.ts), which has none and raises #UD on an EVEX prefix;
 * nor has it TSX (XBEGIN, XABORT, XEND, XTEST: RTM and HLE were removed from
 * Skylake client parts by microcode) or SGX's ENCLV (oversubscription).
 * Where the vendors differ on one encoding iced-x86 takes AMD's side:
 * SYSCALL and SYSRET outside 64-bit mode are #UD on Intel (SDM vol. 2), so
 * they count as invalid there too.
 *
 * Telling the 15-byte limit from other invalid encodings: iced reports both
 * as invalid, at length 15 for the limit. Such a case is decoded again with
 * the prefixes that cannot change length or validity removed (segment
 * overrides, all but the last of each repeated prefix, REX bytes not next to
 * the opcode): if that shorter form decodes (or runs out of bytes) it is
 * "toolong"; if it is invalid too, the encoding is invalid whatever its
 * length, and it stays "invalid" at length 15, which compareDecoded lets
 * our decoder call either (SDM vol. 3 table 6-2 ranks both alike).
 *
 * @module
 */

import {
  CpuidFeature,
  Decoder,
  DecoderError,
  DecoderOptions,
  Formatter,
  FormatterSyntax,
  Instruction,
  MemorySizeOptions,
  Mnemonic,
  OpKind,
  Register,
} from "iced-x86";
import { type Decoded, type MemRef, normalizeIntel } from "./decoder_norm.ts";
import { ORACLE_IP } from "./decoder_ours.ts";

const _IP = BigInt(ORACLE_IP);

/**
 * CPUID features no current Intel CPU has, and the later Intel ones the
 * modeled Skylake client lacks (AVX-512 and its EVEX prefix, SHA, GFNI,
 * UINTR...), where their encodings raise #UD on it. Later features that sit
 * in the reserved-NOP space (ENDBR, RDSSP, CLDEMOTE, PREFETCHIT) or that
 * the simulator decodes and faults at run time (RDPID) are not listed.
 */
const _NOT_INTEL: ReadonlySet<number> = new Set(
  Object.entries(CpuidFeature)
    .filter(([name, v]) =>
      typeof v === "number" && (
        /_ONLY$|^(D3NOW|CYRIX|PADLOCK|CENTAUR|SEV|SKINIT|AVX512|AMX_|AVX_)/.test(name) ||
        [
          "AESKLE",
          "CET_SS",
          "CLWB",
          "CMPCCXADD",
          "ENQCMD",
          "FRED",
          "GFNI",
          "HRESET",
          "KL",
          "LKGS",
          "MOVDIR64B",
          "MOVDIRI",
          "MSRLIST",
          "OSS",
          "PCONFIG",
          "PKU",
          "PTWRITE",
          "RAO_INT",
          "RTM",
          "HLE_or_RTM",
          "SERIALIZE",
          "SHA",
          "SHA512",
          "SM3",
          "SM4",
          "TDX",
          "TSE",
          "TSXLDTRK",
          "UINTR",
          "VAES",
          "VPCLMULQDQ",
          "WAITPKG",
          "WIDE_KL",
          "WRMSRNS",
        ].includes(name) ||
        [
          "CLZERO",
          "FMA4",
          "LWP",
          "MCOMMIT",
          "MONITORX",
          "RDPRU",
          "SSE4A",
          "SVM",
          "TBM",
          "XOP",
          "INVLPGB",
          "RMPQUERY",
          "KNC",
          "UDBG",
        ].includes(name)
      )
    )
    .map(([, v]) => v as number),
);
/** Instructions Intel has in 64-bit mode only where AMD (and iced-x86) have them everywhere. */
const _LONG_ONLY: ReadonlySet<Mnemonic> = new Set([Mnemonic.Syscall, Mnemonic.Sysret]);
const _MAX_LEN = 15;
const _IMM64: ReadonlySet<OpKind | undefined> = new Set([
  OpKind.Immediate64,
  OpKind.Immediate8to64,
  OpKind.Immediate32to64,
]);
const _SEGMENT = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65]);
const _LEGACY = new Set([0x66, 0x67, 0xf0, 0xf2, 0xf3, ..._SEGMENT]);

/**
 * `bytes` without the prefixes that change neither length nor validity,
 * and how many were removed.
 */
export function inertPrefixesRemoved(mode: number, bytes: Uint8Array): [Uint8Array, number] {
  let end = 0;
  while (
    end < bytes.length && (_LEGACY.has(bytes[end]) || mode === 64 && (bytes[end] & 0xf0) === 0x40)
  ) end++;
  const keep: number[] = [];
  for (let k = 0; k < end; k++) {
    const b = bytes[k];
    const rex = (b & 0xf0) === 0x40 && !_LEGACY.has(b);
    if (rex ? k === end - 1 : !_SEGMENT.has(b) && bytes.subarray(k + 1, end).indexOf(b) < 0) {
      keep.push(b);
    }
  }
  const out = new Uint8Array(keep.length + bytes.length - end);
  out.set(keep);
  out.set(bytes.subarray(end), keep.length);
  return [out, bytes.length - out.length];
}

function _reg(r: Register): string {
  return r === Register.None ? "" : Register[r].toLowerCase();
}

/** iced-x86's decoder and Intel formatter; holds wasm objects, so `free()` it when done. */
export class IcedDecoder {
  #fmt: Formatter;
  #insn: Instruction;

  /** Allocate the formatter: memory sizes always shown, RIP-relative operands as `[rip+disp]`. */
  constructor() {
    this.#fmt = new Formatter(FormatterSyntax.Intel);
    this.#fmt.memorySizeOptions = MemorySizeOptions.Always;
    this.#fmt.ripRelativeAddresses = true;
    this.#insn = new Instruction();
  }

  /** Decode `bytes` in `mode` (16, 32, 64) at ORACLE_IP, in normal form. */
  decode(mode: number, bytes: Uint8Array): Decoded {
    const err = this.#decodeOut(mode, bytes);
    const i = this.#insn;
    const len = i.length;
    if (err === DecoderError.NoMoreBytes) return { status: "truncated", len, text: "truncated" };
    if (i.isInvalid) {
      return len >= _MAX_LEN && bytes.length > _MAX_LEN && this.#tooLong(mode, bytes)
        ? { status: "toolong", len: _MAX_LEN, text: "toolong" }
        : { status: "invalid", len, text: "invalid" };
    }
    const absent = this.#absent(mode);
    if (absent !== undefined) return { status: "invalid", len, text: `invalid (${absent})` };
    const text = this.#fmt.format(i);
    const norm = normalizeIntel(text, mode, { mem: this.#memRef(mode), numbers: this.#numbers() });
    return { status: "ok", len, text, norm };
  }

  /** Release the wasm objects. */
  free(): void {
    this.#fmt.free();
    this.#insn.free();
  }

  /**
   * Why the decoded instruction is #UD on the modeled CPU though iced-x86
   * decodes it: a feature it lacks, or Intel's side of a vendor difference.
   */
  #absent(mode: number): string | undefined {
    const i = this.#insn;
    // RDSSP is in the reserved-NOP space (F3 0F 1E /1): a NOP on a CPU without CET.
    const nop = i.mnemonic === Mnemonic.Rdsspd || i.mnemonic === Mnemonic.Rdsspq;
    const f = Array.from(i.cpuidFeatures()).find((f) =>
      _NOT_INTEL.has(f) && !(nop && f === CpuidFeature.CET_SS)
    );
    if (f !== undefined) return `${CpuidFeature[f]}: not on the modeled CPU`;
    if (mode !== 64 && _LONG_ONLY.has(i.mnemonic)) return "Intel: 64-bit mode only";
    return undefined;
  }

  #tooLong(mode: number, bytes: Uint8Array): boolean {
    const [short, removed] = inertPrefixesRemoved(mode, bytes);
    if (removed === 0) return false;
    const err = this.#decodeOut(mode, short);
    return err === DecoderError.NoMoreBytes ||
      !this.#insn.isInvalid && this.#absent(mode) === undefined;
  }

  /** 64-bit immediates and branch targets by formatted operand position. */
  #numbers(): (bigint | undefined)[] {
    const i = this.#insn;
    const out: (bigint | undefined)[] = [];
    for (let k = 0; k < this.#fmt.operandCount(i); k++) {
      const op = this.#fmt.getInstructionOperand(i, k);
      const kind = op === undefined ? undefined : i.opKind(op);
      if (kind === OpKind.NearBranch64) out[k] = i.nearBranch64;
      else if (_IMM64.has(kind)) out[k] = BigInt.asUintN(64, i.immediate(op as number));
    }
    return out;
  }

  #memRef(mode: number): MemRef | undefined {
    const i = this.#insn;
    let k = 0;
    while (k < i.opCount && i.opKind(k) !== OpKind.Memory) k++;
    if (k === i.opCount) return undefined;
    // XLAT's AL index is implicit: the formatter and our decoder both leave it out.
    const base = _reg(i.memoryBase),
      index = i.memoryIndex === Register.AL ? "" : _reg(i.memoryIndex);
    let disp = i.memoryDisplacement;
    if (i.memoryBase === Register.RIP) disp -= _IP + BigInt(i.length);
    else if (i.memoryBase === Register.EIP) disp = BigInt.asIntN(32, disp - _IP - BigInt(i.length));
    else if (base === "" && index === "") disp = BigInt.asUintN(mode === 64 ? 64 : 32, disp);
    return { seg: _reg(i.memorySegment), base, index, scale: i.memoryIndexScale, disp };
  }

  #decodeOut(mode: number, bytes: Uint8Array): DecoderError {
    const d = new Decoder(mode, bytes, DecoderOptions.None);
    try {
      d.ip = _IP;
      d.decodeOut(this.#insn);
      return d.lastError;
    } finally {
      d.free();
    }
  }
}
