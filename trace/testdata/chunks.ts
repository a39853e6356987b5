/**
 * Test helpers that look at a trace file's chunks directly.
 *
 * @module
 */

import { type Chunk, encodeChunk, readChunk } from "../chunk.ts";
import { pack } from "../codec.ts";

/** Every complete chunk of `bytes`, in order. */
export function chunksOf(bytes: Uint8Array): Chunk[] {
  const out: Chunk[] = [];
  for (let at = 0, i = 0;; i++) {
    const c = readChunk(bytes, at, i);
    if (c === undefined) return out;
    out.push(c);
    at = c.end;
  }
}

/** A chunk of `kind` whose payload is the msgpack encodings of `values`. */
export function msgpackChunk(kind: number, ...values: unknown[]): Uint8Array {
  return encodeChunk(kind, 0, values.map((v) => pack(v)));
}
