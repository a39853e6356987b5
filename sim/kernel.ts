/**
 * The simulated kernel: one #g and one #X device shared by every process,
 * and a name space per process. This is what a program talks to in place of
 * a 9front machine with VT-x.
 *
 * @module
 */

import { DevSegment } from "./dev/devsegment.ts";
import { DevVmx } from "./dev/devvmx.ts";
import { NameSpace } from "./ns/mod.ts";
import type { Dev, Syscalls } from "./ns/mod.ts";
import { HOST } from "./vmx/mod.ts";

/** The simulator's version, recorded in traces. */
export const SIMULATOR_VERSION = "0.1.0";

/** Options of a simulated kernel. All of them are recorded in traces. */
export interface KernelOptions {
  /** The host owner (eve), the only user who may use #X. Default "glenda". */
  eve?: string;
  /** Retired instructions per guest entry before an unreported timer-tick exit. Default 1,000,000. */
  quantum?: number;
  /** Instructions a command may run the guest without a reported exit before `would block`. Default 100,000,000. */
  waitBudget?: number;
}

/** What a trace header records about the simulator. */
export interface KernelDescription {
  /** "vmxsim". */
  simulator: string;
  /** SIMULATOR_VERSION. */
  version: string;
  /** The options in force, defaults filled in. */
  options: Required<KernelOptions>;
  /** The modeled host. */
  host: typeof HOST;
}

/** A simulated 9front kernel with #X and #g. */
export class Kernel {
  /** The options in force. */
  readonly options: Required<KernelOptions>;
  /** The #g device. */
  readonly segment: DevSegment;
  /** The #X device. */
  readonly vmx: DevVmx;
  readonly #devices: ReadonlyMap<string, Dev>;

  /** A kernel with no segments and no vCPUs. */
  constructor(options: KernelOptions = {}) {
    this.options = {
      eve: options.eve ?? "glenda",
      quantum: options.quantum ?? 1_000_000,
      waitBudget: options.waitBudget ?? 100_000_000,
    };
    this.segment = new DevSegment();
    this.vmx = new DevVmx((name) => this.segment.globalsegattach(name), this.options);
    this.#devices = new Map<string, Dev>([["X", this.vmx], ["g", this.segment]]);
  }

  /** The system calls of a new process running as `user` (default: the host owner). */
  process(user: string = this.options.eve): Syscalls {
    return new NameSpace(this.#devices, { user, eve: this.options.eve });
  }

  /** The simulator, its options and the modeled host, as traces record them. */
  describe(): KernelDescription {
    return {
      simulator: "vmxsim",
      version: SIMULATOR_VERSION,
      options: { ...this.options },
      host: HOST,
    };
  }
}
