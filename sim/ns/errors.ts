/**
 * Plan 9 kernel error strings, mirroring 9front's sys/src/9/port/error.h in
 * its order, and the one error type that carries them out of the name space.
 *
 * One representation: `PlanError.errstr` is Unicode text, the UTF-8 decoding
 * of the bytes 9front would leave in up->errstr, so that its UTF-8 encoding
 * (what the shell prints, what a trace stores) is exactly those bytes. Code
 * that builds a message from lib9 byte strings (cmderror's %q fields, a
 * file name in namelenerror) raises it with `berror`, which decodes it.
 *
 * @module
 */

// lib9's files, not its mod.ts: lib9/parse.ts raises errors from this file.
import { fromUtf8, toUtf8 } from "../lib9/bytes.ts";
import { ERRMAX, kstrcpy } from "../lib9/kstrcpy.ts";

/** "no error" */
export const Enoerror = "no error";

/** "inconsistent mount" */
export const Emount = "inconsistent mount";

/** "not mounted" */
export const Eunmount = "not mounted";

/** "is a mount point" */
export const Eismtpt = "is a mount point";

/** "not in union" */
export const Eunion = "not in union";

/** "mount rpc error" */
export const Emountrpc = "mount rpc error";

/** "device shut down" */
export const Eshutdown = "device shut down";

/** "mounted directory forbids creation" */
export const Enocreate = "mounted directory forbids creation";

/** "file does not exist" */
export const Enonexist = "file does not exist";

/** "file already exists" */
export const Eexist = "file already exists";

/** "unknown device in # filename" */
export const Ebadsharp = "unknown device in # filename";

/** "not a directory" */
export const Enotdir = "not a directory";

/** "file is a directory" */
export const Eisdir = "file is a directory";

/** "bad character in file name" */
export const Ebadchar = "bad character in file name";

/** "file name syntax" */
export const Efilename = "file name syntax";

/** "permission denied" */
export const Eperm = "permission denied";

/** "inappropriate use of fd" */
export const Ebadusefd = "inappropriate use of fd";

/** "bad arg in system call" */
export const Ebadarg = "bad arg in system call";

/** "device or object already in use" */
export const Einuse = "device or object already in use";

/** "i/o error" */
export const Eio = "i/o error";

/** "read or write too large" */
export const Etoobig = "read or write too large";

/** "read or write too small" */
export const Etoosmall = "read or write too small";

/** "network port not available" */
export const Enoport = "network port not available";

/** "i/o on hungup channel" */
export const Ehungup = "i/o on hungup channel";

/** "bad process or channel control request" */
export const Ebadctl = "bad process or channel control request";

/** "no free devices" */
export const Enodev = "no free devices";

/** "process exited" */
export const Eprocdied = "process exited";

/** "no living children" */
export const Enochild = "no living children";

/** "i/o error in demand load" */
export const Eioload = "i/o error in demand load";

/** "virtual memory allocation failed" */
export const Enovmem = "virtual memory allocation failed";

/** "fd out of range or not open" */
export const Ebadfd = "fd out of range or not open";

/** "no free file descriptors" */
export const Enofd = "no free file descriptors";

/** "seek on a stream" */
export const Eisstream = "seek on a stream";

/** "exec header invalid" */
export const Ebadexec = "exec header invalid";

/** "connection timed out" */
export const Etimedout = "connection timed out";

/** "connection refused" */
export const Econrefused = "connection refused";

/** "connection in use" */
export const Econinuse = "connection in use";

/** "interrupted" */
export const Eintr = "interrupted";

/** "kernel allocate failed" */
export const Enomem = "kernel allocate failed";

/** "segments overlap" */
export const Esoverlap = "segments overlap";

/** "mouse type already set" */
export const Emouseset = "mouse type already set";

/** "i/o count too small" */
export const Eshort = "i/o count too small";

/** "the front fell off" */
export const Egreg = "the front fell off";

/** "bad attach specifier" */
export const Ebadspec = "bad attach specifier";

/** "process has no saved registers" */
export const Enoreg = "process has no saved registers";

/** "mount/attach disallowed" */
export const Enoattach = "mount/attach disallowed";

/** "stat buffer too small" */
export const Eshortstat = "stat buffer too small";

/** "malformed stat buffer" */
export const Ebadstat = "malformed stat buffer";

/** "negative i/o offset" */
export const Enegoff = "negative i/o offset";

/** "wrong #args in control message" */
export const Ecmdargs = "wrong #args in control message";

/** "bad ip address syntax" */
export const Ebadip = "bad ip address syntax";

/** "seek in directory" */
export const Edirseek = "seek in directory";

/** "name too long" */
export const Etoolong = "name too long";

/** "media or partition has changed" */
export const Echange = "media or partition has changed";

/**
 * An error raised inside the simulated name space. Its message is exactly the
 * Plan 9 error string (errstr) that the real kernel would return, truncated as
 * the kernel truncates it (ERRMAX-1 bytes), as Unicode text (see the module doc).
 */
export class PlanError extends Error {
  /** The Plan 9 error string, as errstr(2) would return it, decoded from UTF-8. */
  readonly errstr: string;
  /** Make an error carrying `errstr`. */
  constructor(errstr: string) {
    super(errstr);
    this.name = "PlanError";
    this.errstr = errstr;
  }
}

/** Raise the Plan 9 error `errstr` (Unicode text), as the kernel's error() does. */
export function error(errstr: string): never {
  throw new PlanError(errstr);
}

/**
 * Raise the error whose bytes are the lib9 byte string `b`. 9front's print
 * routines write every rune as UTF-8, so `b` is UTF-8 except for a UTF-16
 * surrogate rune (U+D800-U+DFFF), which Unicode text cannot carry: that is
 * not modeled, and raises "unimplemented: error string is not UTF-8".
 */
export function berror(b: string): never {
  let s: string;
  try {
    s = fromUtf8(b);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    error("unimplemented: error string is not UTF-8");
  }
  error(s);
}

/**
 * The error string `s` as error() stores it: kstrcpy into up->errstr's
 * ERRMAX bytes, which cuts a long one to 123 bytes at a rune boundary and
 * appends "...". devvmx keeps a dead vCPU's error the same way.
 */
export function errstrcpy(s: string): string {
  return fromUtf8(kstrcpy(toUtf8(s), ERRMAX));
}
