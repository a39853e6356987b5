/**
 * The lines the `wait` file returns, as devvmx.c's cmdwait prints them into
 * its 512-byte buffer:
 *
 * - `*ack N\n` when a posted irq was delivered (N the vector, decimal);
 * - else one exit line
 *   `[!]CAUSE QUAL pc PC sp SP ilen ILEN iinfo IINFO[ excode C][ va V][ pa P][ ax A]\n`
 *   with "!" for bit 31 of the exit reason (VM-entry failure); CAUSE the
 *   exception name (or `#N`) for an exception exit with valid interruption
 *   info, else the exit-reason name (or `?N`); numbers as `%#llux`.
 *   ` excode` whenever interruption info bit 11 is set, ` va` for an EPT
 *   violation (reason 48) with qualification bit 7, ` pa` for EPT violations
 *   and misconfigurations (48, 49), ` ax` (guest RAX) for I/O exits (30).
 *
 * @module
 */

import { Field, type GuestState } from "../cpu/mod.ts";
import { Seprint } from "../lib9/mod.ts";
import { except, exitreasons } from "./exitreasons.ts";

/** The size of cmdwait's buffer (vmxread's `char buf[512]`). */
const _WAITBUF = 512;

/** What cmdwait reads from the VMCS and the saved registers. */
export interface ExitFields {
  /** VM_EXREASON (32 bits; low 16 the basic reason, bit 31 entry failure). */
  reason: number;
  /** VM_EXQUALIF. */
  qualification: bigint;
  /** VM_EXINTRINFO (32 bits). */
  intrinfo: number;
  /** VM_EXINTRCODE. */
  intrcode: number;
  /** GUEST_RIP. */
  rip: bigint;
  /** GUEST_RSP. */
  rsp: bigint;
  /** VM_EXINSTRLEN. */
  ilen: number;
  /** VM_EXINSTRINFO. */
  iinfo: number;
  /** VM_GUESTVA (guest linear address). */
  guestva: bigint;
  /** VM_GUESTPA (guest physical address). */
  guestpa: bigint;
  /** The guest's RAX (vmx->ureg.ax). */
  rax: bigint;
}

/** The exit line cmdwait prints for `e`. */
export function formatexit(e: ExitFields): string {
  const b = new Seprint(_WAITBUF);
  const reason = e.reason >>> 0;
  const rno = reason & 0xffff;
  const intr = e.intrinfo >>> 0;
  const qual = e.qualification;
  if (reason & 0x80000000) b.print("!");
  if (rno === 0 && (intr & 0x80000000)) {
    const name = except[intr & 0xff];
    if (name === undefined) b.print("#%d ", intr & 0xff);
    else b.print("%s ", name);
  } else {
    const name = exitreasons[rno];
    if (name === undefined) b.print("?%d ", rno);
    else b.print("%s ", name);
  }
  const ilen = e.ilen >>> 0, iinfo = e.iinfo >>> 0;
  b.print("%#ullx pc %#ullx sp %#ullx ilen %#ullx iinfo %#ullx", qual, e.rip, e.rsp, ilen, iinfo);
  if (intr & 1 << 11) b.print(" excode %#ullx", e.intrcode >>> 0);
  if (rno === 48 && (qual & 0x80n) !== 0n) b.print(" va %#ullx", e.guestva);
  if (rno === 48 || rno === 49) b.print(" pa %#ullx", e.guestpa);
  if (rno === 30) b.print(" ax %#ullx", e.rax);
  b.print("\n");
  return b.text;
}

/** The `*ack` line for a delivered irq whose interruption info is `info`. */
export function formatack(info: number): string {
  return new Seprint(_WAITBUF).print("*ack %d\n", info & 0xff).text;
}

/** cmdwait's exit line for the exit recorded in `gs`. */
export function cmdwait(gs: GuestState): string {
  return formatexit({
    reason: Number(gs.getField(Field.EXIT_REASON)),
    qualification: gs.getField(Field.EXIT_QUALIFICATION),
    intrinfo: Number(gs.getField(Field.EXIT_INTR_INFO)),
    intrcode: Number(gs.getField(Field.EXIT_INTR_CODE)),
    rip: gs.getField(Field.RIP),
    rsp: gs.getField(Field.RSP),
    ilen: Number(gs.getField(Field.EXIT_INSTR_LEN)),
    iinfo: Number(gs.getField(Field.EXIT_INSTR_INFO)),
    guestva: gs.getField(Field.GUEST_LINEAR),
    guestpa: gs.getField(Field.GUEST_PHYSICAL),
    rax: gs.getField(Field.RAX),
  });
}
