/**
 * Open files as the shell's descriptors refer to them. A descriptor names a
 * `Shared` file; dup'd descriptors (a redirection copied into a command, or
 * `>[2=1]`) share it, and the file is closed when the last one lets go, as
 * the kernel clunks a Chan at its last reference. So `echo go >ctl` makes
 * exactly create, write, close on the simulated kernel.
 *
 * @module
 */

import { Eisstream, PlanError, type Syscalls } from "../../sim/ns/mod.ts";

/** An open file: what read(2), write(2) and seek(2) act on. */
export interface File {
  /** Read at most `n` bytes; empty at end of file. */
  read(n: number): Uint8Array;
  /** Write `data`; the count written. */
  write(data: Uint8Array): number;
  /** Set the offset as seek(2); the new offset. */
  seek(offset: number, type: number): number;
  /** Release the file. */
  close(): void;
}

/** A file open on a `Syscalls` implementation (the simulated kernel or the host). */
export class SysFile implements File {
  readonly #sys: Syscalls;
  readonly #fd: number;
  /** The file open as descriptor `fd` of `sys`. */
  constructor(sys: Syscalls, fd: number) {
    this.#sys = sys;
    this.#fd = fd;
  }
  /** read(2). */
  read(n: number): Uint8Array {
    return this.#sys.read(this.#fd, n);
  }
  /** write(2). */
  write(data: Uint8Array): number {
    return this.#sys.write(this.#fd, data);
  }
  /** seek(2). */
  seek(offset: number, type: number): number {
    return this.#sys.seek(this.#fd, offset, type);
  }
  /** close(2). */
  close(): void {
    this.#sys.close(this.#fd);
  }
}

/**
 * A stream the shell was given (its standard input, output or error, or the
 * pipe of a command substitution): reads and writes go to functions, and
 * seeking fails as on a pipe.
 */
export class StreamFile implements File {
  readonly #reader: (n: number) => Uint8Array;
  readonly #writer: (data: Uint8Array) => void;
  /** A stream reading with `reader` and writing with `writer`. */
  constructor(options: {
    reader?: (n: number) => Uint8Array;
    writer?: (data: Uint8Array) => void;
  }) {
    this.#reader = options.reader ?? (() => new Uint8Array(0));
    this.#writer = options.writer ?? (() => {});
  }
  /** Whatever the reader gives, at most `n` bytes. */
  read(n: number): Uint8Array {
    return this.#reader(n);
  }
  /** Hand all of `data` to the writer. */
  write(data: Uint8Array): number {
    this.#writer(data);
    return data.length;
  }
  /** Streams cannot seek: "seek on a stream". */
  seek(_offset: number, _type: number): number {
    throw new PlanError(Eisstream);
  }
  /** Nothing to release: the stream belongs to whoever made it. */
  close(): void {}
}

/** A file with a count of the descriptors that refer to it. */
export class Shared {
  /** The file. */
  readonly file: File;
  #refs = 1;
  /** `file`, held once. */
  constructor(file: File) {
    this.file = file;
  }
  /** One more reference (dup); returns this. */
  hold(): Shared {
    this.#refs++;
    return this;
  }
  /** Drop a reference; the last one closes the file. */
  release(): void {
    if (--this.#refs === 0) this.file.close();
  }
}
