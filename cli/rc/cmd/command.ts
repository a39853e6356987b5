/**
 * The shape of a shell command: a function of its process and argv that
 * returns its exit status as exits(2) would give it ("" for success).
 *
 * @module
 */

import type { Proc } from "../proc.ts";

/** A command: runs as process `p` with arguments `argv` (argv[0] its name). */
export type Command = (p: Proc, argv: string[]) => string;

/** Default buffer size for 9P I/O (IOUNIT in libc.h), the read size of cat and cp. */
export const IOUNIT = 32768;

const _enc = new TextEncoder();

/** `s` as the bytes a C program would write (UTF-8). */
export function bytes(s: string): Uint8Array {
  return _enc.encode(s);
}
