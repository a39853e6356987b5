/**
 * Descriptor-table, task-register and machine-status instructions as a
 * guest kernel uses them at boot (SDM vol. 2: SGDT, SIDT, LGDT, LIDT, SLDT,
 * STR, LLDT, LTR, LAR, LSL, VERR, VERW, SMSW, LMSW, CLTS, XGETBV, WBINVD,
 * RDPMC, CLAC, STAC, SWAPGS, RDFSBASE and kin; vol. 3 §3.5 system
 * descriptors, §8.2.3 the 16-byte descriptors of IA-32e mode).
 *
 * VMX non-root operation under devvmx's controls (devvmx.c vmcsinit):
 * "descriptor-table exiting", "WBINVD exiting" and "RDPMC exiting" are not
 * set, so those instructions execute (WBINVD and RDPMC exit if a control
 * says so; descriptor-table exiting is not modeled and ends the run);
 * "enable INVPCID" and "enable XSAVES/XRSTORS" are not set, so INVPCID,
 * XSAVES and XRSTORS are #UD (vol. 3 §26.3). RDPMC that would read a
 * counter ends the run (host counters are not modeled). CLTS and LMSW exit as control-register accesses
 * when the CR0 guest/host mask and read shadow say so (vol. 3 §26.1.3;
 * qualification, §27.2.1 table 27-3: access type 2 CLTS, 3 LMSW); host-owned
 * CR0 bits are otherwise left alone, and SMSW reads them from the shadow
 * (§26.3). UMIP is not on Skylake, so SGDT, SIDT, SLDT, STR and SMSW run at
 * any CPL. SMSW with a 32-bit register stores all of CR0 (the SDM leaves
 * bits 31:16 undefined; this is what Intel parts do), and LAR returns the
 * access-rights doubleword masked with 00F0FF00h (limit bits 19:16 clear).
 * LAR, LSL, VERR and VERW read 8-byte descriptors in every mode. XGETBV with
 * ECX = 1 (XINUSE) is not modeled and ends the run.
 *
 * @module
 */

import { getReg, HI, linM, linRmw, setReg, setReg64 } from "./access.ts";
import { EXIT_CR_ACCESS, vmexit } from "./exits.ts";
import { Field } from "./fields.ts";
import { getFlags } from "./flags.ts";
import type { Handler, Insn } from "./insn.ts";
import { rd16, rd32, rd64, wr16, wr32, wr64 } from "./mem.ts";
import { writeCr } from "./mode.ts";
import { VM, ZF } from "./operands.ts";
import { canonical } from "./paging.ts";
import { cacheSegment, DESC, descLimit, readDescriptor } from "./segload.ts";
import { type CpuState, dead, GS, LDTR, raise, TR } from "./state.ts";

const _UNUSABLE = 0x10000;
const _S = 0x1000, _P = 0x8000, _CODE = 0x800, _DC = 0x400, _RW = 0x200;
const _CR4_OSXSAVE = 1 << 18, _CR4_FSGSBASE = 1 << 16, _CR4_PCE = 1 << 8;
const _AC = 1 << 18;
// VM-execution controls devvmx leaves 0 (vmcsinit), checked so that setting them fails loudly.
const _RDPMC_EXITING = 1 << 11;
const _DESC_EXITING = 1 << 2, _WBINVD_EXITING = 1 << 6, _ENABLE_INVPCID = 1 << 12;
const _ENABLE_XSAVES = 1 << 20;
const _EXIT_RDPMC = 15, _EXIT_WBINVD = 54;
const _EFER_LMA = 0x400;

function _gp0(c: CpuState): never {
  return raise(c, 13, 0);
}

/** Descriptor-table exiting is not modeled: with it set, the instructions it covers end the run. */
function _noDescExiting(c: CpuState): void {
  if (c.lo(Field.PROCBASED_CTLS2) & _DESC_EXITING) {
    dead(c, "unimplemented descriptor-table exiting");
  }
}

function _lma(c: CpuState): boolean {
  return (c.lo(Field.EFER) & _EFER_LMA) !== 0;
}

/** #UD in real-address and virtual-8086 mode (the protected-mode-only instructions). */
function _protectedOnly(c: CpuState): void {
  if (!(c.lo(Field.CR0) & 1) || c.flags & VM) raise(c, 6);
}

function _setZF(c: CpuState, on: boolean): void {
  c.flags = (getFlags(c) & ~ZF) | (on ? ZF : 0);
  c.fop = 0;
}

/** The selector operand of an `Ew`/`Evw` source: the low word of the register, or a memory word. */
function _selector(c: CpuState, i: Insn, w: number, mem: boolean): number {
  if (mem) return rd16(c, linM(c, i, 2));
  return getReg(c, i.rmX, w === 8 ? 4 : w) & 0xffff;
}

/** Write `v` (below 2^32) to an `Evw` destination: a memory word, or the register zero-extended. */
function _storeEvw(c: CpuState, i: Insn, w: number, mem: boolean, v: number, hi: number): void {
  if (mem) wr16(c, linRmw(c, i, 2), v);
  else if (w === 8) setReg64(c, i.rmX, v, hi);
  else setReg(c, i.rmX, w, v);
}

/** Write `v` to the `Gv` register of `i`, zero-extended. */
function _storeGv(c: CpuState, i: Insn, w: number, v: number): void {
  if (w === 8) setReg64(c, i.regX, v, 0);
  else setReg(c, i.regX, w, v);
}

/** SGDT (`sub` 0), SIDT (1): 2-byte limit, then a 4-byte base (8 in 64-bit mode). */
function _sgdt(c: CpuState, i: Insn): void {
  const idt = i.sub === 1;
  const b = idt ? Field.IDTR_BASE : Field.GDTR_BASE;
  const limit = c.lo(idt ? Field.IDTR_LIMIT : Field.GDTR_LIMIT);
  _noDescExiting(c);
  const lin = linRmw(c, i, i.mode === 64 ? 10 : 6);
  wr16(c, lin, limit);
  if (i.mode === 64) wr64(c, lin + 2, c.lo(b), c.hi(b));
  else wr32(c, lin + 2, c.lo(b));
}

/**
 * LGDT (`sub` 2), LIDT (3): CPL 0; a 16-bit operand size loads a 24-bit
 * base, 64-bit mode an 8-byte one, which must be canonical.
 */
function _lgdt(c: CpuState, i: Insn): void {
  if (c.cpl > 0) _gp0(c);
  _noDescExiting(c);
  const lin = linM(c, i, i.mode === 64 ? 10 : 6);
  const limit = rd16(c, lin);
  let lo: number, hi = 0;
  if (i.mode === 64) {
    lo = rd64(c, lin + 2);
    hi = HI[0];
    if (!canonical(hi)) _gp0(c);
  } else lo = rd32(c, lin + 2) & (i.osz === 2 ? 0xffffff : -1);
  const idt = i.sub === 3;
  c.setWide(idt ? Field.IDTR_BASE : Field.GDTR_BASE, lo >>> 0, hi);
  c.setWide(idt ? Field.IDTR_LIMIT : Field.GDTR_LIMIT, limit, 0);
}

/** SLDT (`sub` 0), STR (1): the selector, zero-extended in a register. */
function _sldt(c: CpuState, i: Insn, w: number, mem: boolean): void {
  _protectedOnly(c);
  _noDescExiting(c);
  _storeEvw(c, i, w, mem, c.segSel[i.sub === 0 ? LDTR : TR], 0);
}

/**
 * LLDT (`sub` 2), LTR (3): CPL 0; the selector must name a present LDT
 * (LLDT) or available TSS (LTR) descriptor in the GDT, 16 bytes in IA-32e
 * mode (upper base canonical, upper type 0). A null selector makes LDTR
 * unusable and is #GP(0) for LTR. LTR marks the TSS busy in memory.
 */
function _lldt(c: CpuState, i: Insn, mem: boolean): void {
  _protectedOnly(c);
  if (c.cpl > 0) _gp0(c);
  _noDescExiting(c);
  const sel = _selector(c, i, 2, mem);
  const ltr = i.sub === 3, err = sel & 0xfffc;
  if (err === 0) {
    if (ltr) _gp0(c);
    c.segSel[LDTR] = sel;
    c.segAr[LDTR] = _UNUSABLE;
    return;
  }
  if (sel & 4) raise(c, 13, err);
  const lma = _lma(c);
  const lin = readDescriptor(c, sel, lma ? 16 : 8);
  if (lin < 0) raise(c, 13, err);
  const hi = DESC[1], type = (hi >> 8) & 0x1f;
  // Type with S: 02h LDT; 09h available 32/64-bit TSS; 01h available 16-bit TSS (legacy only).
  const ok = ltr ? type === 9 || (type === 1 && !lma) : type === 2;
  if (!ok) raise(c, 13, err);
  if (!(hi & _P)) raise(c, 11, err);
  let baseHi = 0;
  if (lma) {
    if (!canonical(DESC[2]) || (DESC[3] >> 8) & 0x1f) raise(c, 13, err);
    baseHi = DESC[2];
  }
  cacheSegment(c, ltr ? TR : LDTR, sel, baseHi);
  if (ltr) {
    wr32(c, lin + 4, hi | 0x200);
    c.segAr[TR] |= 2; // busy
  }
}

/**
 * The descriptor `sel` names if LAR, LSL, VERR or VERW may look at it from
 * this privilege (null, outside its table, or too privileged: false);
 * DESC then holds it.
 */
function _visible(c: CpuState, sel: number): boolean {
  if ((sel & 0xfffc) === 0 || readDescriptor(c, sel, 8) < 0) return false;
  const hi = DESC[1], dpl = (hi >> 13) & 3;
  const conforming = (hi & (_S | _CODE | _DC)) === (_S | _CODE | _DC);
  return conforming || (dpl >= c.cpl && dpl >= (sel & 3));
}

// System types LAR accepts (bit per type): legacy 1-5, 9, B, C; IA-32e mode 2, 9, B, C.
const _LAR_TYPES = 0x1a3e, _LAR_TYPES_64 = 0x1a04;
// LSL: legacy 1, 2, 3, 9, B; IA-32e mode 2, 9, B.
const _LSL_TYPES = 0x0a0e, _LSL_TYPES_64 = 0x0a04;

/** LAR (`lsl` false) and LSL: ZF = 1 and the access rights or limit when the descriptor is visible. */
function _lar(c: CpuState, i: Insn, w: number, mem: boolean, lsl: boolean): void {
  _protectedOnly(c);
  const sel = _selector(c, i, w, mem);
  let ok = _visible(c, sel);
  if (ok && !(DESC[1] & _S)) {
    const lma = _lma(c);
    const types = lsl ? (lma ? _LSL_TYPES_64 : _LSL_TYPES) : (lma ? _LAR_TYPES_64 : _LAR_TYPES);
    ok = ((types >> ((DESC[1] >> 8) & 0xf)) & 1) !== 0;
  }
  if (ok) _storeGv(c, i, w, lsl ? descLimit() : DESC[1] & (w === 2 ? 0xff00 : 0x00f0ff00));
  _setZF(c, ok);
}

/** VERR (`sub` 4), VERW (5): ZF = 1 if the segment is readable (writable) from here. */
function _verr(c: CpuState, i: Insn, mem: boolean): void {
  _protectedOnly(c);
  const sel = _selector(c, i, 2, mem);
  let ok = _visible(c, sel);
  const hi = DESC[1];
  if (ok) {
    if (!(hi & _S)) ok = false;
    else if (i.sub === 5) ok = !(hi & _CODE) && (hi & _RW) !== 0;
    else ok = !(hi & _CODE) || (hi & _RW) !== 0;
  }
  _setZF(c, ok);
}

/** CR0 as the guest sees it: host-owned bits from the read shadow (like MOV from CR0). */
function _cr0Seen(c: CpuState): number {
  const m = c.lo(Field.CR0_MASK);
  return ((c.lo(Field.CR0) & ~m) | (c.lo(Field.CR0_SHADOW) & m)) >>> 0;
}

function _smsw(c: CpuState, i: Insn, w: number, mem: boolean): void {
  const mh = c.hi(Field.CR0_MASK);
  const hi = (c.hi(Field.CR0) & ~mh) | (c.hi(Field.CR0_SHADOW) & mh);
  _storeEvw(c, i, w, mem, _cr0Seen(c), hi);
}

/**
 * LMSW: CPL 0; loads CR0 bits 3:0 but cannot clear PE. Exits when a
 * host-owned bit would change against the shadow (PE only when being set).
 */
function _lmsw(c: CpuState, i: Insn, mem: boolean): void {
  if (c.cpl > 0) _gp0(c);
  const src = _selector(c, i, 2, mem);
  const m = c.lo(Field.CR0_MASK) & 0xf, sh = c.lo(Field.CR0_SHADOW);
  if ((m & 1 && !(sh & 1) && src & 1) || ((src ^ sh) & m & 0xe) !== 0) {
    vmexit(c, EXIT_CR_ACCESS, (3 << 4) | (mem ? 1 << 6 : 0) | (src << 16), i.len);
  }
  const old = c.lo(Field.CR0);
  const v = ((src | old) & 1) | (src & 0xe);
  writeCr(c, 0, (old & ~(0xf & ~m)) | (v & ~m & 0xf), c.hi(Field.CR0));
}

/** CLTS: CPL 0; exits when TS is host-owned and set in the shadow, else clears a guest-owned TS. */
function _clts(c: CpuState, i: Insn): void {
  if (c.cpl > 0) _gp0(c);
  if (c.lo(Field.CR0_MASK) & 8) {
    if (c.lo(Field.CR0_SHADOW) & 8) vmexit(c, EXIT_CR_ACCESS, 2 << 4, i.len);
    return;
  }
  c.setWide(Field.CR0, c.lo(Field.CR0) & ~8, c.hi(Field.CR0));
}

/** XGETBV: #UD without CR4.OSXSAVE; ECX 0 reads XCR0. */
function _xgetbv(c: CpuState): void {
  if (!(c.lo(Field.CR4) & _CR4_OSXSAVE)) raise(c, 6);
  const n = c.r32[2];
  if (n === 1) dead(c, "unimplemented XGETBV of XINUSE");
  if (n !== 0) _gp0(c);
  setReg(c, 0, 4, c.lo(Field.XCR0));
  setReg(c, 4, 4, c.hi(Field.XCR0));
}

/** WBINVD and WBNOINVD: CPL 0; exit with "WBINVD exiting", else nothing (caches are not modeled). */
function _wbinvd(c: CpuState, i: Insn): void {
  if (c.cpl > 0) _gp0(c);
  if (c.lo(Field.PROCBASED_CTLS2) & _WBINVD_EXITING) vmexit(c, _EXIT_WBINVD, 0, i.len);
}

/**
 * RDPMC: #GP(0) above CPL 0 without CR4.PCE; exits with "RDPMC exiting".
 * Otherwise the host's performance counters would be read: not modeled.
 */
function _rdpmc(c: CpuState, i: Insn): void {
  if (c.cpl > 0 && !(c.lo(Field.CR4) & _CR4_PCE)) _gp0(c);
  if (c.lo(Field.PROCBASED_CTLS) & _RDPMC_EXITING) vmexit(c, _EXIT_RDPMC, 0, i.len);
  dead(c, "unimplemented RDPMC");
}

/** CLAC (`sub` 0), STAC (1): RFLAGS.AC at CPL 0, #UD above. */
function _clac(c: CpuState, i: Insn): void {
  if (c.cpl > 0) raise(c, 6);
  c.flags = i.sub === 0 ? c.flags & ~_AC : c.flags | _AC;
}

/** An instruction that is #UD in non-root operation unless secondary control `bit` enables it. */
function _enabledBy(bit: number, name: string): Handler {
  return (c) => {
    if (!(c.lo(Field.PROCBASED_CTLS2) & bit)) raise(c, 6);
    dead(c, `unimplemented ${name}`);
  };
}

/** SWAPGS (64-bit mode only: a decoder rule), CPL 0: exchanges the GS base with IA32_KERNEL_GS_BASE. */
function _swapgs(c: CpuState): void {
  if (c.cpl > 0) _gp0(c);
  const lo = c.lo(Field.KERNEL_GS_BASE), hi = c.hi(Field.KERNEL_GS_BASE);
  c.setWide(Field.KERNEL_GS_BASE, c.segBase[GS] >>> 0, c.segBaseHi[GS]);
  c.segBase[GS] = lo;
  c.segBaseHi[GS] = hi;
}

/**
 * RDFSBASE (`sub` 0), RDGSBASE (1), WRFSBASE (2), WRGSBASE (3): 64-bit mode
 * (a decoder rule) with CR4.FSGSBASE; a written base must be canonical. FS is 4, GS 5.
 */
function _fsgsbase(c: CpuState, i: Insn, w: number): void {
  if (!(c.lo(Field.CR4) & _CR4_FSGSBASE)) raise(c, 6);
  const s = 4 + (i.sub & 1);
  if (i.sub < 2) {
    if (w === 8) setReg64(c, i.rmX, c.segBase[s], c.segBaseHi[s]);
    else setReg(c, i.rmX, 4, c.segBase[s]);
    return;
  }
  const hi = w === 8 ? c.r32[i.rmX + 1] : 0;
  if (!canonical(hi)) _gp0(c);
  c.segBase[s] = c.r32[i.rmX];
  c.segBaseHi[s] = hi;
}

const _xsaves = _enabledBy(_ENABLE_XSAVES, 'XSAVES/XRSTORS with "enable XSAVES/XRSTORS" set');

/** Descriptor-table and machine-status handlers by name. */
export const DESC_HANDLERS: Record<string, Handler> = {
  sgdtm: _sgdt,
  lgdtm: _lgdt,
  sldt16r: (c, i) => _sldt(c, i, 2, false),
  sldt32r: (c, i) => _sldt(c, i, 4, false),
  sldt64r: (c, i) => _sldt(c, i, 8, false),
  sldt16m: (c, i) => _sldt(c, i, 2, true),
  sldt32m: (c, i) => _sldt(c, i, 4, true),
  sldt64m: (c, i) => _sldt(c, i, 8, true),
  lldtr: (c, i) => _lldt(c, i, false),
  lldtm: (c, i) => _lldt(c, i, true),
  verrr: (c, i) => _verr(c, i, false),
  verrm: (c, i) => _verr(c, i, true),
  lar16r: (c, i) => _lar(c, i, 2, false, false),
  lar32r: (c, i) => _lar(c, i, 4, false, false),
  lar64r: (c, i) => _lar(c, i, 8, false, false),
  lar16m: (c, i) => _lar(c, i, 2, true, false),
  lar32m: (c, i) => _lar(c, i, 4, true, false),
  lar64m: (c, i) => _lar(c, i, 8, true, false),
  lsl16r: (c, i) => _lar(c, i, 2, false, true),
  lsl32r: (c, i) => _lar(c, i, 4, false, true),
  lsl64r: (c, i) => _lar(c, i, 8, false, true),
  lsl16m: (c, i) => _lar(c, i, 2, true, true),
  lsl32m: (c, i) => _lar(c, i, 4, true, true),
  lsl64m: (c, i) => _lar(c, i, 8, true, true),
  smsw16r: (c, i) => _smsw(c, i, 2, false),
  smsw32r: (c, i) => _smsw(c, i, 4, false),
  smsw64r: (c, i) => _smsw(c, i, 8, false),
  smsw16m: (c, i) => _smsw(c, i, 2, true),
  smsw32m: (c, i) => _smsw(c, i, 4, true),
  smsw64m: (c, i) => _smsw(c, i, 8, true),
  lmswr: (c, i) => _lmsw(c, i, false),
  lmswm: (c, i) => _lmsw(c, i, true),
  clts: _clts,
  xgetbv: _xgetbv,
  wbinvd: _wbinvd,
  rdpmc: _rdpmc,
  clac: _clac,
  invpcidm: _enabledBy(_ENABLE_INVPCID, 'INVPCID with "enable INVPCID" set'),
  xsaves16m: _xsaves,
  xsaves32m: _xsaves,
  xsaves64m: _xsaves,
  swapgs: _swapgs,
  fsgsbase32r: (c, i) => _fsgsbase(c, i, 4),
  fsgsbase64r: (c, i) => _fsgsbase(c, i, 8),
};
