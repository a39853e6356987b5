import { equal } from "node:assert/strict";
import { TraceError } from "./errors.ts";

Deno.test("TraceError puts the chunk and offset before the message", () => {
  const e = new TraceError("payload CRC mismatch", { chunk: 12, offset: 3456 });
  equal(e.message, "chunk 12 at byte 3456: payload CRC mismatch");
  equal(e.name, "TraceError");
  equal(e.chunk, 12);
  equal(e.offset, 3456);
  equal(new TraceError("x", { chunk: 1 }).message, "chunk 1: x");
  const bare = new TraceError("not a trace");
  equal(bare.message, "not a trace");
  equal(bare.chunk, undefined);
  equal(bare.offset, undefined);
});
