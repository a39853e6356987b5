/**
 * Writes a trace: the header chunk at once, then events gathered into
 * chunks of a bounded size, blobs for large byte strings (each stored once),
 * checkpoints, and an end chunk on close. Every chunk reaches the sink whole,
 * so a killed writer leaves at most its current chunk unwritten.
 *
 * @module
 */

import { deflateRawSync } from "node:zlib";
import { createHash, type Hash } from "node:crypto";
import denoJson from "../deno.json" with { type: "json" };
import { ChunkKind, encodeChunk, FLAG_DEFLATE } from "./chunk.ts";
import { BlobRef, hex, pack, sha256 } from "./codec.ts";
import {
  encodeEvent,
  encodeHeader,
  type EventStore,
  FORMAT_VERSION,
  type TraceEvent,
  type TraceHeader,
} from "./schema.ts";
import { fileSink, type TraceSink } from "./sink.ts";
import { storeValue } from "./value.ts";

/** The tool name and version written into headers by default. */
export const TOOL = `vmxsim ${denoJson.version}`;

/** Header fields a writer is given; it fills in `format` and, unless given, `tool`. */
export type HeaderInput = Omit<TraceHeader, "format" | "tool"> & { readonly tool?: string };

/** Tuning of a writer. The defaults suit recording the simulator. */
export interface WriterOptions {
  /** Flush an events chunk after this many events (1 loses nothing but is larger). Default 256. */
  readonly chunkEvents?: number;
  /** Flush an events chunk once its body reaches this many bytes. Default 65536. */
  readonly chunkBytes?: number;
  /** Byte strings at least this long go to blobs. Default 1024. */
  readonly blobMin?: number;
  /** DEFLATE chunk bodies where that makes them smaller. Default false (see docs). */
  readonly compress?: boolean;
  /** Recorders take a backend checkpoint every this many events; 0 never. Default 0. */
  readonly checkpointEvery?: number;
}

/** Builds a trace chunk by chunk into a sink. */
export class TraceWriter {
  /** Recorders checkpoint every this many events (0: never). */
  readonly checkpointEvery: number;
  #sink: TraceSink;
  #chunkEvents: number;
  #chunkBytes: number;
  #blobMin: number;
  #compress: boolean;
  #blobs = new Set<string>();
  #users: string[] = [];
  #digest: Hash = createHash("sha256");
  #body = new Uint8Array(1 << 16);
  #bodyLen = 0;
  #pending = 0;
  #events = 0;
  #closed = false;
  #store: EventStore;

  /** Start a trace in `sink`, writing its header chunk now. */
  constructor(sink: TraceSink, header: HeaderInput, options: WriterOptions = {}) {
    this.#sink = sink;
    this.#chunkEvents = _positive(options.chunkEvents ?? 256, "chunkEvents");
    this.#chunkBytes = _positive(options.chunkBytes ?? 65536, "chunkBytes");
    this.#blobMin = _positive(options.blobMin ?? 1024, "blobMin");
    this.#compress = options.compress ?? false;
    this.checkpointEvery = options.checkpointEvery ?? 0;
    this.#store = {
      bytes: (data) => (data.length >= this.#blobMin ? this.#blob(data) : data),
      value: (v) => storeValue(v, (data) => this.#blob(data), this.#blobMin, "note"),
    };
    const full: TraceHeader = { ...header, format: FORMAT_VERSION, tool: header.tool ?? TOOL };
    this.#emit(ChunkKind.header, 0, [pack(encodeHeader(full))]);
  }

  /** Start a trace in a new file at `path`. */
  static create(path: string, header: HeaderInput, options?: WriterOptions): TraceWriter {
    return new TraceWriter(fileSink(path), header, options);
  }

  /** Events written so far (the index the next event gets). */
  get eventCount(): number {
    return this.#events;
  }

  /** The user of each process started so far, by pid. */
  get users(): readonly string[] {
    return this.#users;
  }

  /** Append one event. A `proc` event must start the next pid. */
  event(ev: TraceEvent): void {
    this.#open();
    if (ev.op === "proc") {
      if (ev.pid !== this.#users.length) {
        throw new RangeError(`proc event for pid ${ev.pid}, expected ${this.#users.length}`);
      }
      this.#users.push(ev.args[0] as string);
    } else if (!(ev.pid >= 0 && ev.pid < this.#users.length)) {
      throw new RangeError(`event for pid ${ev.pid}, which no proc event started`);
    }
    const bytes = pack(encodeEvent(ev, this.#store));
    this.#append(bytes);
    this.#events++;
    this.#pending++;
    if (this.#pending >= this.#chunkEvents || this.#bodyLen >= this.#chunkBytes) this.flush();
  }

  /** Write the backend `snapshot` as a checkpoint before the next event. */
  checkpoint(snapshot: unknown): void {
    this.#open();
    this.flush();
    const stored = storeValue(snapshot, (data) => this.#blob(data), this.#blobMin, "snapshot");
    this.#emit(ChunkKind.checkpoint, 0, [pack([this.#events, [...this.#users], stored])]);
  }

  /** Write out the pending events as a chunk now. */
  flush(): void {
    if (this.#pending === 0) return;
    const body = this.#body.subarray(0, this.#bodyLen);
    this.#digest.update(body);
    const prefix = pack(this.#events - this.#pending);
    const count = pack(this.#pending);
    this.#emitBody(ChunkKind.events, [prefix, count], body);
    this.#bodyLen = 0;
    this.#pending = 0;
  }

  /** Flush, write the end chunk, and close the sink. */
  close(): void {
    this.#open();
    this.flush();
    const end = { events: this.#events, digest: new Uint8Array(this.#digest.digest()) };
    this.#emit(ChunkKind.end, 0, [pack(end)]);
    this.#closed = true;
    this.#sink.close();
  }

  #open(): void {
    if (this.#closed) throw new Error("trace writer is closed");
  }

  #blob(data: Uint8Array): BlobRef {
    const hash = sha256(data);
    const key = hex(hash);
    if (!this.#blobs.has(key)) {
      this.#blobs.add(key);
      this.#emitBody(ChunkKind.blob, [hash], data);
    }
    return new BlobRef(hash);
  }

  #append(bytes: Uint8Array): void {
    const need = this.#bodyLen + bytes.length;
    if (need > this.#body.length) {
      const grown = new Uint8Array(Math.max(need, this.#body.length * 2));
      grown.set(this.#body.subarray(0, this.#bodyLen));
      this.#body = grown;
    }
    this.#body.set(bytes, this.#bodyLen);
    this.#bodyLen = need;
  }

  #emitBody(kind: number, prefix: Uint8Array[], body: Uint8Array): void {
    if (this.#compress) {
      const packed = new Uint8Array(deflateRawSync(body));
      if (packed.length < body.length) return this.#emit(kind, FLAG_DEFLATE, [...prefix, packed]);
    }
    this.#emit(kind, 0, [...prefix, body]);
  }

  #emit(kind: number, flags: number, parts: Uint8Array[]): void {
    this.#sink.write(encodeChunk(kind, flags, parts));
  }
}

function _positive(n: number, what: string): number {
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`${what} must be a positive integer`);
  return n;
}
