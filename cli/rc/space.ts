/**
 * The shell's name space: names beginning with `#` are served by the
 * simulated kernel (device names such as `#X/clone`, `#g/vm.0/data`), every
 * other name is a host file relative to the current directory. The commands
 * see one name space, as on 9front, and `cp` moves bytes between the two.
 *
 * @module
 */

import type { Dir, Syscalls } from "../../sim/ns/mod.ts";
import { type File, SysFile } from "./file.ts";

/** Routes each name to the kernel or to the host. */
export class Space {
  /** The simulated kernel, for `#` names. */
  readonly ns: Syscalls;
  /** The host file system, for all other names. */
  readonly host: Syscalls;

  /** A name space over the kernel `ns` and the host files `host`. */
  constructor(ns: Syscalls, host: Syscalls) {
    this.ns = ns;
    this.host = host;
  }

  /** Which side serves `name`. */
  serving(name: string): Syscalls {
    return name.startsWith("#") ? this.ns : this.host;
  }

  /** open(2). */
  open(name: string, mode: number): File {
    const sys = this.serving(name);
    return new SysFile(sys, sys.open(name, mode));
  }

  /** create(2). */
  create(name: string, mode: number, perm: number): File {
    const sys = this.serving(name);
    return new SysFile(sys, sys.create(name, mode, perm));
  }

  /** remove(2). */
  remove(name: string): void {
    this.serving(name).remove(name);
  }

  /** stat(2). */
  stat(name: string): Dir {
    return this.serving(name).stat(name);
  }
}
