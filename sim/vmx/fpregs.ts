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
 * @module
 */

/** sizeof(FPsave) on amd64. */
export const FPSAVE_SIZE = 832;

const _FCW = 0, _MXCSR = 24, _MXCSR_MASK = 28, _XSTATE_BV = 512;

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
