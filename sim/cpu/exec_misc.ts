/**
 * Miscellaneous general-purpose instructions (SDM vol. 2): LAHF, SAHF,
 * RDRAND, RDSEED, RDTSCP, RDPID, BOUND, ARPL, SALC, UD0, UD1, CLFLUSH,
 * CLFLUSHOPT; the hint NOPs (PREFETCHh, PREFETCHW, the reserved-NOP space
 * 0F 0D and 0F 18-1F, ENDBR, RDSSP) and the fences, which change nothing
 * here, use the move category's `nop` handlers.
 *
 * The modeled CPU (a Skylake, sim/vmx/host.ts) decides:
 * - LAHF/SAHF are valid in 64-bit mode (CPUID.80000001H:ECX.LAHF-SAHF = 1).
 * - RDRAND and RDSEED exist and do not exit (devvmx sets neither "RDRAND
 *   exiting" nor "RDSEED exiting"). They never fail: CF = 1, OF SF ZF AF
 *   PF = 0. Values are deterministic (see `setRandomSeed`).
 * - RDTSCP is #UD: devvmx leaves "enable RDTSCP" (secondary control bit 3)
 *   clear, and then RDTSCP is #UD in VMX non-root operation (SDM vol. 3
 *   §25.3); with the control set it would run, which is not modeled.
 * - RDPID (F3 0F C7 /7) does not exist on Skylake: #UD.
 * - CET is not supported, so ENDBR32/64 and RDSSPD/Q are NOPs (their
 *   encodings are reserved NOPs); PREFETCHWT1 and the other 0F 0D forms are
 *   prefetch hints treated as NOPs, as is the whole 0F 18-1F space.
 * - CLFLUSH and CLFLUSHOPT access their byte as a read (segment checks,
 *   paging, EPT) and change nothing.
 * - SALC (D6, undocumented) sets AL to 0xFF if CF else 0, outside 64-bit
 *   mode; Intel cores execute it.
 *
 * @module
 */

import { linM, linRmw, readM, setReg, setReg64 } from "./access.ts";
import { mulU64, R64 } from "./arith64.ts";
import { Field } from "./fields.ts";
import { getCF, getFlags, setArith } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { rdN, rdw, wr16 } from "./mem.ts";
import { CF, OF, ZF } from "./operands.ts";
import { type CpuState, dead, raise } from "./state.ts";

// --- RDRAND and RDSEED

const _2_32 = 4294967296;
// SplitMix64's increment (the golden ratio) and multipliers, as 32-bit halves.
const _GAMMA_LO = 0x7f4a7c15, _GAMMA_HI = 0x9e3779b9;
const _M1_LO = 0x1ce4e5b9, _M1_HI = 0xbf58476d;
const _M2_LO = 0x133111eb, _M2_HI = 0x94d049bb;

const _seeds = new WeakMap<CpuState, Uint32Array>();
const _NO_SEED = new Uint32Array(2);

/**
 * Seed the RDRAND/RDSEED generator of `c` with the 64-bit value `hi:lo`
 * (0 until set). The value an RDRAND or RDSEED returns is SplitMix64's
 * output number n + 1 of that seed, where n is `c.retired` when it runs:
 * mix(seed + (n + 1) * 0x9e3779b97f4a7c15) with SplitMix64's mix (shift
 * 30, multiply 0xbf58476d1ce4e5b9, shift 27, multiply 0x94d049bb133111eb,
 * shift 31), cut to the operand size. It depends on nothing but the seed
 * and the retired count, so a trace records the seed and replay, snapshots
 * and restores reproduce every value.
 */
export function setRandomSeed(c: CpuState, lo: number, hi: number): void {
  _seeds.set(c, Uint32Array.of(lo >>> 0, hi >>> 0));
}

/** The seed `setRandomSeed` gave `c`, as [low, high] uint32 halves ([0, 0] if none). */
export function randomSeed(c: CpuState): [number, number] {
  const s = _seeds.get(c);
  return s === undefined ? [0, 0] : [s[0], s[1]];
}

// z ^= z >>> k for the 64-bit value in R64[0..1] (0 < k < 32).
function _xorShift(k: number): void {
  const lo = R64[0], hi = R64[1];
  R64[0] = lo ^ ((lo >>> k) | (hi << (32 - k)));
  R64[1] = hi ^ (hi >>> k);
}

// R64[0..1] *= (mh:ml), keeping the low 64 bits.
function _mul(ml: number, mh: number): void {
  mulU64(R64[0], R64[1], ml, mh);
}

// The generator's value for `c` at its current retired count: low half returned, high in R64[1].
function _randomValue(c: CpuState): number {
  const seed = _seeds.get(c) ?? _NO_SEED;
  const sl = seed[0], sh = seed[1];
  const n = c.retired + 1;
  // (n * gamma) mod 2^64 with n < 2^53 in halves, plus the seed.
  mulU64(n % _2_32, Math.floor(n / _2_32), _GAMMA_LO, _GAMMA_HI);
  const s = R64[0] + sl;
  R64[1] = R64[1] + sh + (s >= _2_32 ? 1 : 0);
  R64[0] = s;
  _xorShift(30);
  _mul(_M1_LO, _M1_HI);
  _xorShift(27);
  _mul(_M2_LO, _M2_HI);
  _xorShift(31);
  return R64[0] | 0;
}

function _rdrand(c: CpuState, i: Insn, w: number): void {
  const lo = _randomValue(c);
  if (w === 8) setReg64(c, i.rmX, lo, R64[1] | 0);
  else setReg(c, i.rmX, w, w === 2 ? lo & 0xffff : lo);
  setArith(c, CF);
}

// --- LAHF, SAHF, SALC

function _lahf(c: CpuState): void {
  c.r8[1] = (getFlags(c) & 0xd5) | 2;
}

function _sahf(c: CpuState): void {
  setArith(c, (getFlags(c) & OF) | (c.r8[1] & 0xd5));
}

// --- BOUND, ARPL

// BOUND Gv, Ma: #BR (vector 5, a fault) unless lower <= index <= upper, all signed.
function _bound(c: CpuState, i: Insn, w: number): void {
  const lin = linM(c, i, 2 * w);
  const s = 32 - 8 * w;
  const lower = (rdN(c, lin, w) << s) >> s, upper = (rdN(c, lin + w, w) << s) >> s;
  const index = w === 2 ? (c.r16[i.regX] << 16) >> 16 : c.r32[i.regX];
  if (index < lower || index > upper) raise(c, 5);
}

// ARPL Ew, Gw: raise the destination selector's RPL to the source's (ZF = 1), else ZF = 0.
// Protected mode only (real mode: #UD); invalid in 64-bit mode, where 63 is MOVSXD.
function _arpl(c: CpuState, i: Insn, mem: boolean): void {
  if (!(c.lo(Field.CR0) & 1)) raise(c, 6);
  const lin = mem ? linRmw(c, i, 2) : 0;
  const d = mem ? rdw(c, lin, 2) & 0xffff : c.r16[i.rmX];
  const srpl = c.r16[i.regX] & 3;
  const adjust = (d & 3) < srpl;
  if (adjust) {
    const v = (d & ~3) | srpl;
    if (mem) wr16(c, lin, v);
    else c.r16[i.rmX] = v;
  }
  c.flags = (getFlags(c) & ~ZF) | (adjust ? ZF : 0);
  c.fop = 0;
}

// --- RDTSCP, UD0/UD1, CLFLUSH

const _ENABLE_RDTSCP = 1 << 3;

function _rdtscp(c: CpuState): void {
  if (!(c.lo(Field.PROCBASED_CTLS2) & _ENABLE_RDTSCP)) raise(c, 6);
  dead(c, 'unimplemented RDTSCP with "enable RDTSCP" set');
}

function _ud(c: CpuState): void {
  raise(c, 6);
}

/** Miscellaneous handlers by name. */
export const MISC_HANDLERS: Record<string, Handler> = {
  rdrand16r: (c, i) => _rdrand(c, i, 2),
  rdrand32r: (c, i) => _rdrand(c, i, 4),
  rdrand64r: (c, i) => _rdrand(c, i, 8),
  lahf: _lahf,
  sahf: _sahf,
  salc: (c) => {
    c.r8[0] = getCF(c) ? 0xff : 0;
  },
  bound16m: (c, i) => _bound(c, i, 2),
  bound32m: (c, i) => _bound(c, i, 4),
  arplr: (c, i) => _arpl(c, i, false),
  arplm: (c, i) => _arpl(c, i, true),
  rdtscp: _rdtscp,
  udE16r: _ud,
  udE16m: _ud,
  udE32r: _ud,
  udE32m: _ud,
  udE64r: _ud,
  udE64m: _ud,
  clflushm: (c, i) => {
    readM(c, i, 1);
  },
  // Hints with a memory operand (PREFETCHh, CLDEMOTE): nothing is accessed.
  nopm: () => {},
};
