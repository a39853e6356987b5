/**
 * The simulated kernel: one #g and one #X device shared by every process,
 * and a name space per process. This is what a program talks to in place of
 * a 9front machine with VT-x.
 *
 * @module
 */

import { DevSegment, DevVmx } from "./dev/mod.ts";
import { NameSpace } from "./ns/mod.ts";
import type { Dev, Syscalls } from "./ns/mod.ts";
import { restoreKernel, snapshotKernel } from "./snapshot.ts";
import { checkVcpuOptions, HOST, statenames } from "./vmx/mod.ts";

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
  /** Seed of the guest's RDRAND and RDSEED (a non-negative safe integer). Default 0. */
  rdrandSeed?: number;
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

/**
 * A vCPU in an annotation: retired instructions and state name; null for a
 * slot that emptied.
 */
export type VcpuNote = [retired: bigint, state: string] | null;

/** A simulated 9front kernel with #X and #g. */
export class Kernel {
  /** The options in force. */
  readonly options: Required<KernelOptions>;
  #segment: DevSegment;
  #vmx: DevVmx;
  #devices: ReadonlyMap<string, Dev>;
  #procs: NameSpace[] = [];
  /** What the last annotation said of each slot. */
  #noted: (readonly [number, number] | undefined)[] = [];

  /** A kernel with no segments and no vCPUs. */
  constructor(options: KernelOptions = {}) {
    this.options = {
      eve: options.eve ?? "glenda",
      quantum: options.quantum ?? 1_000_000,
      waitBudget: options.waitBudget ?? 100_000_000,
      rdrandSeed: options.rdrandSeed ?? 0,
    };
    checkVcpuOptions(this.options);
    ({ segment: this.#segment, vmx: this.#vmx, devices: this.#devices } = this.#build());
  }

  /** The #g device. */
  get segment(): DevSegment {
    return this.#segment;
  }

  /** The #X device. */
  get vmx(): DevVmx {
    return this.#vmx;
  }

  /** Fresh devices and the device table processes use. */
  #build(): { segment: DevSegment; vmx: DevVmx; devices: ReadonlyMap<string, Dev> } {
    const segment = new DevSegment();
    const vmx = new DevVmx((name) => segment.globalsegattach(name), this.options);
    return { segment, vmx, devices: new Map<string, Dev>([["X", vmx], ["g", segment]]) };
  }

  /** Each slot's retired count and state, as annotations compare them. */
  #current(): (readonly [number, number] | undefined)[] {
    return this.#vmx.vcpus.map((v) => (v === undefined ? undefined : [v.cpu.retired, v.state]));
  }

  /** The system calls of a new process running as `user` (default: the host owner). */
  process(user: string = this.options.eve): Syscalls {
    const ns = new NameSpace(this.#devices, { user, eve: this.options.eve });
    this.#procs.push(ns);
    return ns;
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

  /**
   * What changed since the last call, for a trace event: each vCPU slot
   * whose retired count or state moved (keyed by slot number), so that a
   * replay checks every exit and every command the guest ran for happened at
   * the same instruction. Undefined until a vCPU was ever made; after that
   * always a record, possibly empty, so that replay compares every event.
   */
  annotate(): Record<string, VcpuNote> | undefined {
    const tab = this.#vmx.vcpus;
    if (tab.length === 0) return undefined;
    const note: Record<string, VcpuNote> = {};
    tab.forEach((v, i) => {
      const was = this.#noted[i];
      if (v === undefined) {
        if (was !== undefined) note[i] = null;
      } else if (was === undefined || was[0] !== v.cpu.retired || was[1] !== v.state) {
        note[i] = [BigInt(v.cpu.retired), statenames[v.state]];
      }
    });
    this.#noted = this.#current();
    return note;
  }

  /** The whole state, every process's descriptors included, as a plain record (sim/snapshot.ts). */
  snapshot(): unknown {
    return snapshotKernel({
      options: this.options,
      segment: this.#segment,
      vmx: this.#vmx,
      procs: this.#procs,
    });
  }

  /**
   * Replace the whole state with the one `snapshot` recorded (a snapshot of
   * a kernel with these options); returns its processes in creation order.
   * Processes made before are cut off from the kernel.
   */
  restore(snapshot: unknown): Syscalls[] {
    const { segment, vmx, devices } = this.#build();
    const procs = restoreKernel(snapshot, {
      options: this.options,
      segment,
      vmx,
      process: (user) => new NameSpace(devices, { user, eve: this.options.eve }),
    });
    this.#segment = segment;
    this.#vmx = vmx;
    this.#devices = devices;
    this.#procs = procs;
    this.#noted = this.#current();
    return [...procs];
  }
}
