/**
 * Where a trace writer's chunks go. Each chunk is handed over in one
 * `write`, and a file sink passes it to the operating system before
 * returning, so a process killed afterwards loses nothing already written.
 *
 * @module
 */

import { concat } from "../sim/lib9/mod.ts";

/** Receives whole chunks, in order. */
export interface TraceSink {
  /** Take one complete chunk. */
  write(bytes: Uint8Array): void;
  /** No more chunks will come. */
  close(): void;
}

/** A sink writing to the file at `path` (created or truncated), one write(2) per chunk. */
export function fileSink(path: string): TraceSink {
  const file = Deno.openSync(path, { write: true, create: true, truncate: true });
  return {
    write(bytes: Uint8Array): void {
      let done = 0;
      while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
    },
    close(): void {
      file.close();
    },
  };
}

/** A sink that keeps the trace in memory, for tests and in-process tools. */
export class MemorySink implements TraceSink {
  #parts: Uint8Array[] = [];
  #closed = false;

  /** Keep one chunk. */
  write(bytes: Uint8Array): void {
    if (this.#closed) throw new Error("write to a closed MemorySink");
    this.#parts.push(bytes);
  }

  /** Mark the trace finished. */
  close(): void {
    this.#closed = true;
  }

  /** Whether `close` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The trace so far, as one byte string. */
  bytes(): Uint8Array {
    return concat(this.#parts);
  }
}
