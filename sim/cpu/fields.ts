/**
 * Names for the CPU's architectural state and VMX fields, as the VMCS
 * guest-state area and the VM-exit information fields name them (SDM vol. 3,
 * chapter 24). The VMX layer reads and writes them through `Cpu.getField` and
 * `Cpu.setField` with BigInt values: these are edge paths, never per instruction.
 *
 * @module
 */

/** Architectural and VMX fields the CPU holds. */
export enum Field {
  RAX = 0,
  RCX,
  RDX,
  RBX,
  RSP,
  RBP,
  RSI,
  RDI,
  R8,
  R9,
  R10,
  R11,
  R12,
  R13,
  R14,
  R15,
  RIP = 16,
  RFLAGS,
  // Segment registers: selector, base, limit, access rights (VMX format, bit 16 unusable).
  ES_SEL,
  ES_BASE,
  ES_LIMIT,
  ES_AR,
  CS_SEL,
  CS_BASE,
  CS_LIMIT,
  CS_AR,
  SS_SEL,
  SS_BASE,
  SS_LIMIT,
  SS_AR,
  DS_SEL,
  DS_BASE,
  DS_LIMIT,
  DS_AR,
  FS_SEL,
  FS_BASE,
  FS_LIMIT,
  FS_AR,
  GS_SEL,
  GS_BASE,
  GS_LIMIT,
  GS_AR,
  LDTR_SEL,
  LDTR_BASE,
  LDTR_LIMIT,
  LDTR_AR,
  TR_SEL,
  TR_BASE,
  TR_LIMIT,
  TR_AR,
  GDTR_BASE,
  GDTR_LIMIT,
  IDTR_BASE,
  IDTR_LIMIT,
  CR0,
  CR2,
  CR3,
  CR4,
  DR0,
  DR1,
  DR2,
  DR3,
  DR6,
  DR7,
  EFER,
  PAT,
  XCR0,
  /** Guest interruptibility state (bit 0 blocking by STI, bit 1 by MOV SS). */
  INTERRUPTIBILITY,
  /** Guest activity state (0 active, 1 HLT). */
  ACTIVITY,
  // VM-execution controls the CPU obeys.
  CR0_MASK,
  CR0_SHADOW,
  CR4_MASK,
  CR4_SHADOW,
  EXCEPTION_BITMAP,
  /** Primary processor-based controls (devvmx's procbctls, PROCB_* bits). */
  PROCBASED_CTLS,
  /** Secondary processor-based controls (PROCB_EPT, PROCB_VPID, PROCB_UNRESTR). */
  PROCBASED_CTLS2,
  /** VM-entry controls (bit 9: IA-32e mode guest). */
  ENTRY_CTLS,
  // VM-exit information, read-only for the guest.
  INSTRUCTION_ERROR,
  EXIT_REASON,
  EXIT_QUALIFICATION,
  EXIT_INTR_INFO,
  EXIT_INTR_CODE,
  EXIT_INSTR_LEN,
  EXIT_INSTR_INFO,
  GUEST_LINEAR,
  GUEST_PHYSICAL,
  IDT_VECTORING_INFO,
  IDT_VECTORING_CODE,
  /** Pending debug exceptions (guest-state area; bit 14 BS: a single-step trap still to deliver). */
  PENDING_DBG,
  // Guest MSRs that devvmx passes through (the VM-entry MSR-load area on amd64).
  STAR,
  LSTAR,
  CSTAR,
  SFMASK,
  KERNEL_GS_BASE,
  /** Number of fields. */
  COUNT,
}

/**
 * What the VMX layer needs of a vCPU's state: every Field read and written as
 * the VMCS would, a value cut to the field's width on write.
 */
export interface GuestState {
  /** Read a field. */
  getField(f: Field): bigint;
  /** Write a field (cut to its width). */
  setField(f: Field, v: bigint): void;
}
