/**
 * The vocabulary shared by the instruction definitions (defs.ts), the table
 * generator (gen/optab.ts) and the decoder: operand kinds in SDM notation
 * (Intel SDM vol. 2, appendix A.2), row attributes, and flag bits.
 *
 * @module
 */

/** Operand kinds, by SDM addressing method and operand type. */
export enum Opk {
  NONE = 0,
  /** ModRM r/m, byte. */
  Eb,
  /** ModRM r/m, word. */
  Ew,
  /** ModRM r/m, operand size. */
  Ev,
  /** ModRM reg, byte. */
  Gb,
  /** ModRM reg, word. */
  Gw,
  /** ModRM reg, operand size. */
  Gv,
  /** ModRM r/m that must be memory (no size: LEA). */
  M,
  /** ModRM r/m that must be memory, 64-bit operand (VMPTRLD and friends). */
  Mq,
  /** Immediate byte. */
  Ib,
  /** Immediate byte sign-extended to the operand size. */
  Ibs,
  /** Immediate word. */
  Iw,
  /** Immediate of operand size, at most 32 bits (sign-extended in 64-bit mode). */
  Iz,
  /** Immediate of full operand size (MOV r, imm64). */
  Iv,
  /** Relative offset, byte. */
  Jb,
  /** Relative offset, 16 or 32 bits. */
  Jz,
  /** Memory offset of address size, byte operand (MOV AL, moffs). */
  Ob,
  /** Memory offset of address size, operand-size operand. */
  Ov,
  /** Register in the opcode's low 3 bits, byte. */
  Zb,
  /** Register in the opcode's low 3 bits, operand size. */
  Zv,
  /** AL. */
  AL,
  /** AX/EAX/RAX by operand size. */
  eAX,
  /** AX/EAX by operand size, never 64 bits (IN/OUT). */
  eAXz,
  /** DX as an I/O port. */
  DX,
  /** CL as a shift count. */
  CL,
  /** The constant 1 (shift count). */
  ONE,
  /** ModRM r/m as a general register regardless of mod (MOV CR/DR), 32 or 64 bits by mode. */
  Ry,
  /** Control register in ModRM reg. */
  Cy,
  /** Debug register in ModRM reg. */
  Dy,
  /** ModRM r/m, 32 bits (64 in 64-bit mode): VMREAD, VMWRITE. */
  Ey,
  /** ModRM reg, 32 bits (64 in 64-bit mode). */
  Gy,
  /** String source DS:rSI, byte (OUTS). */
  Xb,
  /** String source DS:rSI, operand size. */
  Xz,
  /** String destination ES:rDI, byte (INS). */
  Yb,
  /** String destination ES:rDI, operand size. */
  Yz,
  /** ModRM reg, 32 bits, or 64 with REX.W or VEX.W in 64-bit mode (66 does not change it): ADCX, CRC32, BMI. */
  Gdq,
  /** ModRM r/m sized as Gdq. */
  Edq,
  /** VEX.vvvv register sized as Gdq (BMI). */
  Bdq,
  /** String source seg:rSI, operand size up to 64 bits (MOVS, CMPS, LODS). */
  Xv,
  /** String destination ES:rDI, operand size up to 64 bits (MOVS, CMPS, SCAS, STOS). */
  Yv,
  /** Segment register in ModRM reg (MOV Sreg): 0-5, and not CS as a destination. */
  Sw,
  /** Segment register named by the opcode (PUSH/POP ES CS SS DS FS GS). */
  Zs,
  /** Far pointer immediate: offset of operand size, then a 16-bit selector in `imm2`. */
  Ap,
  /** Memory far pointer m16:16/m16:32/m16:64 (far JMP/CALL, LDS and kin). */
  Mp,
  /** Memory pair of operand-size bounds (BOUND). */
  Ma,
  /** Memory byte, for hints and cache control (PREFETCHh, CLFLUSH). */
  Mb,
  /** Memory of operand size (MOVBE). */
  Mv,
  /** ModRM r/m, 32 bits, or 16 with a 16-bit operand size (MOVSXD's source). */
  Ed,
  /** A second immediate byte, in `imm2` (ENTER's nesting level). */
  Ib2,
  /** XLAT's table byte [seg:rBX + AL]. */
  XLAT,
  /** ModRM r/m: a register of operand size or a word of memory (MOV from a segment register). */
  Evw,
  /** XMM or YMM register in ModRM reg (with REX.R or VEX.R). */
  V,
  /** XMM or YMM register in ModRM r/m, or memory of the operand's size. */
  W,
  /** XMM or YMM register in ModRM r/m; the memory form is invalid. */
  U,
  /** XMM or YMM register named by VEX.vvvv. */
  H,
  /** XMM or YMM register in bits 7:4 of an immediate byte (VEX "is4"). */
  L,
  /** MMX register in ModRM reg (REX.R ignored). */
  P,
  /** MMX register in ModRM r/m, or memory of the operand's size. */
  Q,
  /** MMX register in ModRM r/m; the memory form is invalid. */
  N,
  /** Memory of the operand's size (x87, SSE, system): the register form is invalid. */
  Ms,
  /** A 32-bit general register in ModRM r/m (even with REX.W), or memory of the operand's size (PEXTRB, PINSRW). */
  R,
  /** VSIB memory (gathers): a vector index of VEX.L's width, elements of the operand's size. */
  VSIB,
  /** VSIB memory whose index is an XMM register whatever VEX.L (VPGATHERDQ, VGATHERDPD). */
  VSIBX,
  /** AX, whatever REX says (FNSTSW AX). */
  AX,
  /** ModRM reg, a 32-bit general register even with REX.W (MOVMSKPS, PMOVMSKB, PEXTRW). */
  Gd,
  /** x87 stack top, ST(0), printed `st`. */
  ST0,
  /** x87 register ST(i), i from ModRM r/m. */
  STi,
  /** Number of kinds. */
  COUNT,
}

/**
 * Operand sizes of the vector, MMX, x87 and sized-memory kinds (V W U H L P
 * Q N Ms R), kept in the high byte of a ROW_OPS entry. `x` is 16 or 32
 * bytes by VEX.L; `xh`, `xq` and `xo` are a half, a quarter and an eighth of
 * that (a widening conversion's source). A register of a resolved size of 32
 * bytes is a YMM register, else XMM.
 */
export enum Osz {
  /** No size shown (FXSAVE's area, LEA-like operands). */
  NONE = 0,
  /** Byte. */
  b,
  /** Word. */
  w,
  /** Doubleword. */
  d,
  /** Quadword. */
  q,
  /** Six bytes (`fword`: SGDT's pseudo-descriptor). */
  f,
  /** Ten bytes (`tbyte`: x87 extended real and packed BCD). */
  t,
  /** 16 bytes (`xmmword`). */
  dq,
  /** 32 bytes (`ymmword`). */
  qq,
  /** 16 or 32 bytes by VEX.L. */
  x,
  /** Half of `x`: 8 or 16 bytes. */
  xh,
  /** A quarter of `x`: 4 or 8 bytes. */
  xq,
  /** An eighth of `x`: 2 or 4 bytes. */
  xo,
  /** The x87 environment: 14 or 28 bytes by operand size, named only where that is not the default. */
  fenv,
  /** The x87 state: 94 or 108 bytes by operand size, named like `fenv`. */
  fstate,
}

/** Bytes of an operand of size `s` under VEX.L = `l` (0 for NONE). */
export function oszBytes(s: Osz, l: number): number {
  switch (s) {
    case Osz.b:
      return 1;
    case Osz.w:
      return 2;
    case Osz.d:
      return 4;
    case Osz.q:
      return 8;
    case Osz.f:
      return 6;
    case Osz.t:
      return 10;
    case Osz.dq:
      return 16;
    case Osz.qq:
      return 32;
    case Osz.x:
      return 16 << l;
    case Osz.xh:
      return 8 << l;
    case Osz.xq:
      return 4 << l;
    case Osz.xo:
      return 2 << l;
    default:
      return 0;
  }
}

/** Row attributes (bit set in `ROW_ATTR`). */
export enum Attr {
  /** Operand size defaults to 64 bits in 64-bit mode (PUSH, POP). */
  D64 = 1 << 0,
  /** Operand size is 64 bits in 64-bit mode whatever 66 says (near branches, Intel). */
  F64 = 1 << 1,
  /** Invalid in 64-bit mode. */
  I64 = 1 << 2,
  /** The LOCK prefix is allowed (memory destination only). */
  LOCK = 1 << 3,
  /** Ends a decoded basic block (control transfer, or may change how code is fetched). */
  END = 1 << 4,
  /** Byte-sized row: one handler whatever the operand size. */
  BYTE = 1 << 5,
  /** Row width follows the operand size (handler per 16/32/64). */
  WIDE = 1 << 6,
  /** ModRM present. */
  MODRM = 1 << 7,
  /** Operand-size attribute is the address size (LOOP, JCXZ count register). */
  ASIZE = 1 << 8,
  /** "NP" in the SDM: a 66, F2 or F3 prefix makes it invalid (#UD). */
  NP = 1 << 9,
  /** Runs as a block of its own, so `retired` is exact when it executes (RDTSC). */
  ALONE = 1 << 10,
  /** An F2 or F3 prefix makes it invalid (#UD): VMCLEAR, whose mandatory prefix is 66. */
  NOREP = 1 << 11,
  /**
   * Valid only in 64-bit mode, where it replaces the I64 row defined just
   * before it at the same encoding (MOVSXD over ARPL at 63).
   */
  O64 = 1 << 12,
  /** Valid only in 64-bit mode, #UD elsewhere (SWAPGS; SYSCALL, SYSRET and RDFSBASE on Intel). */
  ONLY64 = 1 << 13,
}

/** RFLAGS carry flag. */
export const CF = 0x1;
/** RFLAGS parity flag. */
export const PF = 0x4;
/** RFLAGS auxiliary-carry flag. */
export const AF = 0x10;
/** RFLAGS zero flag. */
export const ZF = 0x40;
/** RFLAGS sign flag. */
export const SF = 0x80;
/** RFLAGS trap flag. */
export const TF = 0x100;
/** RFLAGS interrupt-enable flag. */
export const IF = 0x200;
/** RFLAGS direction flag. */
export const DF = 0x400;
/** RFLAGS overflow flag. */
export const OF = 0x800;
/** RFLAGS resume flag. */
export const RF = 0x10000;
/** RFLAGS virtual-8086 mode. */
export const VM = 0x20000;
/** The six arithmetic flags. */
export const ARITH = 0x8d5;
