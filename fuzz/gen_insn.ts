/**
 * Random instruction sequences for the native differential campaign: valid
 * 64-bit user-mode code over the forms of gen_insn_table.ts, with operands
 * from gen_insn_values.ts and memory operands that stay inside the case's
 * regions (gen_insn_operands.ts), encoded with iced-x86.
 *
 * A case is a list of snippets: one instruction of the chosen form plus the
 * setup it needs to be meaningful (a count in CL, string pointers in RSI and
 * RDI, a dividend whose high half makes a quotient fit, a bit offset for
 * BT m,r, a value for POPF to pop, a frame pointer for LEAVE). The generator
 * tracks statically which flags may be undefined and puts a CMP (a
 * "definer") before any instruction that would read one, since such a read
 * makes the case incomparable (oracle/compare.ts); it also tracks DF and RSP
 * so that string and stack operands land in memory.
 *
 * Now and then an instruction gets segment-override prefixes, which 64-bit
 * mode ignores; rarely so many that it passes the 15-byte limit (#GP).
 *
 * Each case is a pure function of (seed, index): generation draws from
 * `new Rng(seed, index)` only. Forms the simulator cannot run yet are
 * removed after generation (whole snippets, counted), so the stream of
 * cases for a seed does not change when the exclusion list shrinks.
 *
 * @module
 */

import {
  Code,
  CodeExt,
  Encoder,
  Instruction,
  InstructionInfoFactory,
  MemoryOperand,
  MemorySizeExt,
  Mnemonic,
  OpAccess,
  OpCodeOperandKind as K,
  OpKind,
  Register,
  RegisterExt,
  RepPrefixKind,
} from "iced-x86";
import { VENDOR_DIFFERENCES } from "../oracle/compare.ts";
import { NATIVE_CODE_ADDR, type NativeCase, type NativeRegion } from "../oracle/mod.ts";
import {
  accessMemory,
  DATA_ADDR,
  freeMemory,
  gpr,
  gprNumber,
  type MemChoice,
  type OperandContext,
  RSP,
  STACK_ADDR,
  STACK_LEN,
  STACK_START,
} from "./gen_insn_operands.ts";
import { Rng } from "./gen_insn_rng.ts";
import { icedFlags, type InsnTemplate } from "./gen_insn_table.ts";
import { countValue, edgeValue, regValue, smallSigned } from "./gen_insn_values.ts";

/** One generated instruction. */
export interface GenInsn {
  /** Its bytes, as encoded where generation placed it (see {@link layoutCode}). */
  bytes: Uint8Array;
  /** The iced-x86 form (`Add_rm8_r8`). */
  form: string;
  /** Its class (gen_insn_table.ts); setup and definer instructions say "setup". */
  cls: string;
  /** For a RIP-relative operand: the absolute address it reaches, kept when the code moves. */
  ripTarget?: bigint;
  /** Offset of that operand's disp32 in `bytes`. */
  dispAt?: number;
}

/** A generated case: its code and the state it starts from. */
export interface GenCase {
  /** Campaign seed. */
  seed: number;
  /** Case index within the campaign. */
  index: number;
  /** The instructions, setup included, in order. */
  insns: GenInsn[];
  /** Initial GPRs, encoding order. */
  regs: BigUint64Array;
  /** Initial RFLAGS (arithmetic flags and DF). */
  rflags: bigint;
  /** The data region, then the stack region. */
  mem: NativeRegion[];
  /** Registers used as pointers and indexes, which no instruction writes. */
  pinned: number;
}

/** Options of {@link generateCase}. */
export interface GenerateOptions {
  /** The forms to draw from (availableTemplates of the host). */
  templates: readonly InsnTemplate[];
  /** True for forms the simulator cannot run yet; their snippets are dropped after generation. */
  excluded?: (t: InsnTemplate) => boolean;
  /** Most snippets in a case (default 24). */
  maxSnippets?: number;
}

/** A case and the forms dropped from it by {@link GenerateOptions.excluded}. */
export interface Generated {
  /** The case. */
  case: GenCase;
  /** Forms of the snippets dropped, one entry per snippet. */
  excluded: string[];
}

const _ARITH = 0x8d5;
const _DF = 0x400;
// Bits a generated POPF may pop: all of 21:0 but TF (a trap after the next instruction)
// and AC (alignment checking is on at CPL 3 under Linux).
const _POPF_BITS = 0x3f_ffff & ~0x100 & ~0x4_0000;

/** Generates case `index` of campaign `seed`. */
export function generateCase(seed: number, index: number, options: GenerateOptions): Generated {
  const b = new _Builder(new Rng(seed, index));
  try {
    const max = options.maxSnippets ?? 24;
    const r = b.rng.int(10);
    const n = r < 3 ? 1 : r < 6 ? 2 + b.rng.int(3) : r < 9 ? 5 + b.rng.int(8) : 13 + b.rng.int(20);
    const byClass = new Map<string, InsnTemplate[]>();
    for (const t of options.templates) {
      if (!byClass.has(t.cls)) byClass.set(t.cls, []);
      byClass.get(t.cls)!.push(t);
    }
    const classes = [...byClass.keys()];
    const snippets: { t: InsnTemplate; insns: GenInsn[] }[] = [];
    for (let k = 0; k < Math.min(n, max) && classes.length > 0; k++) {
      for (let attempt = 0; attempt < 20; attempt++) {
        const t = b.rng.pick(byClass.get(b.rng.pick(classes))!);
        const insns = b.snippet(t);
        if (insns !== null) {
          snippets.push({ t, insns });
          break;
        }
      }
    }
    const excluded: string[] = [];
    const insns: GenInsn[] = [];
    for (const s of snippets) {
      if (options.excluded?.(s.t)) excluded.push(s.t.name);
      else insns.push(...s.insns);
    }
    return {
      case: {
        seed,
        index,
        insns,
        regs: b.regs,
        rflags: b.rflags,
        mem: [{ addr: DATA_ADDR, bytes: b.data }, { addr: STACK_ADDR, bytes: b.stack }],
        pinned: b.pinned,
      },
      excluded,
    };
  } finally {
    b.free();
  }
}

/** The code of `insns` placed from NATIVE_CODE_ADDR, RIP-relative operands moved to keep their targets. */
export function layoutCode(insns: readonly GenInsn[]): Uint8Array {
  const out = new Uint8Array(insns.reduce((n, i) => n + i.bytes.length, 0));
  let at = 0;
  for (const i of insns) {
    out.set(i.bytes, at);
    at += i.bytes.length;
    if (i.ripTarget !== undefined) {
      const rel = i.ripTarget - (NATIVE_CODE_ADDR + BigInt(at));
      if (rel !== BigInt.asIntN(32, rel)) throw new RangeError(`RIP-relative target out of reach`);
      new DataView(out.buffer).setInt32(at - i.bytes.length + i.dispAt!, Number(rel), true);
    }
  }
  return out;
}

/** The case as the native runner takes it (fresh copies of its memory). */
export function toNativeCase(c: GenCase): NativeCase {
  return {
    code: layoutCode(c.insns),
    regs: c.regs.slice(),
    rflags: c.rflags,
    mem: c.mem.map((r) => ({ addr: r.addr, bytes: r.bytes.slice() })),
  };
}

type _Op =
  | { k: "r"; reg: Register }
  | { k: "m"; mem: MemoryOperand; addr?: bigint }
  | { k: "i"; v: number; signed: boolean }
  | { k: "q"; v: bigint };

/** One case under construction: initial state, and what is known statically as it grows. */
class _Builder implements OperandContext {
  readonly rng: Rng;
  readonly regs = new BigUint64Array(16);
  readonly rflags: bigint;
  readonly data: Uint8Array;
  readonly stack: Uint8Array;
  readonly dataLen: number;
  readonly pinned: number;
  rsp: bigint | null = STACK_START;
  #undef = 0;
  #df: number;
  #rbpStack = false;
  #rip = NATIVE_CODE_ADDR;
  readonly #enc = new Encoder(64);
  readonly #info = new InstructionInfoFactory();

  constructor(rng: Rng) {
    this.rng = rng;
    this.dataLen = rng.chance(0.25) ? 8192 : 4096;
    this.data = _fill(rng, this.dataLen);
    this.stack = _fill(rng, STACK_LEN);
    this.rflags = BigInt(rng.u32() & (_ARITH | _DF));
    this.#df = Number(this.rflags & 0x400n) ? 1 : 0;
    for (let n = 0; n < 16; n++) this.regs[n] = regValue(rng);
    this.regs[RSP] = STACK_START;
    // Pinned registers: up to two pointers into the data region and one small index.
    let pinned = 0;
    const count = rng.pick([0, 1, 1, 2, 2, 3]);
    for (let k = 0; k < count; k++) {
      let n: number;
      do n = rng.int(16); while (n === RSP || pinned & (1 << n));
      pinned |= 1 << n;
      this.regs[n] = k < 2
        ? DATA_ADDR + BigInt(rng.int(this.dataLen + 1))
        : BigInt.asUintN(64, BigInt(smallSigned(rng, 64)));
    }
    this.pinned = pinned;
  }

  free(): void {
    this.#enc.free();
    this.#info.free();
  }

  /** One snippet of form `t`, encoded, or null if this try cannot build it (pinned registers, encoding). */
  snippet(t: InsnTemplate): GenInsn[] | null {
    const parts: [Instruction, boolean][] = [];
    try {
      if (!this.#build(t, parts)) return null;
      for (const [i] of parts) if (!this.#allowed(i)) return null;
      return this.#commit(t, parts);
    } catch (e) {
      // iced-x86 reports an operand combination it cannot encode (AH with REX, say) as a plain Error.
      if (e instanceof Error && e.constructor === Error) return null;
      throw e;
    } finally {
      for (const [i] of parts) i.free();
    }
  }

  #build(t: InsnTemplate, parts: [Instruction, boolean][]): boolean {
    const setup = (i: Instruction) => parts.push([i, true]);
    const main = (i: Instruction) => parts.push([i, false]);
    switch (t.cls) {
      case "string":
        return this.#string(t, setup, main);
      case "xlat":
        return this.#xlat(t, setup, main);
      case "enter":
        return this.#enter(t, setup, main);
      case "pushf":
        if (t.mnemonic.startsWith("popf")) return this.#popf(t, setup, main);
    }
    const ops = this.#operands(t, setup);
    if (ops === null) return false;
    // iced-x86's constructors take ownership of memory operands: they are not freed here.
    const i = _create(t.code, ops);
    const oc = CodeExt.opCode(t.code);
    // LOCK where it is allowed (a memory destination), and now and then where it is #UD.
    const lockable = oc.canUseLockPrefix && ops[0]?.k === "m";
    if (this.rng.chance(lockable ? 0.25 : 0.01)) i.hasLockPrefix = true;
    oc.free();
    main(i);
    return true;
  }

  /** Operands of a generic form, with their setup. */
  #operands(t: InsnTemplate, setup: (i: Instruction) => void): _Op[] | null {
    const rng = this.rng;
    const ops: _Op[] = [];
    const free = t.cls === "lea" || t.cls === "nop";
    let memSize = 0;
    for (let k = 0; k < t.ops.length; k++) {
      const kind = t.ops[k];
      const rm = _RM_BITS.get(kind);
      const reg = _REG_BITS.get(kind);
      if (rm !== undefined) {
        if (rng.chance(0.4)) {
          memSize = rm / 8;
          ops.push(free ? { k: "m", mem: freeMemory(rng) } : this.#memOp(t, memSize));
        } else ops.push({ k: "r", reg: this.#reg(rm, k === 0) });
      } else if (reg !== undefined) {
        ops.push({ k: "r", reg: this.#reg(reg, k === 0) });
      } else {
        switch (kind) {
          case K.mem: {
            if (free) {
              ops.push({ k: "m", mem: freeMemory(rng) });
              break;
            }
            const oc = CodeExt.opCode(t.code);
            memSize = MemorySizeExt.size(oc.memorySize);
            oc.free();
            ops.push(this.#memOp(t, memSize));
            break;
          }
          case K.mem_offs: {
            const size = _FIXED_BITS.get(t.ops[1 - k])! / 8;
            const at = accessMemory(this, size);
            at.op.free();
            // A 64-bit offset can also be non-canonical: #GP.
            if (rng.chance(0.03)) at.addr |= BigInt(rng.pick([0x8000, 0x0001, 0xff00])) << 48n;
            ops.push({
              k: "m",
              mem: new MemoryOperand(
                Register.None,
                Register.None,
                1,
                at.addr,
                8,
                false,
                Register.None,
              ),
            });
            break;
          }
          case K.al:
          case K.ax:
          case K.eax:
          case K.rax:
            ops.push({ k: "r", reg: gpr(0, _FIXED_BITS.get(kind)!) });
            break;
          case K.cl:
            ops.push({ k: "r", reg: Register.CL });
            break;
          case K.imm8_const_1:
            ops.push({ k: "i", v: 1, signed: true });
            break;
          case K.imm8:
            ops.push({ k: "i", v: this.#imm8(t), signed: false });
            break;
          case K.imm16:
            ops.push({ k: "i", v: Number(edgeValue(rng, 16)), signed: false });
            break;
          case K.imm32:
            ops.push({ k: "i", v: Number(edgeValue(rng, 32)), signed: false });
            break;
          case K.imm8sex16:
          case K.imm8sex32:
          case K.imm8sex64:
            ops.push({ k: "i", v: Number(BigInt.asIntN(8, edgeValue(rng, 8))), signed: true });
            break;
          case K.imm32sex64:
            ops.push({ k: "i", v: Number(BigInt.asIntN(32, edgeValue(rng, 32))), signed: true });
            break;
          case K.imm64:
            ops.push({ k: "q", v: edgeValue(rng, 64) });
            break;
          default:
            throw new TypeError(`${t.name}: operand kind ${K[kind]} is not generated`);
        }
      }
    }
    this.#setupFor(t, ops, memSize, setup);
    return ops;
  }

  /** A memory operand for an access by `t` of `size` bytes. */
  #memOp(t: InsnTemplate, size: number): _Op {
    const rng = this.rng;
    let at: number | undefined;
    if (t.cls === "bt") at = (this.dataLen >> 1) + smallSigned(rng, 64); // room for bit offsets
    if (t.mnemonic === "cmpxchg16b" && rng.chance(0.9)) {
      at = rng.int((this.dataLen - 16) / 16 + 1) * 16;
    }
    // Vendors read 2 or 4 bytes for 16-bit MOVSXD (oracle/compare.ts): never near a region's end.
    if (t.name === "Movsxd_r16_rm16") at = rng.int(this.dataLen - 3);
    const m: MemChoice = accessMemory(this, size, at);
    return { k: "m", mem: m.op, addr: m.addr };
  }

  /** A register of `bits` bits; a destination avoids pinned registers (most of the time). */
  #reg(bits: number, dest: boolean): Register {
    const rng = this.rng;
    let n = rng.int(16);
    for (let k = 0; dest && k < 8 && this.pinned & (1 << n); k++) n = rng.int(16);
    return gpr(n, bits, bits === 8 && rng.chance(0.25));
  }

  #imm8(t: InsnTemplate): number {
    const rng = this.rng;
    if (t.cls === "shift" || t.cls === "rotate" || t.cls === "shiftd") return this.#count(t);
    if (t.cls === "bt") return rng.chance(0.5) ? rng.int(256) : rng.int(64);
    return Number(edgeValue(rng, 8));
  }

  /** A shift count for `t`: around its width and the count mask; at most 16 for 16-bit SHLD/SHRD. */
  #count(t: InsnTemplate): number {
    const bits = _RM_BITS.get(t.ops[0]) ?? 64;
    const v = countValue(this.rng, bits);
    return t.cls === "shiftd" && bits === 16 && (v & 31) > 16 ? v & 15 : v;
  }

  /** Setup that makes a generic form do something worth testing. */
  #setupFor(t: InsnTemplate, ops: _Op[], memSize: number, setup: (i: Instruction) => void): void {
    const rng = this.rng;
    const m = t.mnemonic;
    // 16-bit SHLD/SHRD by more than 16 leave their result undefined: their CL is always set.
    const shd16 = t.cls === "shiftd" && _RM_BITS.get(t.ops[0]) === 16;
    if (ops.some((o) => o.k === "r" && o.reg === Register.CL) && (shd16 || rng.chance(0.6))) {
      setup(Instruction.createRegU32(_code("Mov_r8_imm8"), Register.CL, this.#count(t)));
    } else if (t.cls === "div" && rng.chance(0.7)) {
      const bits = _RM_BITS.get(t.ops[0])!;
      const signed = m === "idiv";
      if (bits === 8) {
        setup(
          signed
            ? Instruction.create(_code("Cbw"))
            : Instruction.createRegReg(_code("Movzx_r32_rm8"), Register.EAX, Register.AL),
        );
      } else if (signed) {
        setup(Instruction.create(_code(bits === 16 ? "Cwd" : bits === 32 ? "Cdq" : "Cqo")));
      } else setup(Instruction.createRegU32(_code("Mov_r32_imm32"), Register.EDX, 0));
    } else if (
      t.cls === "bt" && ops[0].k === "m" && ops[1].k === "r" &&
      !(this.pinned & (1 << gprNumber(ops[1].reg)))
    ) {
      // The bit offset moves the address by offset/8: keep it near the operand.
      const bits = _RM_BITS.get(t.ops[0])!;
      const off = smallSigned(rng, 1024);
      const reg = ops[1].reg;
      if (bits === 16) {
        setup(Instruction.createRegU32(_code("Mov_r16_imm16"), reg, off & 0xffff));
      } else if (bits === 32) {
        setup(Instruction.createRegU32(_code("Mov_r32_imm32"), reg, off >>> 0));
      } else setup(Instruction.createRegI32(_code("Mov_rm64_imm32"), reg, off));
    } else if (m === "cmpxchg" && rng.chance(0.5)) {
      const bits = _RM_BITS.get(t.ops[0])!;
      const acc = gpr(0, bits);
      const o = ops[0];
      const name = `Mov_r${bits}_rm${bits}`;
      if (o.k === "r") setup(Instruction.createRegReg(_code(name), acc, o.reg));
      else if (o.k === "m" && o.addr !== undefined) this.#load(setup, name, acc, o.addr, bits / 8);
    } else if ((m === "cmpxchg8b" || m === "cmpxchg16b") && rng.chance(0.5)) {
      const o = ops[0];
      if (o.k !== "m" || o.addr === undefined) return;
      const half = memSize / 2, name = half === 8 ? "Mov_r64_rm64" : "Mov_r32_rm32";
      this.#load(setup, name, gpr(0, half * 8), o.addr, half);
      this.#load(setup, name, gpr(2, half * 8), o.addr + BigInt(half), half);
    }
  }

  /** A setup `name reg, [addr]` (addr in the data region, else its start), through another addressing form. */
  #load(setup: (i: Instruction) => void, name: string, reg: Register, addr: bigint, size: number) {
    const off = Number(addr - DATA_ADDR);
    const m = accessMemory(this, size, off >= 0 && off <= this.dataLen ? off : 0).op;
    setup(Instruction.createRegMem(_code(name), reg, m));
  }

  /** MOVS CMPS SCAS LODS STOS with pointers, a count and DF that keep them in the data region. */
  #string(
    t: InsnTemplate,
    setup: (i: Instruction) => void,
    main: (i: Instruction) => void,
  ): boolean {
    const rng = this.rng;
    const op = t.mnemonic.slice(0, 4), size = _SUFFIX[t.mnemonic[4]];
    const usesSi = op === "movs" || op === "cmps" || op === "lods";
    const usesDi = op !== "lods";
    const addr32 = rng.chance(0.15);
    const rep = op === "cmps" || op === "scas"
      ? rng.pick([RepPrefixKind.None, RepPrefixKind.Repe, RepPrefixKind.Repne])
      : rng.chance(0.6)
      ? RepPrefixKind.Repe
      : RepPrefixKind.None;
    if (this.#df < 0 || rng.chance(0.2)) {
      const std = rng.chance(0.5);
      setup(Instruction.create(_code(std ? "Std" : "Cld")));
      this.#df = std ? 1 : 0;
    }
    let count = 1;
    if (rep !== RepPrefixKind.None) {
      count = rng.chance(0.03) ? 5000 : rng.pick([0, 1, 2, 3, 4, 7, 8, 15, 16, 33, 100, 300]);
      setup(Instruction.createRegU32(_code("Mov_r32_imm32"), Register.ECX, count));
    }
    const extent = Math.max(count, 1) * size;
    const start = () => {
      const room = this.dataLen - extent;
      if (room < 0) return rng.int(this.dataLen - size + 1);
      return (this.#df ? extent - size : 0) + rng.int(room + 1);
    };
    const si = start();
    const di = usesSi && op === "cmps" && rng.chance(0.3) ? si : start();
    const ptr = (n: number, off: number) =>
      setup(
        Instruction.createRegU32(_code("Mov_r32_imm32"), gpr(n, 32), Number(DATA_ADDR) + off),
      );
    if (usesSi) ptr(6, si);
    if (usesDi) ptr(7, di);
    if (op === "scas" && rng.chance(0.3)) {
      setup(Instruction.createRegU32(_code("Mov_r32_imm32"), Register.EAX, 0));
    }
    const seg = rng.chance(0.1)
      ? rng.pick([Register.ES, Register.CS, Register.SS, Register.DS])
      : Register.None;
    const bits = addr32 ? 32 : 64;
    const make = _STRING_MAKERS[op];
    main(make(t.mnemonic[4], bits, seg, rep));
    return true;
  }

  #xlat(
    _t: InsnTemplate,
    setup: (i: Instruction) => void,
    main: (i: Instruction) => void,
  ): boolean {
    const rng = this.rng;
    if (this.pinned & (1 << 3)) {
      if (this.regs[3] < DATA_ADDR) return false; // RBX is an index, not a table
    } else {
      const at = Number(DATA_ADDR) + rng.int(this.dataLen - 255);
      setup(Instruction.createRegU32(_code("Mov_r32_imm32"), Register.EBX, at));
    }
    const base = rng.chance(0.2) ? Register.EBX : Register.RBX;
    const m = new MemoryOperand(base, Register.AL, 1, 0n, 0, false, Register.None);
    main(Instruction.createMem(_code("Xlat_m8"), m));
    return true;
  }

  /** ENTER with a frame pointer into the stack when nesting levels copy it; LEAVE after one. */
  #enter(
    t: InsnTemplate,
    setup: (i: Instruction) => void,
    main: (i: Instruction) => void,
  ): boolean {
    const rng = this.rng;
    const frame = () => {
      if (!this.#rbpStack || rng.chance(0.1)) {
        setup(Instruction.createRegReg(_code("Mov_r64_rm64"), Register.RBP, Register.RSP));
      }
    };
    if (t.mnemonic === "leave") {
      frame();
      main(Instruction.create(t.code));
      return true;
    }
    const level = rng.pick([0, 0, 0, 1, 2, 3, 5, 31, 32, rng.int(256)]);
    // A 16-bit ENTER sets only BP: RBP's upper bits must already be the stack's for LEAVE.
    if ((level & 31) > 1 || t.name.startsWith("Enterw")) frame();
    const size = rng.pick([0, 8, 16, 24, 0x20, 0x100, 0x800, rng.int(0x1_0000)]);
    main(Instruction.createU32U32(t.code, size, level));
    return true;
  }

  /** POPF of a pushed value (or of the flags PUSHF just pushed). */
  #popf(t: InsnTemplate, setup: (i: Instruction) => void, main: (i: Instruction) => void): boolean {
    const rng = this.rng;
    const wide = t.mnemonic === "popfq";
    if (rng.chance(0.2)) setup(Instruction.create(_code(wide ? "Pushfq" : "Pushfw")));
    else {
      const v = (rng.u32() & _POPF_BITS) | (rng.chance(0.3) ? rng.u32() & ~0x3f_ffff : 0);
      if (wide) setup(Instruction.createI32(_code("Pushq_imm32"), v | 0));
      else setup(Instruction.createU32(_code("Push_imm16"), v & 0xffff));
    }
    main(Instruction.create(t.code));
    return true;
  }

  /** False if `i` writes a pinned register, or RSP other than by pushing and popping. */
  #allowed(i: Instruction): boolean {
    const info = this.#info.info(i);
    let stack = i.isStackInstruction;
    for (let k = 0; k < i.opCount; k++) {
      if (i.opKind(k) === OpKind.Register && gprNumber(i.opRegister(k)) === RSP) stack = false;
    }
    let ok = true;
    for (const u of info.usedRegisters()) {
      const a = u.access;
      const n = gprNumber(u.register);
      if (
        n >= 0 && (a === OpAccess.Write || a === OpAccess.CondWrite || a === OpAccess.ReadWrite ||
          a === OpAccess.ReadCondWrite)
      ) {
        if (this.pinned & (1 << n) || (n === RSP && !stack)) ok = false;
      }
      u.free();
    }
    info.free();
    return ok;
  }

  /** Encodes the parts in order, with definers where a flag read meets a possibly undefined flag. */
  #commit(t: InsnTemplate, parts: [Instruction, boolean][]): GenInsn[] {
    const out: GenInsn[] = [];
    const saved = {
      rip: this.#rip,
      undef: this.#undef,
      df: this.#df,
      rsp: this.rsp,
      rbp: this.#rbpStack,
    };
    try {
      for (const [i, isSetup] of parts) {
        if (icedFlags(i.rflagsRead) & this.#undef) {
          const def = Instruction.createRegReg(
            _code("Cmp_rm64_r64"),
            gpr(this.rng.int(16), 64),
            gpr(this.rng.int(16), 64),
          );
          out.push(this.#encode(def, "Cmp_rm64_r64", "setup"));
          this.#undef = 0;
          def.free();
        }
        out.push(this.#encode(i, isSetup ? _codeName(i.code) : t.name, isSetup ? "setup" : t.cls));
        this.#track(i);
      }
      return out;
    } catch (e) {
      this.#rip = saved.rip;
      this.#undef = saved.undef;
      this.#df = saved.df;
      this.rsp = saved.rsp;
      this.#rbpStack = saved.rbp;
      throw e;
    }
  }

  #encode(i: Instruction, form: string, cls: string): GenInsn {
    let len: number;
    try {
      len = this.#enc.encode(i, this.#rip);
    } catch (e) {
      this.#enc.takeBuffer(); // what a failed encode wrote stays in the buffer otherwise
      throw e;
    }
    let bytes = this.#enc.takeBuffer();
    const noise = cls === "setup" ? 0 : this.#noise(bytes.length);
    if (noise > 0) {
      const more = new Uint8Array(noise + bytes.length);
      for (let k = 0; k < noise; k++) more[k] = this.rng.pick(_IGNORED_PREFIXES);
      more.set(bytes, noise);
      bytes = more;
    }
    const g: GenInsn = { bytes, form, cls };
    if (i.isIpRelMemoryOperand) {
      const co = this.#enc.getConstantOffsets();
      g.ripTarget = i.ipRelMemoryAddress;
      g.dispAt = co.displacementOffset + noise;
      co.free();
    }
    this.#rip += BigInt(len + noise);
    return g;
  }

  /**
   * How many ignored prefixes go in front of an instruction of `len` bytes:
   * usually none, sometimes a few, rarely enough to pass 15 bytes (#GP).
   */
  #noise(len: number): number {
    const r = this.rng.int(1000);
    if (r < 3) return 16 - len + this.rng.int(3);
    return r < 50 ? 1 + this.rng.int(3) : 0;
  }

  /** What is statically known after `i`: possibly undefined flags, DF, RSP, RBP. */
  #track(i: Instruction): void {
    const mn = i.mnemonic;
    let written = icedFlags(i.rflagsWritten | i.rflagsCleared | i.rflagsSet);
    let und = icedFlags(i.rflagsUndefined) | _VENDOR_UNDEF.get(mn)!;
    if (_SHIFTS.has(mn)) [written, und] = _shiftFlags(i, written, und);
    this.#undef = (this.#undef & ~written) | und;
    if (mn === Mnemonic.Cld) this.#df = 0;
    else if (mn === Mnemonic.Std) this.#df = 1;
    else if (mn === Mnemonic.Popf || mn === Mnemonic.Popfq) this.#df = -1;
    if (mn === Mnemonic.Enter) this.#rbpStack = true;
    else if (
      mn === Mnemonic.Mov && i.op0Register === Register.RBP && i.op1Register === Register.RSP
    ) this.#rbpStack = true;
    else if (this.#writes(i, 5)) this.#rbpStack = false;
    if (this.rsp !== null) {
      this.rsp = mn === Mnemonic.Enter || mn === Mnemonic.Leave
        ? null
        : this.rsp + BigInt(i.stackPointerIncrement);
    }
  }

  #writes(i: Instruction, n: number): boolean {
    const info = this.#info.info(i);
    let w = false;
    for (const u of info.usedRegisters()) {
      if (
        gprNumber(u.register) === n && u.access !== OpAccess.Read && u.access !== OpAccess.CondRead
      ) {
        w = true;
      }
      u.free();
    }
    info.free();
    return w;
  }
}

const _RM_BITS = new Map<K, number>([
  [K.r8_or_mem, 8],
  [K.r16_or_mem, 16],
  [K.r32_or_mem, 32],
  [K.r64_or_mem, 64],
]);
const _REG_BITS = new Map<K, number>([
  [K.r8_reg, 8],
  [K.r8_opcode, 8],
  [K.r16_reg, 16],
  [K.r16_opcode, 16],
  [K.r32_reg, 32],
  [K.r32_opcode, 32],
  [K.r32_vvvv, 32],
  [K.r64_reg, 64],
  [K.r64_opcode, 64],
  [K.r64_vvvv, 64],
]);
// Flags some vendor leaves undefined (oracle/compare.ts), for every mnemonic: generation must not
// depend on the host, so it assumes every vendor at once.
const _VENDOR_UNDEF = new Map<Mnemonic, number>(
  Object.values(Mnemonic).filter((m) => typeof m === "number").map((m) => {
    const name = Mnemonic[m as Mnemonic].toLowerCase();
    return [
      m as Mnemonic,
      VENDOR_DIFFERENCES.filter((d) => d.mnemonics.includes(name))
        .reduce((f, d) => f | d.flags, 0),
    ];
  }),
);

/**
 * Static flags of a shift or rotate: with CL it may write nothing (count 0)
 * and leave CF undefined (8/16-bit SHL/SHR past the width; 16-bit
 * SHLD/SHRD everything); an immediate count decides.
 */
function _shiftFlags(i: Instruction, written: number, und: number): [number, number] {
  const mn = i.mnemonic;
  const bits = i.op0Kind === OpKind.Register
    ? RegisterExt.size(i.op0Register) * 8
    : MemorySizeExt.size(i.memorySize) * 8;
  const shd = mn === Mnemonic.Shld || mn === Mnemonic.Shrd;
  const shl = mn === Mnemonic.Shl || mn === Mnemonic.Sal || mn === Mnemonic.Shr;
  const cl = i.op1Register === Register.CL || i.op2Register === Register.CL;
  const n = cl ? -1 : i.immediate8 & (bits === 64 ? 63 : 31);
  if (n === 0) return [0, 0];
  if (shd && bits === 16 && (cl || n > 16)) return [0, 0x8d5];
  if (shl && bits <= 16 && (cl || n >= bits)) und |= 1;
  return [cl ? 0 : written & ~und, und];
}

const _FIXED_BITS = new Map<K, number>([[K.al, 8], [K.ax, 16], [K.eax, 32], [K.rax, 64]]);
const _SUFFIX: Record<string, number> = { b: 1, w: 2, d: 4, q: 8 };
// ES, CS, SS and DS overrides: no effect in 64-bit mode, before any instruction (VEX included).
const _IGNORED_PREFIXES = [0x26, 0x2e, 0x36, 0x3e];
const _SHIFTS = new Set<Mnemonic>([
  Mnemonic.Shl,
  Mnemonic.Sal,
  Mnemonic.Shr,
  Mnemonic.Sar,
  Mnemonic.Rol,
  Mnemonic.Ror,
  Mnemonic.Rcl,
  Mnemonic.Rcr,
  Mnemonic.Shld,
  Mnemonic.Shrd,
]);

type _StringMaker = (s: string, bits: number, seg: Register, rep: RepPrefixKind) => Instruction;
// iced-x86's string constructors by operation and size suffix.
const _STRING_MAKERS: Record<string, _StringMaker> = {
  movs: (s, b, seg, rep) =>
    ({
      b: Instruction.createMovsb,
      w: Instruction.createMovsw,
      d: Instruction.createMovsd,
      q: Instruction.createMovsq,
    })[s]!(b, seg, rep),
  cmps: (s, b, seg, rep) =>
    ({
      b: Instruction.createCmpsb,
      w: Instruction.createCmpsw,
      d: Instruction.createCmpsd,
      q: Instruction.createCmpsq,
    })[s]!(b, seg, rep),
  lods: (s, b, seg, rep) =>
    ({
      b: Instruction.createLodsb,
      w: Instruction.createLodsw,
      d: Instruction.createLodsd,
      q: Instruction.createLodsq,
    })[s]!(b, seg, rep),
  scas: (s, b, _seg, rep) =>
    ({
      b: Instruction.createScasb,
      w: Instruction.createScasw,
      d: Instruction.createScasd,
      q: Instruction.createScasq,
    })[s]!(b, rep),
  stos: (s, b, _seg, rep) =>
    ({
      b: Instruction.createStosb,
      w: Instruction.createStosw,
      d: Instruction.createStosd,
      q: Instruction.createStosq,
    })[s]!(b, rep),
};

function _code(name: string): Code {
  const c = (Code as unknown as Record<string, Code>)[name];
  if (c === undefined) throw new TypeError(`iced-x86 has no Code ${name}`);
  return c;
}

function _codeName(c: Code): string {
  return Code[c];
}

/** An iced-x86 instruction of `code` with operands `ops`, through the constructor of their shape. */
function _create(code: Code, ops: _Op[]): Instruction {
  const shape = ops.map((o) => o.k === "r" ? "R" : o.k === "m" ? "M" : o.k === "q" ? "Q" : "I")
    .join("");
  const a = ops.map((o) => o.k === "r" ? o.reg : o.k === "m" ? o.mem : o.v);
  const imm = ops.find((o) => o.k === "i") as { v: number; signed: boolean } | undefined;
  const I = imm?.signed ? "I32" : "U32";
  const f = (Instruction as unknown as Record<string, (...x: unknown[]) => Instruction>)[
    "create" + shape.replace(/R/g, "Reg").replace(/M/g, "Mem").replace(/Q/g, "U64").replace(/I/g, I)
  ];
  if (f === undefined) throw new TypeError(`no iced-x86 constructor for operand shape ${shape}`);
  return shape === "" ? Instruction.create(code) : f(code, ...a);
}

/** Region contents in 64-byte runs: random, zero, all ones, repeated edge values, ascending bytes. */
function _fill(rng: Rng, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const view = new DataView(out.buffer);
  for (let at = 0; at < len; at += 64) {
    switch (rng.int(6)) {
      case 0:
        break;
      case 1:
        out.fill(0xff, at, at + 64);
        break;
      case 2: {
        const v = edgeValue(rng, 64);
        for (let k = 0; k < 64; k += 8) view.setBigUint64(at + k, v, true);
        break;
      }
      case 3:
        for (let k = 0; k < 64; k++) out[at + k] = k;
        break;
      default:
        out.set(rng.bytes(64), at);
    }
  }
  return out;
}
