/**
 * Buffered output as libbio's Bprint/Bflush do it for ls(1): text collects
 * in a Bsize (IOUNIT) buffer, a full buffer is written whole, and Bflush
 * writes what is left. So a listing reaches a file in the same writes as on
 * 9front.
 *
 * @module
 */

import type { Proc } from "../proc.ts";
import { bytes, IOUNIT } from "./command.ts";

/** A Biobuf open for writing on one descriptor. */
export class Bio {
  readonly #p: Proc;
  readonly #fd: number;
  readonly #buf = new Uint8Array(IOUNIT);
  #n = 0;

  /** Binit(&b, fd, OWRITE) in process `p`. */
  constructor(p: Proc, fd: number) {
    this.#p = p;
    this.#fd = fd;
  }

  /** Bprint of already formatted `text`. */
  print(text: string): void {
    let data = bytes(text);
    while (data.length > 0) {
      const k = Math.min(data.length, this.#buf.length - this.#n);
      this.#buf.set(data.subarray(0, k), this.#n);
      this.#n += k;
      data = data.subarray(k);
      if (this.#n === this.#buf.length) this.flush();
    }
  }

  /** Bflush: write what is buffered, if anything. */
  flush(): void {
    if (this.#n === 0) return;
    this.#p.write(this.#fd, this.#buf.slice(0, this.#n));
    this.#n = 0;
  }
}
