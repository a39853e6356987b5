/**
 * What a program sees of a Plan 9 name space: the file system calls of
 * open(2), create(2), read(2), write(2), seek(2), remove(2), stat(2) and
 * close, on file descriptors. The simulated kernel implements it; the trace
 * recorder wraps it; the shell and fuzzers only ever use it.
 *
 * Every failure is a `PlanError` carrying the exact Plan 9 error string.
 *
 * @module
 */

import type { Dir } from "./dev.ts";

/** Seek types for `seek`, as seek(2). */
export const SEEK_SET = 0;
/** Seek relative to the current offset. */
export const SEEK_CUR = 1;
/** Seek relative to the end of the file. */
export const SEEK_END = 2;

/** The system calls of one process on a Plan 9 name space. */
export interface Syscalls {
  /** The user the process runs as. */
  readonly user: string;
  /** open(2): returns a file descriptor. */
  open(path: string, mode: number): number;
  /** create(2): create (or truncate) and open; `perm` with DMDIR makes a directory. */
  create(path: string, mode: number, perm: number): number;
  /** read(2) at the descriptor's offset, advancing it: at most `n` bytes. */
  read(fd: number, n: number): Uint8Array;
  /** pread(2): read at `offset` without moving the descriptor's offset. */
  pread(fd: number, n: number, offset: number): Uint8Array;
  /** write(2) at the descriptor's offset, advancing it; returns the count written. */
  write(fd: number, data: Uint8Array): number;
  /** pwrite(2): write at `offset`. */
  pwrite(fd: number, data: Uint8Array, offset: number): number;
  /** seek(2): returns the new offset. */
  seek(fd: number, offset: number, type: number): number;
  /** close the descriptor (clunk; removes the file if opened with ORCLOSE). */
  close(fd: number): void;
  /** remove(2). */
  remove(path: string): void;
  /** stat(2). */
  stat(path: string): Dir;
  /** fstat(2). */
  fstat(fd: number): Dir;
}
