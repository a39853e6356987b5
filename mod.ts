/**
 * vmxsim: a deterministic simulator of 9front's vmx(3) device (#X) and its
 * global segments (#g), with an x86 CPU behind it that exits exactly as
 * devvmx configures VT-x. A program talks to it through Plan 9 system calls
 * on file names, as vmx(1) talks to the real device.
 *
 * @example Run a guest that writes a byte to port 0xe9
 * ```ts
 * import { Kernel, DMDIR, OREAD, ORDWR, OWRITE } from "./mod.ts";
 *
 * const p = new Kernel().process();
 * const text = (s: string) => new TextEncoder().encode(s);
 * p.close(p.create("#g/vm.0", OREAD, DMDIR | 0o777));
 * const seg = p.open("#g/vm.0/ctl", OWRITE);
 * p.write(seg, text("va 0x10000000 0x10000 sticky"));
 * p.pwrite(p.open("#g/vm.0/data", OWRITE), new Uint8Array([0xb0, 0x41, 0xe6, 0xe9]), 0x1000);
 * const ctl = p.open("#X/clone", ORDWR);
 * p.write(p.open("#X/0/map", OWRITE), text("rwx wb 0x0 0x10000 vm.0 0\n"));
 * p.write(ctl, text("go pc=0x1000;"));
 * const line = new TextDecoder().decode(p.read(p.open("#X/0/wait", OREAD), 512));
 * if (line !== "io 0xe90040 pc 0x1002 sp 0x0 ilen 0x2 iinfo 0x0 ax 0x41\n") throw new Error(line);
 * ```
 *
 * @module
 */

export {
  type Dir,
  dirread,
  DMDIR,
  HOST,
  type Host,
  Kernel,
  type KernelDescription,
  type KernelOptions,
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
  SIMULATOR_VERSION,
  type Syscalls,
} from "./sim/mod.ts";
