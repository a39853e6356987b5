/**
 * CRC32 (SDM vol. 2, SSE4.2): accumulate a CRC-32C (Castagnoli, the
 * bit-reflected polynomial 82F63B78h, no inversion in or out) over the
 * source bytes, least significant first, starting from the destination's
 * low 32 bits. The result is written as 32 bits, zero-extended (also with
 * REX.W). No flags change.
 *
 * @module
 */

import { getReg, HI, readM, readM64, setReg } from "./access.ts";
import type { Handler, Insn } from "./insn.ts";
import type { CpuState } from "./state.ts";

const _TABLE: Int32Array = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let v = n;
    for (let k = 0; k < 8; k++) v = v & 1 ? (v >>> 1) ^ 0x82f63b78 : v >>> 1;
    t[n] = v;
  }
  return t;
})();

/** Fold the `n` low bytes of `v` into `crc`. */
function _crc(crc: number, v: number, n: number): number {
  for (let k = 0; k < n; k++) {
    crc = _TABLE[(crc ^ v) & 0xff] ^ (crc >>> 8);
    v >>>= 8;
  }
  return crc;
}

function _acc(c: CpuState, i: Insn, v: number, n: number): void {
  setReg(c, i.regX, 4, _crc(c.r32[i.regX], v, n));
}

function _acc64(c: CpuState, i: Insn, lo: number, hi: number): void {
  setReg(c, i.regX, 4, _crc(_crc(c.r32[i.regX], lo, 4), hi, 4));
}

/** CRC32 handlers by name: crcb* take a byte source, crc16/32/64 a source of that width. */
export const CRC_HANDLERS: Record<string, Handler> = {
  crcb32r: (c, i) => _acc(c, i, getReg(c, i.rmX, 1), 1),
  crcb32m: (c, i) => _acc(c, i, readM(c, i, 1), 1),
  crcb64r: (c, i) => _acc(c, i, getReg(c, i.rmX, 1), 1),
  crcb64m: (c, i) => _acc(c, i, readM(c, i, 1), 1),
  crc16r: (c, i) => _acc(c, i, getReg(c, i.rmX, 2), 2),
  crc16m: (c, i) => _acc(c, i, readM(c, i, 2), 2),
  crc32r: (c, i) => _acc(c, i, c.r32[i.rmX], 4),
  crc32m: (c, i) => _acc(c, i, readM(c, i, 4), 4),
  crc64r: (c, i) => _acc64(c, i, c.r32[i.rmX], c.r32[i.rmX + 1]),
  crc64m: (c, i) => _acc64(c, i, readM64(c, i), HI[0]),
};
