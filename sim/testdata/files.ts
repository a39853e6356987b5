/**
 * Whole-file helpers for tests that drive the kernel through `Syscalls`, as
 * cat and echo would: open, one read or one write, close (also on error).
 *
 * @module
 */

import { OREAD, OWRITE, type Syscalls } from "../ns/mod.ts";

/** Read `path` once, up to `n` bytes, as text. */
export function readOnce(p: Syscalls, path: string, n = 8192): string {
  const fd = p.open(path, OREAD);
  try {
    return new TextDecoder().decode(p.read(fd, n));
  } finally {
    p.close(fd);
  }
}

/** Write `s` to `path` once, opened with OWRITE|`mode`; the count. */
export function writeOnce(p: Syscalls, path: string, s: string, mode = 0): number {
  const fd = p.open(path, OWRITE | mode);
  try {
    return p.write(fd, new TextEncoder().encode(s));
  } finally {
    p.close(fd);
  }
}
