/**
 * The FPsave area behind a vCPU's `fpregs` file: on amd64 9front's
 * FPavxstate (sys/src/9/pc64/dat.h), the 512-byte FXSAVE image, the 64-byte
 * XSAVE header and the 256 bytes of upper YMM halves, 832 bytes in all.
 *
 * Its initial content is what vmcsinit leaves there: fpinit() runs FNINIT,
 * loads the control word 0x0232 and MXCSR 0x1900, then fpsave() stores the
 * state with XSAVEOPT (RFBM = 7 & XCR0). The modeled host (sim/vmx/host.ts)
 * supplies MXCSR_MASK. The XMM and YMM registers hold whatever the host FPU
 * held before; the simulator models them as zero, so the x87 and SSE
 * components are in use (XSTATE_BV = 3) and AVX is in its initial state.
 *
 * Around every VM entry vmxproc restores the area (fprestore: XRSTOR64 with
 * EDX:EAX = 7 under the host's XCR0) and saves it again after the exit
 * (fpsave: XSAVEOPT64), even when the entry fails. The CPU model runs no FPU
 * instructions, so the guest leaves the state as it was loaded; what the
 * round trip still changes in the image is modeled where the SDM (vol. 1,
 * 13.7-13.9) fixes it:
 * - XRSTOR's #GP, which in the kernel is a panic (pc64/trap.c), for a header
 *   with bytes 23:8 not zero, XSTATE_BV bits the host's XCR0 lacks, or
 *   reserved MXCSR bits; the compacted form (XCOMP_BV bit 63) is not
 *   modeled. `fprestorefault` names the cause;
 * - XSAVEOPT always writes MXCSR and MXCSR_MASK (`fpsaveexit`).
 * Not modeled, being left to the implementation: after XRSTOR of a component
 * whose XSTATE_BV bit is 0, XINUSE may be 0 or 1, so hardware may write the
 * bit (and the component's initial values) back as 1; the simulator keeps
 * such bits 0. Reserved x87 fields (FOP bits 15:11, the bytes above each
 * 80-bit register) keep what was written.
 *
 * @module
 */

/** sizeof(FPsave) on amd64. */
export const FPSAVE_SIZE = 832;

const _FCW = 0, _MXCSR = 24, _MXCSR_MASK = 28, _XSTATE_BV = 512, _XCOMP_BV = 520;

/** A freshly initialised FPsave image for a host whose MXCSR_MASK is `mxcsrMask`. */
export function newfpsave(mxcsrMask: number): Uint8Array {
  const fp = new Uint8Array(FPSAVE_SIZE);
  const v = new DataView(fp.buffer);
  v.setUint16(_FCW, 0x0232, true);
  v.setUint32(_MXCSR, 0x1900, true);
  v.setUint32(_MXCSR_MASK, mxcsrMask, true);
  v.setUint32(_XSTATE_BV, 3, true);
  return fp;
}

/**
 * Why XRSTOR (standard form, RFBM = 7 & `xcr0`) of image `fp` would fault or
 * is not modeled, or undefined if it loads; the caller kills the vCPU with
 * an `unimplemented` error naming it.
 */
export function fprestorefault(
  fp: Uint8Array,
  xcr0: bigint,
  mxcsrMask: number,
): string | undefined {
  const v = new DataView(fp.buffer, fp.byteOffset, fp.byteLength);
  const gp = (why: string) => `#GP (${why}), a kernel panic`;
  if (v.getBigUint64(_XCOMP_BV, true) >> 63n) return "compacted form";
  if (v.getBigUint64(_XCOMP_BV, true) !== 0n || v.getBigUint64(_XCOMP_BV + 8, true) !== 0n) {
    return gp("XSAVE header bytes 23:8 not zero");
  }
  if (v.getBigUint64(_XSTATE_BV, true) & ~xcr0) return gp("XSTATE_BV bit not in XCR0");
  if (v.getUint32(_MXCSR, true) & ~mxcsrMask) return gp("reserved MXCSR bit");
  return undefined;
}

/** What fpsave's XSAVEOPT writes over image `fp` whatever the optimizations: MXCSR_MASK. */
export function fpsaveexit(fp: Uint8Array, mxcsrMask: number): void {
  new DataView(fp.buffer, fp.byteOffset, fp.byteLength).setUint32(_MXCSR_MASK, mxcsrMask, true);
}
