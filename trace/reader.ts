/**
 * Reads a trace: checks the framing and CRC of every chunk, indexes events
 * chunks, blobs and checkpoints, and decodes events on demand, so that
 * show, diff and replay can start anywhere. A file cut short reads up to its
 * last complete chunk and says so; anything else wrong is a `TraceError`
 * naming the chunk and byte offset.
 *
 * @module
 */

import { inflateRawSync } from "node:zlib";
import { createHash } from "node:crypto";
import { type Chunk, CHUNK_MAGIC, ChunkKind, FLAG_DEFLATE, readChunk } from "./chunk.ts";
import { type BlobRef, hex, readInt, readString, sha256, unpack, unpackEach } from "./codec.ts";
import { TraceError } from "./errors.ts";
import { decodeEvent, decodeHeader, type TraceEvent, type TraceHeader } from "./schema.ts";
import { loadValue } from "./value.ts";

/** A backend snapshot stored in a trace. */
export interface Checkpoint {
  /** Index of the first event after the snapshot (events before it are its past). */
  readonly index: number;
  /** The user of each process that existed, by pid. */
  readonly users: readonly string[];
  /** The backend's record, blobs resolved. */
  readonly snapshot: unknown;
}

/** Options of `TraceFile.follow`. */
export interface FollowOptions {
  /** Stop waiting when this aborts. */
  readonly signal?: AbortSignal;
  /** Milliseconds between looks at the file. Default 100. */
  readonly interval?: number;
  /** Called once with the header, as soon as it has landed. */
  readonly onHeader?: (header: TraceHeader) => void;
}

interface _EventsChunk {
  readonly first: number;
  readonly count: number;
  readonly chunk: Chunk;
  readonly index: number;
}

interface _CheckpointChunk {
  readonly index: number;
  readonly chunk: Chunk;
  readonly chunkIndex: number;
}

/** A trace read from bytes, indexed; events are decoded when asked for. */
export class TraceFile {
  /** The name it was read from, for messages. */
  readonly name: string;
  /** The header. */
  readonly header: TraceHeader;
  #buf: Uint8Array;
  #offset = 0;
  #chunks = 0;
  #events: _EventsChunk[] = [];
  #checkpoints: _CheckpointChunk[] = [];
  #blobs = new Map<string, Chunk>();
  #blobCache = new Map<string, Uint8Array>();
  #eventCount = 0;
  #end: { events: number; digest: Uint8Array } | undefined;

  private constructor(buf: Uint8Array, name: string) {
    this.name = name;
    this.#buf = buf;
    if (buf.length === 0) throw new TraceError("empty file, not a trace");
    for (let i = 0; i < CHUNK_MAGIC.length && i < buf.length; i++) {
      if (buf[i] !== CHUNK_MAGIC[i]) throw new TraceError("not a trace (no VXTR magic)");
    }
    const first = this.#nextChunk();
    if (first === undefined) throw new TraceError("truncated inside its header chunk");
    if (first.kind !== ChunkKind.header) {
      throw new TraceError(`first chunk has kind ${first.kind}, not a header`, _place(first, 0));
    }
    this.header = _placed(first, 0, () => decodeHeader(unpack(first.payload)));
  }

  /** Read a trace held in `bytes`; `name` is used in messages. */
  static parse(bytes: Uint8Array, name = "trace"): TraceFile {
    const t = new TraceFile(bytes, name);
    t.#scan();
    return t;
  }

  /**
   * Follow the trace file at `path` while something writes it: yields each
   * event as its chunk lands, and returns at the end chunk or on abort.
   */
  static async *follow(path: string, options: FollowOptions = {}): AsyncGenerator<TraceEvent> {
    const interval = options.interval ?? 100;
    const file = await Deno.open(path, { read: true });
    try {
      let store: Uint8Array = new Uint8Array(1 << 16);
      let len = 0;
      let t: TraceFile | undefined;
      let next = 0;
      const piece = new Uint8Array(1 << 16);
      while (!options.signal?.aborted) {
        const n = await file.read(piece);
        if (n !== null && n > 0) {
          if (len + n > store.length) store = _grow(store, len, len + n);
          store.set(piece.subarray(0, n), len);
          len += n;
          const buf = store.subarray(0, len);
          if (t === undefined && _headerComplete(buf)) {
            t = new TraceFile(buf, path);
            options.onHeader?.(t.header);
          }
          if (t !== undefined) {
            t.#buf = buf;
            t.#scan();
            for (; next < t.#eventCount; next++) yield t.event(next);
            if (t.#end !== undefined) return;
          }
          continue;
        }
        await _sleep(interval, options.signal);
      }
    } finally {
      file.close();
    }
  }

  /** Number of complete events. */
  get eventCount(): number {
    return this.#eventCount;
  }

  /** Why the file ends early, or undefined when it ends with its end chunk. */
  get truncated(): string | undefined {
    if (this.#offset < this.#buf.length) {
      return `cut inside chunk ${this.#chunks} at byte ${this.#offset}`;
    }
    if (this.#end === undefined) return `no end chunk after chunk ${this.#chunks - 1}`;
    return undefined;
  }

  /** SHA-256 of all event encodings, from the end chunk (same events, same digest). */
  get digest(): Uint8Array | undefined {
    return this.#end?.digest;
  }

  /** Event indices at which checkpoints were taken, ascending. */
  get checkpoints(): readonly number[] {
    return this.#checkpoints.map((c) => c.index);
  }

  /** Decode the checkpoint taken at event index `index`. */
  checkpoint(index: number): Checkpoint {
    const c = this.#checkpoints.find((k) => k.index === index);
    if (c === undefined) {
      const have = this.checkpoints.length ? this.checkpoints.join(", ") : "none";
      throw new TraceError(`no checkpoint at event ${index} (checkpoints: ${have})`);
    }
    return _placed(c.chunk, c.chunkIndex, () => {
      const v = unpack(c.chunk.payload);
      if (!Array.isArray(v) || v.length !== 3 || !Array.isArray(v[1])) {
        throw new TraceError("checkpoint is not [index, users, snapshot]");
      }
      return {
        index: c.index,
        users: v[1].map((u, i) => readString(u, `checkpoint user ${i}`)),
        snapshot: loadValue(v[2], (r) => this.#blob(r)),
      };
    });
  }

  /** The event with index `i`. */
  event(i: number): TraceEvent {
    for (const ev of this.events(i, i + 1)) return ev;
    throw new RangeError(`no event ${i} (the trace has ${this.#eventCount})`);
  }

  /**
   * Events `from` (inclusive) to `to` (exclusive), decoded chunk by chunk.
   * Reading through to the end of a closed trace also checks its digest.
   */
  *events(from = 0, to: number = this.#eventCount): Generator<TraceEvent> {
    to = Math.min(to, this.#eventCount);
    if (from >= to) return;
    const hash = from === 0 && to === this.#eventCount && this.#end ? createHash("sha256") : null;
    for (let k = this.#chunkOf(from); k < this.#events.length; k++) {
      const e = this.#events[k];
      if (e.first >= to) break;
      const evs = _placed(e.chunk, e.index, () => this.#decodeEvents(e, hash));
      for (let i = Math.max(from, e.first); i < Math.min(to, e.first + e.count); i++) {
        yield evs[i - e.first];
      }
    }
    if (hash && hex(new Uint8Array(hash.digest())) !== hex(this.#end!.digest)) {
      throw new TraceError("the end chunk's digest does not match the events");
    }
  }

  #chunkOf(i: number): number {
    let lo = 0;
    let hi = this.#events.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#events[mid].first <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  #decodeEvents(e: _EventsChunk, hash: ReturnType<typeof createHash> | null): TraceEvent[] {
    const p = e.chunk.payload;
    const body = _body(e.chunk, _skipUint(p, _skipUint(p, 0)));
    hash?.update(body);
    const out: TraceEvent[] = [];
    unpackEach(body, (v) => {
      try {
        out.push(decodeEvent(v, (r) => this.#blob(r)));
      } catch (err) {
        if (err instanceof TraceError) {
          throw new TraceError(`event ${e.first + out.length}: ${err.message}`);
        }
        throw err;
      }
    });
    if (out.length !== e.count) {
      throw new TraceError(`holds ${out.length} events but says ${e.count}`);
    }
    return out;
  }

  #blob(ref: BlobRef): Uint8Array {
    const key = hex(ref.hash);
    const cached = this.#blobCache.get(key);
    if (cached) return cached;
    const c = this.#blobs.get(key);
    if (c === undefined) throw new TraceError(`refers to blob ${key}, which the trace lacks`);
    const data = _body(c, 32);
    if (hex(sha256(data)) !== key) throw new TraceError(`blob ${key} does not match its hash`);
    this.#blobCache.set(key, data);
    return data;
  }

  #nextChunk(): Chunk | undefined {
    const index = this.#chunks;
    const c = readChunk(this.#buf, this.#offset, index);
    if (c === undefined) return undefined;
    this.#offset = c.end;
    this.#chunks++;
    return c;
  }

  #scan(): void {
    for (;;) {
      const index = this.#chunks;
      if (this.#end !== undefined && this.#offset < this.#buf.length) {
        throw new TraceError("data after the end chunk", { chunk: index, offset: this.#offset });
      }
      const c = this.#nextChunk();
      if (c === undefined) return;
      _placed(c, index, () => this.#index(c, index));
    }
  }

  #index(c: Chunk, index: number): void {
    const p = c.payload;
    switch (c.kind) {
      case ChunkKind.events: {
        const [first, at] = _readUint(p, 0);
        const [count] = _readUint(p, at);
        if (first !== this.#eventCount) {
          throw new TraceError(
            `events chunk starts at event ${first}, expected ${this.#eventCount}`,
          );
        }
        this.#events.push({ first, count, chunk: c, index });
        this.#eventCount += count;
        return;
      }
      case ChunkKind.blob:
        if (p.length < 32) throw new TraceError("blob chunk shorter than its hash");
        this.#blobs.set(hex(p.subarray(0, 32)), c);
        return;
      case ChunkKind.checkpoint: {
        const v = unpack(p);
        const at = Array.isArray(v) ? readInt(v[0], "checkpoint index") : -1;
        if (at !== this.#eventCount) {
          throw new TraceError(`checkpoint at event ${at}, expected ${this.#eventCount}`);
        }
        this.#checkpoints.push({ index: at, chunk: c, chunkIndex: index });
        return;
      }
      case ChunkKind.end: {
        const v = unpack(p) as Record<string, unknown> | null;
        const events = readInt(v?.events, "end event count");
        if (events !== this.#eventCount) {
          throw new TraceError(
            `end chunk counts ${events} events, the trace holds ${this.#eventCount}`,
          );
        }
        if (!(v?.digest instanceof Uint8Array) || v.digest.length !== 32) {
          throw new TraceError("end chunk digest is not 32 bytes");
        }
        this.#end = { events, digest: v.digest.slice() };
        return;
      }
      case ChunkKind.header:
        throw new TraceError("a second header chunk");
      default:
        if (c.kind < 128) throw new TraceError(`unknown chunk kind ${c.kind}`);
    }
  }
}

/** Read and index the trace file at `path`. */
export function readTraceFile(path: string): TraceFile {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new TraceError("no such file");
    if (e instanceof Deno.errors.IsADirectory) throw new TraceError("is a directory");
    throw new TraceError(`cannot read: ${(e as Error).message}`);
  }
  return TraceFile.parse(bytes, path);
}

function _place(c: Chunk, index: number) {
  return { chunk: index, offset: c.offset };
}

/** Run `f`, giving any placeless TraceError it raises the chunk's place. */
function _placed<T>(c: Chunk, index: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TraceError && e.chunk === undefined) {
      throw new TraceError(e.message, _place(c, index));
    }
    throw e;
  }
}

/** The chunk's body after `skip` prefix bytes, inflated if flagged. */
function _body(c: Chunk, skip: number): Uint8Array {
  const body = c.payload.subarray(skip);
  if ((c.flags & FLAG_DEFLATE) === 0) return body;
  try {
    return new Uint8Array(inflateRawSync(body));
  } catch (e) {
    throw new TraceError(`cannot inflate body: ${(e as Error).message}`);
  }
}

/** Decode a msgpack unsigned int at `at`: [value, offset after it]. */
function _readUint(p: Uint8Array, at: number): [number, number] {
  const b = p[at];
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  if (b === undefined) throw new TraceError("events chunk prefix is cut short");
  if (b < 0x80) return [b, at + 1];
  const size = ({ 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8 } as Record<number, number>)[b];
  if (size === undefined || at + 1 + size > p.length) {
    throw new TraceError("events chunk prefix is not an unsigned int");
  }
  const n = size === 1
    ? p[at + 1]
    : size === 2
    ? v.getUint16(at + 1)
    : size === 4
    ? v.getUint32(at + 1)
    : readInt(v.getBigUint64(at + 1), "event index");
  return [n, at + 1 + size];
}

function _skipUint(p: Uint8Array, at: number): number {
  return _readUint(p, at)[1];
}

function _headerComplete(buf: Uint8Array): boolean {
  try {
    return readChunk(buf, 0, 0) !== undefined;
  } catch {
    return true; // let the constructor report what is wrong
  }
}

function _grow(a: Uint8Array, used: number, need: number): Uint8Array {
  const out = new Uint8Array(Math.max(need, a.length * 2));
  out.set(a.subarray(0, used));
  return out;
}

function _sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const id = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(id);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
