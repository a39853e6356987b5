/**
 * The VMX layer of devvmx.c: a vCPU and its kproc (vcpu.ts), the register
 * table behind `regs` (guestregs.ts), the map file and EPT (meminfo.ts),
 * event parsing for `exc`/`irq` (eventparse.ts), exit lines for `wait`
 * (waitline.ts, exitreasons.ts), VM-entry checks (entrycheck.ts), the initial
 * VMCS (vmcsinit.ts), the FPsave area (fpregs.ts) and the modeled host
 * (host.ts).
 *
 * @module
 */

export {
  checkVcpuOptions,
  statenames,
  type VcpuOptions,
  Vmx,
  type VmxKproc,
  VmxState,
} from "./vcpu.ts";
export type { MemPiece, SegAttach, SegmentRef, VmMemMap } from "./meminfo.ts";
export { type GuestReg, guestregs } from "./guestregs.ts";
export { except } from "./exitreasons.ts";
export type { VmIntr } from "./eventparse.ts";
export { vmcsinit } from "./vmcsinit.ts";
export { FPSAVE_SIZE, newfpsave } from "./fpregs.ts";
export { CR0KERNEL, CR4KERNEL, HOST, type Host } from "./host.ts";
