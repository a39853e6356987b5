/**
 * The kernel-side shapes of a Plan 9 device, after 9front's port/portdat.h
 * (Qid, Dir, Chan, Dev) and port/dev.c. Devices in sim/dev implement `Dev`;
 * the name space in sim/ns drives them as the kernel's namec and syscalls do.
 *
 * @module
 */

/** Qid types (Qid.type), as in libc.h. */
export const QTDIR = 0x80;
/** Plain file qid type. */
export const QTFILE = 0x00;

/** Directory bit of Dir.mode and of create's perm (DMDIR). */
export const DMDIR = 0x80000000;

/** Open modes, as in libc.h. */
export const OREAD = 0;
/** Open for writing. */
export const OWRITE = 1;
/** Open for reading and writing. */
export const ORDWR = 2;
/** Open for execution. */
export const OEXEC = 3;
/** Truncate on open. */
export const OTRUNC = 0x10;
/** Close on exec; the simulator has no exec, so it is only masked as sysfile.c does. */
export const OCEXEC = 0x20;
/** Remove the file when the channel is closed. */
export const ORCLOSE = 0x40;
/** Exclusive use (create only). */
export const OEXCL = 0x1000;

/** Chan.flag bit: the channel is open. */
export const COPEN = 0x0001;
/** Chan.flag bit: remove on close (set by ORCLOSE). */
export const CRCLOSE = 0x0008;

/** A file's identity on its device. */
export interface Qid {
  /** Unique path on the device. */
  path: number;
  /** Version. */
  vers: number;
  /** QTDIR or QTFILE. */
  type: number;
}

/** A directory entry as stat(2) returns it. */
export interface Dir {
  /** Device type (the device character's code). */
  type: number;
  /** Device instance. */
  dev: number;
  /** The file's qid. */
  qid: Qid;
  /** Permissions, with DMDIR for directories. */
  mode: number;
  /** Last access time; always 0 in the simulator, which reads no clock. */
  atime: number;
  /** Last modification time; always 0, as atime. */
  mtime: number;
  /** Length in bytes. */
  length: number;
  /** File name. */
  name: string;
  /** Owner. */
  uid: string;
  /** Group. */
  gid: string;
  /** Last modifier. */
  muid: string;
}

/** The calling process, as devices see it through 9front's `up`. */
export interface Proc {
  /** The user the process runs as (up->user). */
  readonly user: string;
  /** The host owner (eve). */
  readonly eve: string;
}

/** An open or walked-to file on a device, after 9front's Chan. */
export class Chan {
  /** The device that serves this channel. */
  readonly dev: Dev;
  /** The file's qid; devices may change it on open (clone becomes ctl). */
  qid: Qid;
  /** Open mode after openmode(): OREAD, OWRITE, ORDWR or OEXEC. */
  mode = 0;
  /** COPEN, CRCLOSE. */
  flag = 0;
  /** File offset used by read/write without an explicit offset. */
  offset = 0;
  /** Directory-read index (c->dri): the next generator slot devdirread packs; seek resets it. */
  dri = 0;
  /** Device-private state (devvmx's aux buffer, devsegment's Globalseg). */
  aux: unknown = undefined;
  /** Path the channel was reached by (c->path, as "#g/vm.0"); devstat names directories from it. */
  name: string;
  /** Make a channel for `qid` on `dev`. */
  constructor(dev: Dev, qid: Qid, name: string) {
    this.dev = dev;
    this.qid = qid;
    this.name = name;
  }
}

/**
 * Result of a device's directory generator for entry `s`, after devgen:
 * a Dir, `0` for an empty slot to skip, `-1` past the end.
 */
export type GenResult = Dir | 0 | -1;

/** A directory generator as dev.c's helpers take it (Devgen), bound to its device. */
export type DevGen = (up: Proc, c: Chan, s: number) => GenResult;

/** A Plan 9 device (a row of the kernel's devtab). */
export interface Dev {
  /** Device character: "X" for #X. */
  readonly dc: string;
  /** Device name ("vmx", "segment"). */
  readonly name: string;
  /** The root channel of the device. */
  attach(up: Proc): Chan;
  /** Directory generator: entry `s` of directory `c`; DEVDOTDOT (-1) is the parent. */
  gen(up: Proc, c: Chan, s: number): GenResult;
  /** Open `c` with `omode`; may return `c` changed (clone). */
  open(up: Proc, c: Chan, omode: number): Chan;
  /** Create `name` in directory `c`, which becomes the new file, opened. */
  create(up: Proc, c: Chan, name: string, omode: number, perm: number): Chan;
  /** Read up to `n` bytes at `off`. */
  read(up: Proc, c: Chan, n: number, off: number): Uint8Array;
  /** Write `data` at `off`; returns the count the kernel returns. */
  write(up: Proc, c: Chan, data: Uint8Array, off: number): number;
  /** Remove the file of `c`; the channel is clunked whatever happens. */
  remove(up: Proc, c: Chan): void;
  /** Close (clunk) `c`. */
  close(up: Proc, c: Chan): void;
}

/** The `s` value asking a generator for the parent directory. */
export const DEVDOTDOT: number = -1;
