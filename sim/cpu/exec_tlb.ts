/**
 * TLB maintenance (SDM vol. 2 INVLPG; vol. 3 §4.10.4.1): INVLPG executes in
 * VMX non-root operation (devvmx sets no INVLPG exiting). It may
 * invalidate more than the page of its operand, and does here: the TLBs
 * cache 4-KiB pieces of large pages, so the whole TLB is flushed. The
 * operand is not accessed; only CPL 0 may execute it.
 *
 * @module
 */

import type { Handler } from "./insn.ts";
import { type CpuState, raise } from "./state.ts";

function _invlpg(c: CpuState): void {
  if (c.cpl > 0) raise(c, 13, 0);
  c.tlbR.flush();
  c.tlbW.flush();
  c.tlbX.flush();
}

/** TLB-maintenance handlers by name. */
export const TLB_HANDLERS: Record<string, Handler> = {
  invlpgm: _invlpg,
};
