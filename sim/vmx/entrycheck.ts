/**
 * The checks a VT-x processor makes before it enters the guest (Intel SDM
 * vol. 3, chapter 26, "VM Entries"), as far as a devvmx user can make them
 * fail: the event-injection fields among the control checks (26.2.1.3),
 * whose failure is VMfailValid (devvmx: the vCPU dies with "vmlaunch
 * failed"), and the guest-state checks (26.3.1), whose failure is a VM exit
 * with reason 33 | 1<<31 ("!entrystate", 26.8).
 *
 * The rest of 26.2 concerns controls and host state devvmx sets once and
 * never lets a user change. Guest-state fields the CPU model does not hold
 * are not checked: IA32_DEBUGCTL, SYSENTER_ESP/EIP, the VMCS link pointer
 * and the pin-based controls keep devvmx's valid settings, and the PDPTE
 * fields only ever hold what a VM exit saved. The pending-debug-exceptions
 * field is the gap: hardware refuses an entry whose BS bit disagrees with
 * RFLAGS.TF under blocking by STI or MOV SS (26.3.1.5), which a user can
 * cause by writing `flags` after such an exit; that check waits for the CPU
 * to keep the field.
 *
 * @module
 */

import { Field, type GuestState as CpuGuestState } from "../cpu/mod.ts";
import { HOST, type Host } from "./host.ts";

/** What the checks read: the VMCS guest-state area and the controls, as the CPU holds them. */
export type GuestState = Pick<CpuGuestState, "getField">;

/** The VM-entry interruption-information, exception error-code and instruction-length fields. */
export interface Injection {
  /** Bit 31 valid, bits 10:8 type, bit 11 deliver error code, bits 7:0 vector. */
  readonly info: number;
  /** The error code. */
  readonly code: number;
  /** The instruction length (software interrupts and exceptions). */
  readonly ilen: number;
}

/** The host capabilities the checks depend on (SDM appendix A): part of the host model. */
export type EntryHost = Pick<
  Host,
  | "cr0Fixed0"
  | "cr0Fixed1"
  | "cr4Fixed0"
  | "cr4Fixed1"
  | "vmxBasic"
  | "vmxMisc"
  | "physAddrBits"
  | "linearAddrBits"
>;

/** Options of the checks. */
export interface EntryCheckOptions {
  /** The host whose VMX capabilities apply; the modeled HOST by default. */
  readonly host?: EntryHost;
}

/** A guest-state check that failed: the exit qualification of the VM-entry failure and why. */
export interface EntryFailure {
  /** Exit qualification (26.8): 0, or 3 for NMI injection under blocking by STI. */
  readonly qualification: number;
  /** Which check failed, for humans. */
  readonly reason: string;
}

/** No event to inject. */
export const NO_INJECTION: Injection = Object.freeze({ info: 0, code: 0, ilen: 0 });

// Interruption types (24.8.3).
const _EXTINT = 0, _NMI = 2, _HWEXC = 3, _SWINT = 4, _PRIVSWEXC = 5, _SWEXC = 6, _OTHER = 7;
const _VALID = 0x80000000;
// Exception vectors that push an error code: #DF #TS #NP #SS #GP #PF #AC. (#CP
// comes with CET, whose processors all set IA32_VMX_BASIC[56].)
const _ERRCODE = 0x27d00;
// Controls.
const _PROCB_USECTLS2 = 0x80000000n, _PROCB2_UNRESTR = 0x80n;
const _ENTRY_LD_DEBUG = 0x4n, _ENTRY_GUEST64 = 0x200n, _ENTRY_SMM = 0x400n;
const _ENTRY_LD_PAT = 0x4000n, _ENTRY_LD_EFER = 0x8000n;
// CR0 bits never checked against the fixed MSRs (26.3.1.1): NW and CD; PE and PG too when unrestricted.
const _CR0_NWCD = 0x60000000n, _CR0_PEPG = 0x80000001n;
// IA32_EFER bits that exist: SCE, LME, LMA, NXE.
const _EFER_DEFINED = 0xd01n;
// Access-rights bits (24.4.1).
const _AR_S = 0x10, _AR_P = 0x80, _AR_RSVD8 = 0xf00, _AR_L = 0x2000, _AR_DB = 0x4000;
const _AR_G = 0x8000, _AR_UNUSABLE = 0x10000, _AR_RSVD17 = 0xfffe0000;

/** A segment register's four fields. */
interface _Seg {
  readonly name: string;
  readonly sel: number;
  readonly base: bigint;
  readonly limit: number;
  readonly ar: number;
  readonly usable: boolean;
}

function _seg(gs: GuestState, name: string, fields: readonly [Field, Field, Field, Field]): _Seg {
  const ar = Number(gs.getField(fields[3]));
  return {
    name,
    sel: Number(gs.getField(fields[0])),
    base: gs.getField(fields[1]),
    limit: Number(gs.getField(fields[2])),
    ar,
    usable: (ar & _AR_UNUSABLE) === 0,
  };
}

/** Bits 63:n of `v` all equal (n = 0..63). */
function _samehigh(v: bigint, n: number): boolean {
  const top = BigInt.asUintN(64, v) >> BigInt(n);
  return top === 0n || top === (1n << BigInt(64 - n)) - 1n;
}

/** Canonical for the host's linear-address width N: bits 63:N-1 equal. */
function _canonical(v: bigint, host: EntryHost): boolean {
  return _samehigh(v, host.linearAddrBits - 1);
}

/** The G bit agrees with the limit (26.3.1.2, bit 15). */
function _gok(s: _Seg): boolean {
  if ((s.limit & 0xfff) !== 0xfff && (s.ar & _AR_G) !== 0) return false;
  if ((s.limit & 0xfff00000) !== 0 && (s.ar & _AR_G) === 0) return false;
  return true;
}

/**
 * The event-injection checks on the VM-entry control fields (SDM 26.2.1.3).
 * Returns undefined when VM entry may go on, else why it fails with
 * VMfailValid (VM-instruction error 7, invalid control field).
 */
export function checkcontrols(
  gs: GuestState,
  injection: Injection,
  opts: EntryCheckOptions = {},
): string | undefined {
  const host = opts.host ?? HOST;
  const info = injection.info >>> 0;
  if ((info & _VALID) === 0) return undefined;
  const type = info >> 8 & 7, vector = info & 0xff;
  const errcode = (info & 0x800) !== 0;
  // 26.2.1.3: type 1 is reserved; type 7 (other event) needs the monitor trap
  // flag, which every host devvmx runs on has (step uses it).
  if (type === 1) return "reserved interruption type";
  // 26.2.1.3: the vector agrees with the type.
  if (type === _NMI && vector !== 2) return "NMI vector not 2";
  if (type === _HWEXC && vector > 31) return "exception vector above 31";
  if (type === _OTHER && vector !== 0) return "other event vector not 0";
  // 26.2.1.3: deliver-error-code. Outside a protected-mode hardware exception
  // (CR0.PE = 0 counts only with unrestricted guest) it must be 0. Without
  // IA32_VMX_BASIC[56] it must also be 1 exactly for the vectors that push an
  // error code; with it (newer processors) either way is fine.
  const prot = !_unrestricted(gs) || (gs.getField(Field.CR0) & 1n) !== 0n;
  if (type !== _HWEXC || !prot) {
    if (errcode) return "error code outside a protected-mode hardware exception";
  } else if (
    (host.vmxBasic >> 56n & 1n) === 0n && errcode !== ((_ERRCODE >>> vector & 1) !== 0)
  ) {
    return errcode ? "exception takes no error code" : "exception needs an error code";
  }
  // 26.2.1.3: a delivered error code fits in 16 bits (older manuals said 31:15).
  if (errcode && (injection.code >>> 16) !== 0) return "error code bits 31:16 set";
  // 26.2.1.3: bits 30:12 are reserved.
  if ((info & 0x7ffff000) !== 0) return "interruption-information bits 30:12 set";
  // 26.2.1.3: software interrupts and exceptions carry an instruction length
  // of 1-15, or 0 if IA32_VMX_MISC[30].
  if (type === _SWINT || type === _PRIVSWEXC || type === _SWEXC) {
    const ilen = injection.ilen >>> 0;
    if (ilen > 15) return "instruction length above 15";
    if (ilen === 0 && (host.vmxMisc >> 30n & 1n) === 0n) return "instruction length 0";
  }
  return undefined;
}

/** "unrestricted guest", which counts only with "activate secondary controls" (24.6.2). */
function _unrestricted(gs: GuestState): boolean {
  return (gs.getField(Field.PROCBASED_CTLS) & _PROCB_USECTLS2) !== 0n &&
    (gs.getField(Field.PROCBASED_CTLS2) & _PROCB2_UNRESTR) !== 0n;
}

/**
 * The guest-state checks (SDM 26.3.1) for an entry injecting `injection`.
 * Returns undefined when VM entry may go on, else the VM-entry failure
 * (exit reason 33 with bit 31).
 */
export function checkguest(
  gs: GuestState,
  injection: Injection = NO_INJECTION,
  opts: EntryCheckOptions = {},
): EntryFailure | undefined {
  const host = opts.host ?? HOST;
  const entry = gs.getField(Field.ENTRY_CTLS);
  const unrestricted = _unrestricted(gs);
  const ia32e = (entry & _ENTRY_GUEST64) !== 0n;
  const cr0 = gs.getField(Field.CR0), cr4 = gs.getField(Field.CR4);
  const rflags = gs.getField(Field.RFLAGS);
  const v86 = (rflags & 0x20000n) !== 0n;
  const info = injection.info >>> 0;
  const valid = (info & _VALID) !== 0;
  const type = info >> 8 & 7, vector = info & 0xff;
  const fail = (reason: string, qualification = 0): EntryFailure => ({ qualification, reason });

  // 26.3.1.1: CR0 against IA32_VMX_CR0_FIXED0/1, except NW and CD, and PE
  // and PG with unrestricted guest.
  const free0 = _CR0_NWCD | (unrestricted ? _CR0_PEPG : 0n);
  if ((host.cr0Fixed0 & ~free0 & ~cr0) !== 0n) return fail("CR0 fixed-1 bit clear");
  if ((cr0 & ~host.cr0Fixed1 & ~_CR0_NWCD) !== 0n) return fail("CR0 fixed-0 bit set");
  // 26.3.1.1: paging needs protection.
  if ((cr0 & 0x80000000n) !== 0n && (cr0 & 1n) === 0n) return fail("CR0.PG without CR0.PE");
  // 26.3.1.1: CR4 against IA32_VMX_CR4_FIXED0/1.
  if ((host.cr4Fixed0 & ~cr4) !== 0n) return fail("CR4 fixed-1 bit clear");
  if ((cr4 & ~host.cr4Fixed1) !== 0n) return fail("CR4 fixed-0 bit set");
  // 26.3.1.1: CR4.CET needs CR0.WP.
  if ((cr4 & 0x800000n) !== 0n && (cr0 & 0x10000n) === 0n) return fail("CR4.CET without CR0.WP");
  // 26.3.1.1: an IA-32e mode guest pages with PAE.
  if (ia32e && (cr0 & 0x80000000n) === 0n) return fail("IA-32e mode guest without CR0.PG");
  if (ia32e && (cr4 & 0x20n) === 0n) return fail("IA-32e mode guest without CR4.PAE");
  // 26.3.1.1: PCIDE only in IA-32e mode.
  if (!ia32e && (cr4 & 0x20000n) !== 0n) return fail("CR4.PCIDE outside IA-32e mode");
  // 26.3.1.1: CR3 within the physical-address width.
  if (gs.getField(Field.CR3) >> BigInt(host.physAddrBits) !== 0n) {
    return fail("CR3 beyond MAXPHYADDR");
  }
  // 26.3.1.1: DR7 bits 63:32 with "load debug controls".
  if ((entry & _ENTRY_LD_DEBUG) !== 0n && gs.getField(Field.DR7) >> 32n !== 0n) {
    return fail("DR7 bits 63:32 set");
  }
  // 26.3.1.1: each IA32_PAT entry a memory type WRMSR accepts (0, 1, 4-7).
  if ((entry & _ENTRY_LD_PAT) !== 0n) {
    const pat = gs.getField(Field.PAT);
    for (let i = 0n; i < 64n; i += 8n) {
      const t = pat >> i & 0xffn;
      if (t > 7n || t === 2n || t === 3n) return fail("IA32_PAT memory type");
    }
  }
  // 26.3.1.1: IA32_EFER reserved bits, LMA = "IA-32e mode guest", LMA = LME under paging.
  if ((entry & _ENTRY_LD_EFER) !== 0n) {
    const efer = gs.getField(Field.EFER);
    if ((efer & ~_EFER_DEFINED) !== 0n) return fail("IA32_EFER reserved bit set");
    const lma = (efer & 0x400n) !== 0n;
    if (lma !== ia32e) return fail("IA32_EFER.LMA differs from IA-32e mode guest");
    if ((cr0 & 0x80000000n) !== 0n && lma !== ((efer & 0x100n) !== 0n)) {
      return fail("IA32_EFER.LMA differs from LME");
    }
  }

  const r = _checksegs(gs, { host, unrestricted, ia32e, v86, pe: (cr0 & 1n) !== 0n });
  if (r !== undefined) return fail(r);
  const cs = _seg(gs, "CS", [Field.CS_SEL, Field.CS_BASE, Field.CS_LIMIT, Field.CS_AR]);
  const ss = _seg(gs, "SS", [Field.SS_SEL, Field.SS_BASE, Field.SS_LIMIT, Field.SS_AR]);

  // 26.3.1.3: GDTR and IDTR.
  if (!_canonical(gs.getField(Field.GDTR_BASE), host)) return fail("GDTR base not canonical");
  if (!_canonical(gs.getField(Field.IDTR_BASE), host)) return fail("IDTR base not canonical");
  if (gs.getField(Field.GDTR_LIMIT) >> 16n !== 0n) return fail("GDTR limit above 0xffff");
  if (gs.getField(Field.IDTR_LIMIT) >> 16n !== 0n) return fail("IDTR limit above 0xffff");

  // 26.3.1.4: RIP. Outside 64-bit mode bits 63:32 are 0; in it bits 63:N
  // agree (no check on bit N-1).
  const rip = gs.getField(Field.RIP);
  if (!ia32e || (cs.ar & _AR_L) === 0) {
    if (rip >> 32n !== 0n) return fail("RIP bits 63:32 set");
  } else if (!_samehigh(rip, host.linearAddrBits)) return fail("RIP not canonical");
  // 26.3.1.4: RFLAGS bits 63:22, 15, 5, 3 are 0, bit 1 is 1.
  if ((rflags & ~0x3fffffn) !== 0n || (rflags & 0x8028n) !== 0n || (rflags & 2n) === 0n) {
    return fail("RFLAGS reserved bit");
  }
  // 26.3.1.4: no virtual-8086 mode in IA-32e mode or without protection.
  if (v86 && (ia32e || (cr0 & 1n) === 0n)) return fail("RFLAGS.VM in IA-32e or real mode");
  // 26.3.1.4: an injected external interrupt needs IF.
  if (valid && type === _EXTINT && (rflags & 0x200n) === 0n) {
    return fail("external interrupt injected with RFLAGS.IF clear");
  }

  // 26.3.1.5: activity state.
  const activity = Number(gs.getField(Field.ACTIVITY));
  const intr = Number(gs.getField(Field.INTERRUPTIBILITY));
  if (activity > 3 || (activity !== 0 && (host.vmxMisc >> BigInt(5 + activity) & 1n) === 0n)) {
    return fail("activity state not supported");
  }
  if (activity === 1 && (ss.ar >> 5 & 3) !== 0) return fail("HLT with SS.DPL not 0");
  if (activity !== 0 && (intr & 3) !== 0) return fail("blocking by STI or MOV SS while not active");
  if (valid && !_deliverable(activity, type, vector)) {
    return fail("event blocked in activity state");
  }
  if (activity === 3 && (entry & _ENTRY_SMM) !== 0n) return fail("wait-for-SIPI on entry to SMM");
  // 26.3.1.5: interruptibility state.
  if ((intr & ~0x1f) !== 0) return fail("interruptibility bits 31:5 set");
  if ((intr & 3) === 3) return fail("blocking by STI and MOV SS");
  if ((intr & 1) !== 0 && (rflags & 0x200n) === 0n) return fail("blocking by STI with IF clear");
  if (valid && type === _EXTINT && (intr & 3) !== 0) {
    return fail("external interrupt injected under blocking by STI or MOV SS");
  }
  if (valid && type === _NMI && (intr & 2) !== 0) {
    return fail("NMI injected under blocking by MOV SS");
  }
  // Outside SMM: no blocking by SMI ("entry to SMM" is never set).
  if ((intr & 4) !== 0) return fail("blocking by SMI outside SMM");
  if ((intr & 0x12) === 0x12) return fail("enclave interruption with blocking by MOV SS");
  // 26.3.1.5 and 26.8: NMI injection under blocking by STI fails with
  // qualification 3 on the processors that check it (processor-specific;
  // modeled as failing).
  if (valid && type === _NMI && (intr & 1) !== 0) {
    return fail("NMI injected under blocking by STI", 3);
  }
  return undefined;
}

/** 26.3.1.5: which injected events each activity state can take. */
function _deliverable(activity: number, type: number, vector: number): boolean {
  switch (activity) {
    case 0:
      return true;
    case 1: // HLT
      return type === _EXTINT || type === _NMI ||
        (type === _HWEXC && (vector === 1 || vector === 18)) ||
        (type === _OTHER && vector === 0);
    case 2: // shutdown
      return type === _NMI || (type === _HWEXC && vector === 18);
    default: // wait-for-SIPI
      return false;
  }
}

/** The modes the segment checks depend on. */
interface _Modes {
  readonly host: EntryHost;
  readonly unrestricted: boolean;
  readonly ia32e: boolean;
  readonly v86: boolean;
  readonly pe: boolean;
}

/** 26.3.1.2: checks on CS, SS, DS, ES, FS, GS, TR and LDTR; undefined or why not. */
function _checksegs(gs: GuestState, m: _Modes): string | undefined {
  const cs = _seg(gs, "CS", [Field.CS_SEL, Field.CS_BASE, Field.CS_LIMIT, Field.CS_AR]);
  const ss = _seg(gs, "SS", [Field.SS_SEL, Field.SS_BASE, Field.SS_LIMIT, Field.SS_AR]);
  const ds = _seg(gs, "DS", [Field.DS_SEL, Field.DS_BASE, Field.DS_LIMIT, Field.DS_AR]);
  const es = _seg(gs, "ES", [Field.ES_SEL, Field.ES_BASE, Field.ES_LIMIT, Field.ES_AR]);
  const fs = _seg(gs, "FS", [Field.FS_SEL, Field.FS_BASE, Field.FS_LIMIT, Field.FS_AR]);
  const gsr = _seg(gs, "GS", [Field.GS_SEL, Field.GS_BASE, Field.GS_LIMIT, Field.GS_AR]);
  const tr = _seg(gs, "TR", [Field.TR_SEL, Field.TR_BASE, Field.TR_LIMIT, Field.TR_AR]);
  const ldtr = _seg(gs, "LDTR", [Field.LDTR_SEL, Field.LDTR_BASE, Field.LDTR_LIMIT, Field.LDTR_AR]);
  const six = [cs, ss, ds, es, fs, gsr];

  // Selectors.
  if ((tr.sel & 4) !== 0) return "TR selector TI set";
  if (ldtr.usable && (ldtr.sel & 4) !== 0) return "LDTR selector TI set";
  if (!m.v86 && !m.unrestricted && (ss.sel & 3) !== (cs.sel & 3)) {
    return "SS.RPL differs from CS.RPL";
  }
  // Bases.
  if (m.v86) {
    for (const s of six) {
      if (s.base !== BigInt(s.sel << 4)) return `${s.name} base not selector << 4`;
    }
  }
  for (const s of [tr, fs, gsr]) {
    if (!_canonical(s.base, m.host)) return `${s.name} base not canonical`;
  }
  if (ldtr.usable && !_canonical(ldtr.base, m.host)) return "LDTR base not canonical";
  for (const s of [cs, ss, ds, es]) {
    if ((s === cs || s.usable) && s.base >> 32n !== 0n) return `${s.name} base bits 63:32 set`;
  }
  // Limits and access rights in virtual-8086 mode.
  if (m.v86) {
    for (const s of six) {
      if (s.limit !== 0xffff) return `${s.name} limit not 0xffff`;
      if (s.ar !== 0xf3) return `${s.name} access rights not 0xf3`;
    }
  } else {
    const r = _checkars(six, m);
    if (r !== undefined) return r;
  }
  // TR.
  const trtype = tr.ar & 0xf;
  if (m.ia32e ? trtype !== 11 : trtype !== 3 && trtype !== 11) return "TR type";
  const r = _checksys(tr);
  if (r !== undefined) return r;
  if (!tr.usable) return "TR unusable";
  // LDTR.
  if (ldtr.usable) {
    if ((ldtr.ar & 0xf) !== 2) return "LDTR type";
    return _checksys(ldtr);
  }
  return undefined;
}

/** 26.3.1.2: access rights of CS, SS, DS, ES, FS, GS outside virtual-8086 mode. */
function _checkars(six: readonly _Seg[], m: _Modes): string | undefined {
  const [cs, ss] = six;
  const cstype = cs.ar & 0xf, csdpl = cs.ar >> 5 & 3, ssdpl = ss.ar >> 5 & 3;
  // Types.
  if (![9, 11, 13, 15].includes(cstype) && !(m.unrestricted && cstype === 3)) return "CS type";
  if (ss.usable && (ss.ar & 0xf) !== 3 && (ss.ar & 0xf) !== 7) return "SS type";
  for (const s of six.slice(2)) {
    if (!s.usable) continue;
    if ((s.ar & 1) === 0) return `${s.name} type not accessed`;
    if ((s.ar & 8) !== 0 && (s.ar & 2) === 0) return `${s.name} type unreadable code`;
  }
  // DPLs.
  if (cstype === 3 && csdpl !== 0) return "CS DPL not 0 with type 3";
  if ((cstype === 9 || cstype === 11) && csdpl !== ssdpl) return "CS DPL differs from SS DPL";
  if ((cstype === 13 || cstype === 15) && csdpl > ssdpl) return "CS DPL above SS DPL";
  if (!m.unrestricted && ssdpl !== (ss.sel & 3)) return "SS DPL differs from RPL";
  if ((cstype === 3 || !m.pe) && ssdpl !== 0) return "SS DPL not 0";
  for (const s of six.slice(2)) {
    if (!m.unrestricted && s.usable && (s.ar & 0xf) <= 11 && (s.ar >> 5 & 3) < (s.sel & 3)) {
      return `${s.name} DPL below RPL`;
    }
  }
  // S, P, reserved bits, D/B, G: for CS always, for the others when usable.
  for (const s of six) {
    if (s !== cs && !s.usable) continue;
    if ((s.ar & _AR_S) === 0) return `${s.name} S clear`;
    if ((s.ar & _AR_P) === 0) return `${s.name} not present`;
    if ((s.ar & _AR_RSVD8) !== 0) return `${s.name} access rights bits 11:8 set`;
    if (s === cs && m.ia32e && (s.ar & _AR_L) !== 0 && (s.ar & _AR_DB) !== 0) {
      return "CS L and D/B set";
    }
    if (!_gok(s)) return `${s.name} G disagrees with limit`;
    if ((s.ar & _AR_RSVD17) !== 0) return `${s.name} access rights bits 31:17 set`;
  }
  return undefined;
}

/** 26.3.1.2: S, P, reserved bits and G of TR and a usable LDTR. */
function _checksys(s: _Seg): string | undefined {
  if ((s.ar & _AR_S) !== 0) return `${s.name} S set`;
  if ((s.ar & _AR_P) === 0) return `${s.name} not present`;
  if ((s.ar & _AR_RSVD8) !== 0) return `${s.name} access rights bits 11:8 set`;
  if (!_gok(s)) return `${s.name} G disagrees with limit`;
  if ((s.ar & _AR_RSVD17) !== 0) return `${s.name} access rights bits 31:17 set`;
  return undefined;
}
