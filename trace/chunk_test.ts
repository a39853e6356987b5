import { equal, throws } from "node:assert/strict";
import { crc32 } from "node:zlib";
import {
  CHUNK_HEADER_SIZE,
  CHUNK_MAGIC,
  CHUNK_TRAILER_SIZE,
  ChunkKind,
  encodeChunk,
  FLAG_DEFLATE,
  MAX_PAYLOAD,
  readChunk,
} from "./chunk.ts";
import { hex } from "./codec.ts";
import { TraceError } from "./errors.ts";

const payload = new Uint8Array([1, 2, 3, 4, 5]);
const chunk = encodeChunk(ChunkKind.events, 0, [payload.subarray(0, 2), payload.subarray(2)]);

Deno.test("encodeChunk lays out magic, kind, flags, length, header CRC, payload, payload CRC", () => {
  equal(chunk.length, CHUNK_HEADER_SIZE + 5 + CHUNK_TRAILER_SIZE);
  equal(hex(chunk.subarray(0, 12)), "565854520300000005000000");
  const v = new DataView(chunk.buffer);
  equal(v.getUint32(12, true), crc32(chunk.subarray(0, 12)));
  equal(hex(chunk.subarray(16, 21)), "0102030405");
  equal(v.getUint32(21, true), crc32(payload));
  equal(hex(CHUNK_MAGIC), "56585452");
});

Deno.test("readChunk reads a chunk back at an offset", () => {
  const buf = new Uint8Array(3 + chunk.length);
  buf.set(chunk, 3);
  const c = readChunk(buf, 3, 7)!;
  equal(c.kind, ChunkKind.events);
  equal(c.flags, 0);
  equal(c.offset, 3);
  equal(c.end, buf.length);
  equal(hex(c.payload), "0102030405");
});

Deno.test("readChunk wants more bytes at every cut short of the whole chunk", () => {
  for (let n = 0; n < chunk.length; n++) equal(readChunk(chunk.subarray(0, n), 0, 0), undefined);
});

Deno.test("readChunk names the damage of a flipped bit anywhere", () => {
  for (let i = 0; i < chunk.length; i++) {
    const bad = chunk.slice();
    bad[i] ^= 0x10;
    const want = i < 4
      ? /^chunk 2 at byte 0: bad chunk magic$/
      : i < CHUNK_HEADER_SIZE
      ? /^chunk 2 at byte 0: chunk header CRC mismatch \(corrupt\)$/
      : /^chunk 2 at byte 0: payload CRC mismatch \(corrupt\)$/;
    throws(
      () => readChunk(bad, 0, 2),
      (e) => e instanceof TraceError && want.test(e.message) && e.chunk === 2,
    );
  }
});

Deno.test("readChunk refuses a partial magic that is already wrong", () => {
  throws(() => readChunk(new Uint8Array([0x56, 0x00]), 0, 0), /bad chunk magic/);
});

/** A chunk header with a valid CRC but the given fields. */
function header(flags: number, reserved: number, length: number): Uint8Array {
  const h = new Uint8Array(CHUNK_HEADER_SIZE);
  const v = new DataView(h.buffer);
  h.set(CHUNK_MAGIC);
  h[4] = ChunkKind.blob;
  h[5] = flags;
  v.setUint16(6, reserved, true);
  v.setUint32(8, length, true);
  v.setUint32(12, crc32(h.subarray(0, 12)), true);
  return h;
}

Deno.test("readChunk refuses unknown flags, reserved bits and oversized lengths", () => {
  throws(
    () => readChunk(header(2, 0, 0), 0, 1),
    /^TraceError: chunk 1 at byte 0: unknown flag bits 0x2$/,
  );
  throws(() => readChunk(header(0, 1, 0), 0, 1), /unknown flag bits 0x0/);
  throws(
    () => readChunk(header(FLAG_DEFLATE, 0, MAX_PAYLOAD + 1), 0, 1),
    /payload length 1073741825 too large/,
  );
  equal(readChunk(header(FLAG_DEFLATE, 0, 10), 0, 1), undefined);
});

Deno.test("encodeChunk refuses a payload over the limit", () => {
  const huge = { length: MAX_PAYLOAD + 1 } as Uint8Array;
  throws(() => encodeChunk(ChunkKind.blob, 0, [huge]), RangeError);
});
