/**
 * The shell's standard streams over synchronous readers and writers (Deno's
 * stdin, stdout and stderr, or test doubles): files for the commands'
 * descriptors 0-2, and the text chunks the lexer reads a script from.
 *
 * @module
 */

import { type File, StreamFile } from "./file.ts";

/** Something read from synchronously, as Deno.stdin. */
export interface SyncReader {
  /** Read into `p`: the count, or null at end of input. */
  readSync(p: Uint8Array): number | null;
}

/** Something written to synchronously, as Deno.stdout. */
export interface SyncWriter {
  /** Write some of `p`: the count written. */
  writeSync(p: Uint8Array): number;
}

/** A file reading at most `n` bytes per read from `r` (empty at end of input). */
export function readerFile(r: SyncReader): File {
  return new StreamFile({
    reader: (n) => {
      const buf = new Uint8Array(n);
      const k = r.readSync(buf);
      return buf.slice(0, k ?? 0);
    },
  });
}

/** A file whose writes go wholly to `w`. */
export function writerFile(w: SyncWriter): File {
  return new StreamFile({
    writer: (data) => {
      for (let off = 0; off < data.length;) off += w.writeSync(data.subarray(off));
    },
  });
}

/** Text from `r` a chunk at a time (UTF-8 decoded across chunks), then null. */
export function textChunks(r: SyncReader, size = 4096): () => string | null {
  const decoder = new TextDecoder();
  let done = false;
  return () => {
    if (done) return null;
    const buf = new Uint8Array(size);
    const k = r.readSync(buf);
    if (k === null || k === 0) {
      done = true;
      return decoder.decode();
    }
    return decoder.decode(buf.subarray(0, k), { stream: true });
  };
}
