/**
 * Table-driven x86 decoder (SDM vol. 2 chapter 2: prefixes, REX, ModRM,
 * SIB, displacement, immediate; appendix A opcode maps). Fills a
 * preallocated `Insn` and returns a status instead of throwing.
 *
 * @module
 */

import {
  GROUP,
  GROUPS,
  OPMAP,
  PREFIX,
  PREFIXES,
  ROW_ALT64,
  ROW_ATTR,
  ROW_H,
  ROW_OPS,
  ROW_SUB,
} from "./_optab.ts";
import {
  DEC_FETCH,
  DEC_INVALID,
  DEC_OK,
  DEC_TOO_LONG,
  type Insn,
  P_ASIZE,
  P_LOCK,
  P_OSIZE,
  P_REP,
  P_REPNE,
} from "./insn.ts";
import { Attr, Opk } from "./operands.ts";
import { DS, FS, SS, ZERO_LANE } from "./state.ts";
import { isVex, vexPrefix, vexRowOk, vexSlot } from "./vex.ts";

/** Where instruction bytes come from: `byteAt` returns 0-255, or -1 when the byte cannot be fetched. */
export interface CodeSource {
  /** The byte at `off`, or -1. */
  byteAt(off: number): number;
}

/** A CodeSource over a byte array (offsets are array indices; past the end: -1). */
export class ByteSource implements CodeSource {
  /** The bytes. */
  readonly bytes: Uint8Array;
  /** Wrap `bytes`. */
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  /** The byte at `off`, or -1 past the end. */
  byteAt(off: number): number {
    return off >= 0 && off < this.bytes.length ? this.bytes[off] : -1;
  }
}

const _MAX_LEN = 15;
// 16-bit addressing (SDM vol. 2 table 2-1): base and index register per rm.
const _BASE16 = [3, 3, 5, 5, 6, 7, 5, 3];
const _INDEX16 = [6, 7, 6, 7, -1, -1, -1, -1];

// Decoder cursor, reused: decoding allocates nothing.
let _src: CodeSource = new ByteSource(new Uint8Array(0));
let _start = 0;
let _pos = 0;
let _status = DEC_OK;

function _byte(): number {
  if (_pos - _start >= _MAX_LEN) {
    _status = DEC_TOO_LONG;
    return -1;
  }
  const b = _src.byteAt(_pos);
  if (b < 0) {
    _status = DEC_FETCH;
    return -1;
  }
  _pos++;
  return b;
}

function _imm(n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const b = _byte();
    if (b < 0) return 0;
    v |= b << (8 * k);
  }
  return n === 1 ? v : n === 2 ? v & 0xffff : v | 0;
}

// Size of a Gdq/Edq/Bdq operand: 64 bits with REX.W (or VEX.W) in 64-bit mode, else 32.
function _dq(mode: number, rex: number): number {
  return mode === 64 && rex & 8 ? 8 : 4;
}

/** Lane of register `n` for an operand of `size` bytes; `rex` selects SPL-DIL over AH-BH. */
export function laneOf(n: number, size: number, rex: number): number {
  if (size === 1) return !rex && n >= 4 && n < 8 ? (n - 4) * 8 + 1 : n * 8;
  return size === 2 ? n * 4 : n * 2;
}

function _reset(i: Insn, mode: number): void {
  i.row = -1;
  i.hid = 0;
  i.sub = 0;
  i.attr = 0;
  i.len = 0;
  i.mode = mode;
  i.opc = 0;
  i.pfx = 0;
  i.segPfx = -1;
  i.rex = 0;
  i.modrm = -1;
  i.reg = 0;
  i.rm = -1;
  i.regX = 0;
  i.rmX = 0;
  i.base = ZERO_LANE;
  i.index = ZERO_LANE;
  i.scale = 0;
  i.disp = 0;
  i.seg = DS;
  i.ripRel = false;
  i.flat64 = false;
  i.vvvv = 0;
  i.vl = 0;
  i.vsib = 0;
  i.imm = 0;
  i.immHi = 0;
  i.imm2 = 0;
  i.nPfx = 0;
  i.posModrm = -1;
  i.posSib = -1;
  i.posDisp = -1;
  i.posImm = -1;
}

function _finish(i: Insn, status: number): number {
  i.len = _pos - _start;
  return status;
}

// ModRM memory operand (SDM vol. 2 tables 2-1 to 2-3; RIP-relative §2.2.1.6).
function _memory(i: Insn, mod: number, rm: number): void {
  const rex = i.rex;
  let defSS = false;
  if (i.asz === 2) {
    if (mod === 0 && rm === 6) {
      i.posDisp = _pos - _start;
      i.disp = (_imm(2) << 16) >> 16;
    } else {
      i.base = _BASE16[rm] * 2;
      i.index = _INDEX16[rm] < 0 ? ZERO_LANE : _INDEX16[rm] * 2;
      defSS = _BASE16[rm] === 5;
      if (mod === 1) {
        i.posDisp = _pos - _start;
        i.disp = (_imm(1) << 24) >> 24;
      } else if (mod === 2) {
        i.posDisp = _pos - _start;
        i.disp = (_imm(2) << 16) >> 16;
      }
    }
  } else {
    let base = rm;
    let noBase = false;
    if (rm === 4) {
      i.posSib = _pos - _start;
      const sib = _byte();
      if (sib < 0) return;
      const idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
      if (idx !== 4) i.index = idx * 2;
      i.scale = sib >> 6;
      base = sib & 7;
      if (base === 5 && mod === 0) noBase = true;
    } else if (rm === 5 && mod === 0) {
      noBase = true;
      i.ripRel = i.mode === 64;
    }
    if (!noBase) {
      base |= (rex & 1) << 3;
      i.base = base * 2;
      defSS = base === 4 || base === 5;
    }
    if (noBase || mod === 2) {
      i.posDisp = _pos - _start;
      i.disp = _imm(4);
    } else if (mod === 1) {
      i.posDisp = _pos - _start;
      i.disp = (_imm(1) << 24) >> 24;
    }
  }
  if (i.segPfx >= 0 && (i.mode !== 64 || i.segPfx >= 4)) i.seg = i.segPfx;
  else i.seg = defSS ? SS : DS;
}

// Address size in bytes in `mode` with prefix bits `pfx` (67h toggles it).
function _addressSize(mode: number, pfx: number): number {
  if (mode === 64) return pfx & P_ASIZE ? 4 : 8;
  return (mode === 32) !== ((pfx & P_ASIZE) !== 0) ? 4 : 2;
}

// EVEX opcodes of map 1 (0F) with an immediate byte; every map 3 (0F3A) opcode has one.
const _EVEX_IMM1 = [0x70, 0x71, 0x72, 0x73, 0xc2, 0xc4, 0xc5, 0xc6];

/**
 * An EVEX instruction (AVX-512), which the modeled CPU lacks: decoded to
 * its end (four prefix bytes, opcode, ModRM, SIB, displacement, immediate),
 * then #UD. Returns DEC_INVALID, or DEC_FETCH if the bytes ran out.
 */
function _evex(i: Insn): number {
  const p0 = _byte(); // R X B R' 0 m m m
  _byte(); // W vvvv 1 pp
  _byte(); // z L'L b V' aaa
  const op = _byte();
  const modrm = _byte();
  if (modrm < 0) return _status;
  i.asz = _addressSize(i.mode, i.pfx);
  if (modrm < 0xc0) _memory(i, modrm >> 6, modrm & 7);
  const map = p0 & 7;
  if (map === 3 || (map === 1 && _EVEX_IMM1.includes(op))) _imm(1);
  // No Skylake part knows EVEX: past 15 bytes it is still the invalid opcode 62.
  return _status === DEC_FETCH ? DEC_FETCH : DEC_INVALID;
}

/**
 * Decode one instruction from `src` at `offset` in `mode` (16, 32 or 64)
 * into `insn`. Returns DEC_OK, DEC_INVALID (#UD; among others every
 * encoding with no row, as the tables hold all the modeled CPU has),
 * DEC_TOO_LONG or DEC_FETCH; `insn.len` is the count of bytes consumed
 * either way.
 */
export function decode(src: CodeSource, offset: number, mode: number, insn: Insn): number {
  _src = src;
  _start = _pos = offset;
  _status = DEC_OK;
  _reset(insn, mode);
  const i = insn;
  let b: number;
  let lastRep = 0;
  for (;;) {
    b = _byte();
    if (b < 0) return _finish(i, _status);
    if (b === 0x66) i.pfx |= P_OSIZE;
    else if (b === 0x67) i.pfx |= P_ASIZE;
    else if (b === 0xf0) i.pfx |= P_LOCK;
    // F2 and F3 both present: the last one counts, for strings and for the mandatory prefix.
    else if (b === 0xf3) i.pfx = (i.pfx & ~P_REPNE) | (lastRep = P_REP);
    else if (b === 0xf2) i.pfx = (i.pfx & ~P_REP) | (lastRep = P_REPNE);
    else if (b === 0x26 || b === 0x2e || b === 0x36 || b === 0x3e) {
      // In 64-bit mode these are null prefixes: no override, and an earlier FS or GS stays.
      if (mode !== 64) i.segPfx = (b >> 3) & 3;
    } else if (b === 0x64 || b === 0x65) i.segPfx = b - 0x60;
    else if (mode === 64 && (b & 0xf0) === 0x40) {
      i.rex = b;
      i.nPfx++;
      continue;
    } else break;
    i.rex = 0; // a legacy prefix after REX cancels it
    i.nPfx++;
  }
  let map = 0;
  // A legacy or REX prefix before VEX: #UD, once the instruction is decoded to its end.
  let vexBad = false;
  if (b === 0x0f) {
    map = 1;
    b = _byte();
    if (b === 0x38 || b === 0x3a) {
      map = b === 0x38 ? 2 : 3;
      b = _byte();
    }
    if (b < 0) return _finish(i, _status);
  } else if ((b === 0xc4 || b === 0xc5) && isVex(mode, _src.byteAt(_pos))) {
    vexBad = (i.pfx & (P_OSIZE | P_REP | P_REPNE | P_LOCK)) !== 0 || i.rex !== 0;
    const p1 = _byte(), p2 = b === 0xc4 ? _byte() : 0;
    if (p1 < 0 || p2 < 0) return _finish(i, _status);
    map = vexPrefix(i, b, p1, p2);
    if (map < 0) return _finish(i, DEC_INVALID);
    b = _byte();
    if (b < 0) return _finish(i, _status);
  } else if (b === 0x62 && isVex(mode, _src.byteAt(_pos))) {
    return _finish(i, _evex(i));
  }
  i.opc = map * 256 + b;
  let e = OPMAP[i.opc];
  if (map >= 4) {
    // A VEX opcode with rows for other pp, W or L values is #UD with these.
    if (e !== 0 && (e = vexSlot(e)) === 0) return _finish(i, DEC_INVALID);
  } else if (e & PREFIX) {
    // F3/F2 select their slot when the node defines one; else 66 selects its slot.
    const n = (e & 0xfff) * 4;
    const rep = lastRep === P_REP ? 2 : lastRep === P_REPNE ? 3 : 0;
    if (rep !== 0 && PREFIXES[n + rep] !== PREFIXES[n]) e = PREFIXES[n + rep];
    else if (rep !== 0 && map >= 2) e = 0; // 0F 38/3A: an F2/F3 with no row of its own is none
    else e = PREFIXES[n + (i.pfx & P_OSIZE ? 1 : 0)];
  }
  // 90 is NOP only without REX.B or REX.W: 41 90 exchanges r8 with rAX, 48 90 is XCHG RAX,RAX
  // as iced-x86 names it (F3 41 90 stays PAUSE).
  if (i.opc === 0x90 && i.rex & 9 && lastRep !== P_REP) e = OPMAP[0x91];
  let modrm = -1;
  if (e & GROUP) {
    i.posModrm = _pos - _start;
    modrm = _byte();
    if (modrm < 0) return _finish(i, _status);
    const g = (e & 0xfff) * 72;
    e = modrm >= 0xc0 ? GROUPS[g + 8 + (modrm & 0x3f)] : GROUPS[g + ((modrm >> 3) & 7)];
  }
  if (e === 0) return _finish(i, DEC_INVALID);
  let row = e - 1;
  let attr = ROW_ATTR[row];
  if (mode === 64 && attr & Attr.I64 && ROW_ALT64[row] !== 0) {
    // An O64 row takes the place of an I64 row in 64-bit mode (MOVSXD over ARPL).
    row = ROW_ALT64[row] - 1;
    attr = ROW_ATTR[row];
  }
  i.row = row;
  i.attr = attr;
  i.sub = ROW_SUB[row];
  if (mode === 64 ? attr & Attr.I64 : attr & Attr.ONLY64) return _finish(i, DEC_INVALID);
  if (attr & Attr.NP && i.pfx & (P_OSIZE | P_REP | P_REPNE)) return _finish(i, DEC_INVALID);
  if (attr & Attr.NOREP && i.pfx & (P_REP | P_REPNE)) return _finish(i, DEC_INVALID);
  const rex = i.rex;
  let osz: number;
  if (mode === 64) {
    if (rex & 8 || attr & Attr.F64) osz = 8;
    else if (i.pfx & P_OSIZE) osz = 2;
    else osz = attr & Attr.D64 ? 8 : 4;
  } else osz = (mode === 32) !== ((i.pfx & P_OSIZE) !== 0) ? 4 : 2;
  i.asz = _addressSize(mode, i.pfx);
  if (attr & Attr.MODRM && modrm < 0) {
    i.posModrm = _pos - _start;
    modrm = _byte();
    if (modrm < 0) return _finish(i, _status);
  }
  i.modrm = modrm;
  const mod = modrm >> 6, regf = (modrm >> 3) & 7, rmf = modrm & 7;
  let hasMem = false;
  for (let k = 0; k < 4; k++) {
    const op = ROW_OPS[row * 4 + k] & 0xff;
    switch (op) {
      case Opk.Eb:
      case Opk.Ew:
      case Opk.Ev:
      case Opk.Ey:
      case Opk.Edq:
      case Opk.Ed:
      case Opk.Evw:
      case Opk.M:
      case Opk.Mq:
      case Opk.Mp:
      case Opk.Ma:
      case Opk.Mb:
      case Opk.Mv: {
        if (op === Opk.Ey) osz = mode === 64 ? 8 : 4;
        const size = op === Opk.Eb
          ? 1
          : op === Opk.Ew
          ? 2
          : op === Opk.Edq
          ? _dq(mode, rex)
          : op === Opk.Ed
          ? 4 // a 32-bit lane even for 66 MOVSXD, whose handler takes its low word
          : osz;
        if (mod === 3) {
          const memOnly = op === Opk.M || op === Opk.Mq || op === Opk.Mp || op === Opk.Ma ||
            op === Opk.Mb || op === Opk.Mv;
          if (memOnly) return _finish(i, DEC_INVALID);
          i.rm = rmf | ((rex & 1) << 3);
          i.rmX = laneOf(i.rm, size, rex);
        } else {
          hasMem = true;
          _memory(i, mod, rmf);
        }
        break;
      }
      case Opk.W:
      case Opk.Q:
      case Opk.R:
      case Opk.Ms:
        if (mod !== 3) {
          hasMem = true;
          _memory(i, mod, rmf);
        } else if (op === Opk.Ms) return _finish(i, DEC_INVALID);
        else {
          i.rm = op === Opk.Q ? rmf : rmf | ((rex & 1) << 3);
          if (op === Opk.R) i.rmX = laneOf(i.rm, 4, rex);
        }
        break;
      case Opk.VSIB:
      case Opk.VSIBX: {
        // A SIB byte is required (no 16-bit addressing); its index, 100b too, names a vector.
        if (mod === 3 || rmf !== 4 || i.asz === 2) return _finish(i, DEC_INVALID);
        hasMem = true;
        _memory(i, mod, rmf);
        if (_status !== DEC_OK) return _finish(i, _status);
        const sib = _src.byteAt(_start + i.posSib);
        i.index = (((sib >> 3) & 7) | ((rex & 2) << 2)) * 2;
        i.vsib = op === Opk.VSIB ? 16 << i.vl : 16;
        break;
      }
      case Opk.U:
      case Opk.N:
        if (mod !== 3) return _finish(i, DEC_INVALID);
        i.rm = op === Opk.N ? rmf : rmf | ((rex & 1) << 3);
        break;
      case Opk.STi:
        i.rm = rmf;
        break;
      case Opk.V:
        i.reg = regf | ((rex & 4) << 1);
        break;
      case Opk.P:
        i.reg = regf;
        break;
      case Opk.L:
        i.posImm = _pos - _start;
        i.imm = _imm(1);
        break;
      case Opk.Gy:
        osz = mode === 64 ? 8 : 4;
        i.reg = regf | ((rex & 4) << 1);
        i.regX = laneOf(i.reg, osz, rex);
        break;
      case Opk.Gb:
      case Opk.Gw:
      case Opk.Gd:
      case Opk.Gv:
      case Opk.Gdq: {
        const size = op === Opk.Gb
          ? 1
          : op === Opk.Gw
          ? 2
          : op === Opk.Gd
          ? 4
          : op === Opk.Gdq
          ? _dq(mode, rex)
          : osz;
        i.reg = regf | ((rex & 4) << 1);
        i.regX = laneOf(i.reg, size, rex);
        break;
      }
      case Opk.Zb:
      case Opk.Zv:
        i.reg = (b & 7) | ((rex & 1) << 3);
        i.regX = laneOf(i.reg, op === Opk.Zb ? 1 : osz, rex);
        break;
      case Opk.Ry:
        i.rm = rmf | ((rex & 1) << 3);
        i.rmX = i.rm * 2;
        osz = mode === 64 ? 8 : 4;
        break;
      case Opk.Cy:
        i.reg = regf | ((rex & 4) << 1);
        if (i.reg !== 0 && i.reg !== 2 && i.reg !== 3 && i.reg !== 4 && i.reg !== 8) {
          return _finish(i, DEC_INVALID);
        }
        break;
      case Opk.Sw:
        // Six segment registers; MOV to CS is invalid (SDM MOV: #UD).
        if (regf > 5 || (k === 0 && regf === 1)) return _finish(i, DEC_INVALID);
        i.reg = regf;
        break;
      case Opk.Ap:
        i.posImm = _pos - _start;
        i.imm = osz === 2 ? _imm(2) : _imm(4);
        i.imm2 = _imm(2);
        break;
      case Opk.Ib2:
        i.imm2 = _imm(1);
        break;
      case Opk.Dy:
        if (rex & 4) return _finish(i, DEC_INVALID);
        i.reg = regf;
        break;
      case Opk.Ib:
      case Opk.Ibs:
        i.posImm = _pos - _start;
        i.imm = op === Opk.Ib ? _imm(1) : (_imm(1) << 24) >> 24;
        break;
      case Opk.Iw:
        i.posImm = _pos - _start;
        i.imm = _imm(2);
        break;
      case Opk.Iz:
      case Opk.Iv:
        i.posImm = _pos - _start;
        if (osz === 2) i.imm = _imm(2);
        else {
          i.imm = _imm(4);
          if (osz === 8) i.immHi = op === Opk.Iv ? _imm(4) : i.imm >> 31;
        }
        break;
      case Opk.Jb:
        i.posImm = _pos - _start;
        i.imm = (_imm(1) << 24) >> 24;
        break;
      case Opk.Jz:
        i.posImm = _pos - _start;
        i.imm = osz === 2 ? (_imm(2) << 16) >> 16 : _imm(4);
        break;
      case Opk.Ob:
      case Opk.Ov:
        hasMem = true;
        i.posDisp = _pos - _start;
        i.disp = i.asz === 2 ? _imm(2) : _imm(4);
        if (i.asz === 8) i.immHi = _imm(4);
        i.seg = i.segPfx >= 0 && (mode !== 64 || i.segPfx >= 4) ? i.segPfx : DS;
        break;
      case Opk.eAXz:
      case Opk.Xz:
      case Opk.Yz:
        if (osz === 8) osz = 4;
        break;
      default:
        break;
    }
    if (_status !== DEC_OK) return _finish(i, _status);
  }
  i.osz = osz;
  i.flat64 = modrm >= 0 && modrm < 0xc0 && i.asz === 8 && i.index === ZERO_LANE && !i.ripRel &&
    i.seg < FS && i.vsib === 0;
  if (map >= 4 && (vexBad || !vexRowOk(row))) return _finish(i, DEC_INVALID);
  // A gather's destination, mask (vvvv) and index must be three different registers.
  if (i.vsib !== 0 && (i.reg === i.vvvv || i.reg * 2 === i.index || i.vvvv * 2 === i.index)) {
    return _finish(i, DEC_INVALID);
  }
  if (i.pfx & P_LOCK && (!(attr & Attr.LOCK) || !hasMem)) return _finish(i, DEC_INVALID);
  const widx = osz === 1 ? 0 : osz === 2 ? 1 : osz === 4 ? 2 : 3;
  const mem = modrm >= 0 && modrm < 0xc0 ? 1 : 0;
  i.hid = ROW_H[row * 8 + (attr & Attr.BYTE ? 0 : widx) * 2 + mem];
  return _finish(i, DEC_OK);
}
