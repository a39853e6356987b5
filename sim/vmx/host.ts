/**
 * The host the simulator models: one real Intel CPU running 9front's amd64
 * kernel, and what devvmx.c derives from it. Traces record `HOST`; the
 * oracle compares only against hardware that matches it.
 *
 * The CPU is an Intel Core i7-6700K (Skylake-S): vendor GenuineIntel,
 * CPUID.1.EAX 0x000506e3 (family 6, model 0x5e, stepping 3). Its VMX
 * capability MSRs, CPUID leaves 0xd and 0x80000008 are those VirtualBox's
 * CPU database records for that part (VBoxCpuReport of 2015-11-04,
 * src/VBox/VMM/VMMR3/cpus/Intel_Core_i7_6700K.h).
 *
 * Control registers are those 9front sets on it, as read in vmcsinit (after
 * vmxstart set CR4.VMXE and CR0.NE):
 * - CR0 = PG|WP (pc64/l.s _lme, which also clears CD, NW, TS, MP), NE
 *   (vmxstart), ET (hardwired), PE. TS toggles with lazy FPU switching and
 *   is shown clear; devvmx masks it out of everything it derives.
 * - CR4 = PAE|PGE (l.s), PSE|MCE|PGE (devarch.c cpuidentify: the CPU has
 *   PSE, MCE and MCA; `*nomce` unset), OSFXSR|OSXMMEXCPT|OSXSAVE (fpu.c
 *   fpuinit: XSAVE and AVX present, `*noavx` unset), VMXE (vmxstart).
 * - XCR0 support (m->xcr0) = 7, x87|SSE|AVX, as fpuinit sets it whenever
 *   XSAVE and AVX exist (the CPU would allow 0x1f: MPX too).
 * - EFER = SCE (mmu.c) | LME | LMA (l.s) | NXE (cpuidentify).
 *
 * @module
 */

/** The modeled host: identity, control registers, VMX capability MSRs. */
export interface Host {
  /** Human name of the part. */
  readonly name: string;
  /** CPUID.0 vendor string. */
  readonly vendor: string;
  /** CPUID.1.EAX: stepping 3:0, model 7:4, family 11:8, extended model 19:16. */
  readonly signature: number;
  /** Display family (devarch.c cpuidentify's m->cpuidfamily). */
  readonly family: number;
  /** Display model, extended model folded in (m->cpuidmodel). */
  readonly model: number;
  /** Stepping. */
  readonly stepping: number;
  /** CPUID.1.ECX. */
  readonly cpuid1ecx: number;
  /** CPUID.1.EDX. */
  readonly cpuid1edx: number;
  /** MAXPHYADDR, CPUID.80000008H:EAX[7:0]. */
  readonly physAddrBits: number;
  /** Linear-address width, CPUID.80000008H:EAX[15:8]. */
  readonly linearAddrBits: number;
  /** CR0 as vmcsinit reads it. */
  readonly cr0: bigint;
  /** CR4 as vmcsinit reads it. */
  readonly cr4: bigint;
  /** IA32_EFER of the host kernel. */
  readonly efer: bigint;
  /** m->xcr0: the XCR0 bits the kernel enabled, which bound a guest's xcr0. */
  readonly xcr0: bigint;
  /** IA32_VMX_BASIC (0x480); bit 55: the TRUE control MSRs exist. */
  readonly vmxBasic: bigint;
  /** IA32_VMX_PINBASED_CTLS (0x481): allowed-0 settings low, allowed-1 high. */
  readonly vmxPinbasedCtls: bigint;
  /** IA32_VMX_PROCBASED_CTLS (0x482). */
  readonly vmxProcbasedCtls: bigint;
  /** IA32_VMX_EXIT_CTLS (0x483). */
  readonly vmxExitCtls: bigint;
  /** IA32_VMX_ENTRY_CTLS (0x484). */
  readonly vmxEntryCtls: bigint;
  /** IA32_VMX_MISC (0x485). */
  readonly vmxMisc: bigint;
  /** IA32_VMX_CR0_FIXED0 (0x486): CR0 bits that must be 1. */
  readonly cr0Fixed0: bigint;
  /** IA32_VMX_CR0_FIXED1 (0x487): CR0 bits that may be 1. */
  readonly cr0Fixed1: bigint;
  /** IA32_VMX_CR4_FIXED0 (0x488). */
  readonly cr4Fixed0: bigint;
  /** IA32_VMX_CR4_FIXED1 (0x489). */
  readonly cr4Fixed1: bigint;
  /** IA32_VMX_VMCS_ENUM (0x48a). */
  readonly vmxVmcsEnum: bigint;
  /** IA32_VMX_PROCBASED_CTLS2 (0x48b). */
  readonly vmxProcbasedCtls2: bigint;
  /** IA32_VMX_EPT_VPID_CAP (0x48c). */
  readonly vmxEptVpidCap: bigint;
  /** IA32_VMX_TRUE_PINBASED_CTLS (0x48d). */
  readonly vmxTruePinbasedCtls: bigint;
  /** IA32_VMX_TRUE_PROCBASED_CTLS (0x48e). */
  readonly vmxTrueProcbasedCtls: bigint;
  /** IA32_VMX_TRUE_EXIT_CTLS (0x48f). */
  readonly vmxTrueExitCtls: bigint;
  /** IA32_VMX_TRUE_ENTRY_CTLS (0x490). */
  readonly vmxTrueEntryCtls: bigint;
  /** IA32_VMX_VMFUNC (0x491). */
  readonly vmxVmfunc: bigint;
  /** MXCSR_MASK as FXSAVE/XSAVE store it: 0xffff on parts with DAZ (all SSE2 Intel CPUs since). */
  readonly mxcsrMask: number;
}

/** The modeled host: an Intel Core i7-6700K under 9front amd64. */
export const HOST: Host = Object.freeze({
  name: "Intel(R) Core(TM) i7-6700K CPU @ 4.00GHz (Skylake-S)",
  vendor: "GenuineIntel",
  signature: 0x000506e3,
  family: 6,
  model: 0x5e,
  stepping: 3,
  cpuid1ecx: 0x7ffafbbf,
  cpuid1edx: 0xbfebfbff,
  physAddrBits: 39,
  linearAddrBits: 48,
  cr0: 0x80010031n,
  cr4: 0x426f0n,
  efer: 0xd01n,
  xcr0: 7n,
  vmxBasic: 0x00da040000000004n,
  vmxPinbasedCtls: 0x0000007f00000016n,
  vmxProcbasedCtls: 0xfff9fffe0401e172n,
  vmxExitCtls: 0x01ffffff00036dffn,
  vmxEntryCtls: 0x0003ffff000011ffn,
  vmxMisc: 0x7004c1e7n,
  cr0Fixed0: 0x80000021n,
  cr0Fixed1: 0xffffffffn,
  cr4Fixed0: 0x2000n,
  cr4Fixed1: 0x3727ffn,
  vmxVmcsEnum: 0x2en,
  vmxProcbasedCtls2: 0x001ffcff00000000n,
  vmxEptVpidCap: 0x00000f0106334141n,
  vmxTruePinbasedCtls: 0x0000007f00000016n,
  vmxTrueProcbasedCtls: 0xfff9fffe04006172n,
  vmxTrueExitCtls: 0x01ffffff00036dfbn,
  vmxTrueEntryCtls: 0x0003ffff000011fbn,
  vmxVmfunc: 0x1n,
  mxcsrMask: 0xffff,
});

/** CR0 bits the host owns (devvmx.c CR0KERNEL): reserved bits, ET, NE, bits 63:32. */
export const CR0KERNEL = 0xffffffff1ffafff0n;

/** CR4 bits the host owns (CR4KERNEL): reserved bits, MCE, VMXE, SMXE, PKE, bits 63:32. */
export const CR4KERNEL = 0xffffffffffc8f040n;

const _CR4VMXE = 1n << 13n;

/** The VM-execution, exit and entry controls vmcsinit writes. */
export interface VmxControls {
  /** PINB_CTLS: external-interrupt and NMI exiting plus default-1 bits. */
  readonly pinbased: number;
  /** PROCB_CTLS as vmcsinit leaves it (vmx->procbctls, vmxproc's defprocbctls). */
  readonly procbased: number;
  /** PROCB_CTLS2: EPT, VPID, unrestricted guest, as allowed. */
  readonly procbased2: number;
  /** VMEXIT_CTLS. */
  readonly exit: number;
  /** VMENTRY_CTLS (bit 9, IA-32e guest, clear until updatelma sets it). */
  readonly entry: number;
  /** EXC_BITMAP: #db and #mc. */
  readonly exceptionBitmap: number;
}

// devvmx.c's control bits, by its names.
const _PINB_EXITIRQ = 1 << 0, _PINB_EXITNMI = 1 << 3;
const _PROCB_TSCOFFSET = 1 << 3, _PROCB_EXITHLT = 1 << 7, _PROCB_EXITMWAIT = 1 << 10;
const _PROCB_EXITMOVDR = 1 << 23, _PROCB_EXITIO = 1 << 24, _PROCB_MSRBITMAP = 1 << 28;
const _PROCB_EXITMONITOR = 1 << 29, _PROCB_USECTLS2 = 1 << 31;
const _PROCB_EPT = 1 << 1, _PROCB_VPID = 1 << 5, _PROCB_UNRESTR = 1 << 7;
const _VMEXIT_ST_DEBUG = 1 << 2, _VMEXIT_HOST64 = 1 << 9, _VMEXIT_LD_IA32_PAT = 1 << 19;
const _VMEXIT_ST_IA32_EFER = 1 << 20, _VMEXIT_LD_IA32_EFER = 1 << 21;
const _VMENTRY_LD_DEBUG = 1 << 2, _VMENTRY_LD_IA32_PAT = 1 << 14, _VMENTRY_LD_IA32_EFER = 1 << 15;

/** Allowed-0 settings (must-be-1 bits): the low half of a capability MSR. */
function _lo(msr: bigint): number {
  return Number(msr & 0xffffffffn);
}

/** Allowed-1 settings (may-be-1 bits): the high half. */
function _hi(msr: bigint): number {
  return Number(msr >> 32n);
}

/**
 * vmcsinit's controls for host `h`: each control word is the wanted bits
 * ORed with the MSR's must-be-1 bits, then ANDed with its may-be-1 bits.
 * As in the C, the TRUE MSRs (when VMX_BASIC bit 55 says they exist) serve
 * the pin-based controls wholly and the primary controls' must-be-1 bits
 * only (their may-be-1 bits come from the plain MSR); the exit and entry
 * controls use the plain MSRs.
 */
export function vmxcontrols(h: Host = HOST): VmxControls {
  const hasTrue = (h.vmxBasic >> 55n & 1n) !== 0n;
  const pinb = hasTrue ? h.vmxTruePinbasedCtls : h.vmxPinbasedCtls;
  const procb = hasTrue ? h.vmxTrueProcbasedCtls : h.vmxProcbasedCtls;
  let pin = _lo(pinb) | 1 << 1 | 1 << 2 | 1 << 4; // reserved default-1 bits
  pin |= _PINB_EXITIRQ | _PINB_EXITNMI;
  pin &= _hi(pinb);
  let proc = _lo(procb) | 1 << 1 | 7 << 4 | 1 << 8 | 1 << 13 | 1 << 14 | 1 << 26;
  proc |= _PROCB_TSCOFFSET | _PROCB_EXITMWAIT | _PROCB_EXITMONITOR | _PROCB_EXITHLT;
  proc |= _PROCB_EXITMOVDR | _PROCB_EXITIO | _PROCB_MSRBITMAP;
  proc |= _PROCB_USECTLS2;
  proc &= _hi(h.vmxProcbasedCtls);
  const proc2 = (_PROCB_EPT | _PROCB_VPID | _PROCB_UNRESTR) & _hi(h.vmxProcbasedCtls2);
  let exit = _lo(h.vmxExitCtls) | _VMEXIT_HOST64;
  exit |= _VMEXIT_LD_IA32_PAT | _VMEXIT_LD_IA32_EFER | _VMEXIT_ST_DEBUG | _VMEXIT_ST_IA32_EFER;
  exit &= _hi(h.vmxExitCtls);
  let entry = _lo(h.vmxEntryCtls);
  entry |= _VMENTRY_LD_IA32_PAT | _VMENTRY_LD_IA32_EFER | _VMENTRY_LD_DEBUG;
  entry &= _hi(h.vmxEntryCtls);
  return Object.freeze({
    pinbased: pin >>> 0,
    procbased: proc >>> 0,
    procbased2: proc2 >>> 0,
    exit: exit >>> 0,
    entry: entry >>> 0,
    exceptionBitmap: 1 << 18 | 1 << 1,
  });
}

/** The host-dependent guest state vmcsinit sets. */
export interface GuestInit {
  /** GUEST_CR0: the host's kernel-owned bits with PE, ET, NE. */
  readonly cr0: bigint;
  /** GUEST_CR0SHADOW: the same. */
  readonly cr0shadow: bigint;
  /** GUEST_CR0MASK: CR0KERNEL. */
  readonly cr0mask: bigint;
  /** GUEST_CR4: the host's kernel-owned CR4 bits (VMXE and MCE here). */
  readonly cr4: bigint;
  /** GUEST_CR4SHADOW: the same without VMXE. */
  readonly cr4shadow: bigint;
  /** GUEST_CR4MASK: CR4KERNEL. */
  readonly cr4mask: bigint;
  /** vmx->xcr0: x87 only (m->xcr0 & 1). */
  readonly xcr0: bigint;
}

/** vmcsinit's host-dependent initial guest values for host `h`. */
export function guestinit(h: Host = HOST): GuestInit {
  const cr0 = h.cr0 & CR0KERNEL | 0x31n;
  return Object.freeze({
    cr0,
    cr0shadow: cr0,
    cr0mask: CR0KERNEL,
    cr4: h.cr4 & CR4KERNEL,
    cr4shadow: h.cr4 & ~_CR4VMXE & CR4KERNEL,
    cr4mask: CR4KERNEL,
    xcr0: h.xcr0 & 1n,
  });
}
