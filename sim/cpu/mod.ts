/**
 * The x86 CPU behind vmx(3): a guest running in VMX non-root operation with
 * the exit behaviour 9front's devvmx configures (vmcsinit, vmxproc).
 *
 * ```ts
 * import { Cpu, Field, GuestRam, RunStatus } from "./mod.ts";
 * const ram = new GuestRam(0x2000);
 * ram.bytes.set([0xb8, 0x2a, 0, 0, 0, 0xf4], 0x1000); // mov eax, 42; hlt
 * const cpu = new Cpu({ lookupPage: (p) => p < 2 ? { ram, offset: p * 4096, attr: 7 } : undefined });
 * cpu.setField(Field.RIP, 0x1000n);
 * if (cpu.run(100) !== RunStatus.EXIT) throw new Error("no exit");
 * if (cpu.getField(Field.EXIT_REASON) !== 12n || cpu.getField(Field.RAX) !== 42n) throw new Error("bad");
 * ```
 *
 * Design:
 * - Decoding is driven by tables generated from defs.ts (gen/optab.ts writes
 *   _optab.ts); decoded instructions are cached by basic block, keyed by
 *   guest-physical address, and invalidated when their bytes are written.
 * - A block that ran 16 times whole (CpuOptions.jitAfter) is compiled
 *   into one JavaScript function (jit.ts): common 32-bit register forms
 *   inline with their operands as constants, everything else a direct call
 *   of its handler, so the hot path has no indirect call per instruction.
 * - Registers are 32-bit lanes of one ArrayBuffer; arithmetic flags are
 *   lazy (64-bit operations keep their high halves lazily and fold the low
 *   half's PF, AF and zero test into RFLAGS at once: flags.ts); flags the
 *   SDM leaves undefined get fixed, documented values (undefined_flags.ts,
 *   docs/undefined-flags.md); memory goes through a direct-mapped TLB (separate read, write and
 *   fetch entries) over the PhysMap, whose slow path raises EPT exits.
 * - Faults and exits leave the hot path by throwing one preallocated
 *   sentinel (`STOP`, never an Error: nothing is allocated or captured),
 *   after the thrower recorded the cause in the CPU (stopKind: exception,
 *   exit, death). `run` catches it once per batch of blocks, delivers the
 *   exception or returns. A status code was rejected because memory accesses
 *   sit deep inside handlers and every caller would have to test it.
 * - A REP string instruction retires once per chunk of up to REP_CHUNK
 *   iterations (one under TF or the monitor trap flag); a run can stop
 *   between chunks (budget, exits), leaving RCX/RSI/RDI at the exact
 *   iteration and RIP at the instruction. RDRAND and RDSEED return a
 *   SplitMix64 sequence of the seed (`setRandomSeed`) and the retired count.
 * - Nothing reads a clock or Math.random. RDTSC returns the
 *   retired-instruction count (TSC offsetting is not modeled).
 *
 * Exits produced (reason: qualification; instruction length; instruction
 * information; SDM vol. 3 §27.2):
 * - 0 exception in EXCEPTION_BITMAP: EXIT_INTR_INFO = vector | type << 8 |
 *   0x800 if an error code (EXIT_INTR_CODE) | 0x80000000; qualification 0
 *   except #DB from single-step: 0x4000 (BS) and #PF: the faulting linear
 *   address (CR2 is then not loaded); length only for software
 *   exceptions; IDT_VECTORING_* when it happened while delivering another
 *   event.
 * - 2 triple fault: 0; 0; 0.
 * - 7 interrupt window (PROCBASED_CTLS bit 2, IF = 1, no STI/MOV-SS blocking): 0; 0; 0.
 * - 10 CPUID, 12 HLT, 13 INVD, 18 VMCALL, 20 VMLAUNCH, 24 VMRESUME,
 *   26 VMXOFF, 55 XSETBV, 11 GETSEC, 36 MWAIT, 39 MONITOR, 31 RDMSR,
 *   32 WRMSR (all MSRs but EFER, STAR, LSTAR, CSTAR, SFMASK, FS.base,
 *   GS.base, KernelGSbase, which execute): 0; the instruction's length; 0.
 * - 19 VMCLEAR, 21 VMPTRLD, 22 VMPTRST, 27 VMXON, 23 VMREAD, 25 VMWRITE:
 *   the memory operand's displacement, sign-extended (0 for a register
 *   operand); length; information per table 27-13/27-14 (scaling, address
 *   size, segment, index, base and their invalid bits; VMREAD/VMWRITE: bit
 *   10 register form, reg1 in 6:3, reg2 in 31:28; undefined bits 0).
 * - 28 MOV to CR0/CR4 changing a host-owned bit (CRn_MASK) away from its
 *   shadow: CR number | GPR << 8 (access type 0); length; 0.
 * - 29 MOV DR: DR number | 0x10 for MOV from DR | GPR << 8; length; 0.
 * - 30 I/O: (size - 1) | 8 for IN | 0x10 string | 0x20 REP | 0x40
 *   immediate port | port << 16; length; INS/OUTS: address size << 7 |
 *   segment << 15 (and GUEST_LINEAR = the memory operand's address).
 * - 37 monitor trap flag: 0; 0; 0.
 * - 48 EPT violation: access (1 read, 2 write, 3 read-modify-write, 4 fetch)
 *   | the page's R/W/X << 3 | 0x80 (linear address valid; not for the
 *   PDPTE loads of MOV to CR with PAE paging) | 0x100
 *   (the access was to the translation of a linear address; 0 for an
 *   access to a paging structure); bits 9-11 stay 0, the modeled Skylake
 *   lacks advanced VM-exit information for EPT violations; 0; 0;
 *   GUEST_LINEAR and GUEST_PHYSICAL set.
 * - 49 EPT misconfiguration (write-only or write-execute pages, memory types
 *   2, 3, 7): 0; 0; 0; GUEST_PHYSICAL set.
 *
 * @module
 */

export {
  EPT_EXEC,
  EPT_READ,
  EPT_WRITE,
  type EptEntry,
  GuestRam,
  PAGE_SIZE,
  type PhysMap,
} from "./bus.ts";
export {
  Cpu,
  type CpuOptions,
  type CpuPending,
  PROCB_IRQWIN,
  PROCB_MONTRAP,
  RunStatus,
} from "./cpu.ts";
export { ByteSource, type CodeSource, decode } from "./decode.ts";
export { formatInsn } from "./disasm.ts";
export { Field, type GuestState } from "./fields.ts";
export { DEC_FETCH, DEC_INVALID, DEC_OK, DEC_TOO_LONG, Insn } from "./insn.ts";
export {
  UNDEFINED_CHOICES,
  type UndefinedChoice,
  undefinedFlags,
  undefinedResult,
} from "./undefined_flags.ts";
export { randomSeed, setRandomSeed } from "./exec_misc.ts";
export { type PagingRegisters, pagingRegisters, setPagingRegisters } from "./paging.ts";
export { REP_CHUNK } from "./exec_string.ts";
export { type OpDef, OPDEFS } from "./defs.ts";
