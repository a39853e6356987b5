/**
 * The framing of a trace file: a stream of self-delimiting chunks, each with
 * a magic, a kind, a length and two CRC-32s (one over the chunk header, one
 * over the payload). A process killed mid-write leaves a file whose complete
 * chunks all read back; a reader following a growing file waits for the rest
 * of an incomplete one. docs/trace-format.md is the normative description.
 *
 * @module
 */

import { crc32 } from "node:zlib";
import { TraceError } from "./errors.ts";

/** The four bytes every chunk starts with: "VXTR". */
export const CHUNK_MAGIC: Uint8Array = new Uint8Array([0x56, 0x58, 0x54, 0x52]);
/** Bytes before the payload: magic, kind, flags, reserved, length, header CRC. */
export const CHUNK_HEADER_SIZE = 16;
/** Bytes after the payload: its CRC. */
export const CHUNK_TRAILER_SIZE = 4;
/** Largest payload a writer produces and a reader accepts (1 GiB). */
export const MAX_PAYLOAD = 0x40000000;

/** Chunk kinds. Kinds 128-255 are optional: readers skip those they do not know. */
export const ChunkKind = Object.freeze({
  /** The trace header; always chunk 0 and only there. */
  header: 1,
  /** A large byte string stored once, named by its SHA-256. */
  blob: 2,
  /** A run of consecutive events. */
  events: 3,
  /** A backend snapshot taken between two events. */
  checkpoint: 4,
  /** The end marker of a cleanly closed trace. */
  end: 5,
});

/** Flag bit: the chunk's body (the payload after its kind's prefix) is raw DEFLATE. */
export const FLAG_DEFLATE = 1;

/** A complete, CRC-checked chunk found in a buffer. */
export interface Chunk {
  /** Chunk kind (see `ChunkKind`). */
  readonly kind: number;
  /** Flag bits (see `FLAG_DEFLATE`). */
  readonly flags: number;
  /** Byte offset of the chunk in the file. */
  readonly offset: number;
  /** The payload, a view into the buffer read from. */
  readonly payload: Uint8Array;
  /** Byte offset just past the chunk. */
  readonly end: number;
}

/** Frame `parts` (concatenated) as one chunk of `kind`. */
export function encodeChunk(kind: number, flags: number, parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  if (length > MAX_PAYLOAD) throw new RangeError(`chunk payload of ${length} bytes is too large`);
  const out = new Uint8Array(CHUNK_HEADER_SIZE + length + CHUNK_TRAILER_SIZE);
  const view = new DataView(out.buffer);
  out.set(CHUNK_MAGIC, 0);
  out[4] = kind;
  out[5] = flags;
  view.setUint32(8, length, true);
  view.setUint32(12, crc32(out.subarray(0, 12)), true);
  let at = CHUNK_HEADER_SIZE;
  let crc = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
    crc = crc32(p, crc);
  }
  view.setUint32(at, crc, true);
  return out;
}

/**
 * Read chunk number `index` at `offset` in `buf`. Returns undefined when the
 * buffer ends before the chunk does (a truncated or still-growing file);
 * throws `TraceError` when the bytes there are not a sound chunk.
 */
export function readChunk(buf: Uint8Array, offset: number, index: number): Chunk | undefined {
  const place = { chunk: index, offset };
  const avail = buf.length - offset;
  for (let i = 0; i < CHUNK_MAGIC.length && i < avail; i++) {
    if (buf[offset + i] !== CHUNK_MAGIC[i]) throw new TraceError("bad chunk magic", place);
  }
  if (avail < CHUNK_HEADER_SIZE) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset + offset, CHUNK_HEADER_SIZE);
  if (view.getUint32(12, true) !== crc32(buf.subarray(offset, offset + 12))) {
    throw new TraceError("chunk header CRC mismatch (corrupt)", place);
  }
  const kind = buf[offset + 4];
  const flags = buf[offset + 5];
  const length = view.getUint32(8, true);
  if ((flags & ~FLAG_DEFLATE) !== 0 || view.getUint16(6, true) !== 0) {
    throw new TraceError(`unknown flag bits 0x${flags.toString(16)}`, place);
  }
  if (length > MAX_PAYLOAD) throw new TraceError(`payload length ${length} too large`, place);
  const start = offset + CHUNK_HEADER_SIZE;
  const end = start + length + CHUNK_TRAILER_SIZE;
  if (buf.length < end) return undefined;
  const payload = buf.subarray(start, start + length);
  const stored = new DataView(buf.buffer, buf.byteOffset + start + length, 4).getUint32(0, true);
  if (stored !== crc32(payload)) throw new TraceError("payload CRC mismatch (corrupt)", place);
  return { kind, flags, offset, payload, end };
}
