/**
 * What the trace layer needs from the thing it records and replays: the
 * simulator's Kernel, the in-memory test fake, or a proxy for real hardware.
 * It is kept small on purpose; see docs/trace-format.md, "Backends".
 *
 * @module
 */

import type { Syscalls } from "../sim/ns/mod.ts";
import type { BackendDescription, TraceHeader } from "./schema.ts";

/** A name space that programs talk to through processes, as the trace layer sees it. */
export interface Backend {
  /** The header record: identity and configuration. Must not vary run to run. */
  describe(): BackendDescription;
  /** Start a process running as `user`; the n-th call (from 0) is process n. */
  process(user: string): Syscalls;
  /**
   * Optional per-event annotation, asked for after every recorded operation
   * (for the simulator: retired-instruction counts at each exit and at each
   * command taken while the guest ran, an optional state digest). Return
   * undefined when there is nothing to say.
   */
  annotate?(): unknown;
  /** Optional: the whole state, processes and their descriptors included, as a record. */
  snapshot?(): unknown;
  /**
   * Optional: return to a state `snapshot` described, replacing the current
   * one; returns the processes that existed then, in creation order.
   */
  restore?(snapshot: unknown): Syscalls[];
}

/**
 * Makes a fresh backend for replaying a trace, configured from its header
 * (the modeled host, the tick quantum and other options in `backend.config`).
 */
export type BackendFactory = (header: TraceHeader) => Backend;
