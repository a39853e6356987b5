/**
 * The simulated 9front kernel with the vmx(3) device: `Kernel`, the system
 * calls a program uses on it, and the types around them.
 *
 * @module
 */

export {
  Kernel,
  type KernelDescription,
  type KernelOptions,
  SIMULATOR_VERSION,
  type VcpuNote,
} from "./kernel.ts";
export {
  type Dir,
  dirread,
  DMDIR,
  OEXEC,
  ORCLOSE,
  ORDWR,
  OREAD,
  OTRUNC,
  OWRITE,
  PlanError,
  type Qid,
  SEEK_CUR,
  SEEK_END,
  SEEK_SET,
  type Syscalls,
} from "./ns/mod.ts";
export { HOST, type Host } from "./vmx/mod.ts";
