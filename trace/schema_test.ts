import { deepEqual, equal, throws } from "node:assert/strict";
import { BlobRef, hex, pack, sha256, unpack } from "./codec.ts";
import {
  decodeDir,
  decodeEvent,
  decodeHeader,
  encodeDir,
  encodeEvent,
  encodeHeader,
  type EventStore,
  FORMAT_VERSION,
  OP_BY_NAME,
  OPS,
  type TraceEvent,
  type TraceHeader,
} from "./schema.ts";
import { storeValue } from "./value.ts";

const blobs = new Map<string, Uint8Array>();
const store: EventStore = {
  bytes: (b) => {
    if (b.length < 4) return b;
    const ref = new BlobRef(sha256(b));
    blobs.set(hex(ref.hash), b);
    return ref;
  },
  value: (v) => storeValue(v, (b) => store.bytes(b) as BlobRef, 4),
};
const blob = (r: BlobRef) => blobs.get(hex(r.hash))!;
const roundTrip = (ev: TraceEvent) => decodeEvent(unpack(pack(encodeEvent(ev, store))), blob);

const dir = {
  type: 0x58,
  dev: 0,
  qid: { path: 2 ** 40, vers: 3, type: 0x80 },
  mode: 0x80000000 | 0o550,
  atime: 0,
  mtime: 0,
  length: 0,
  name: "0",
  uid: "glenda",
  gid: "glenda",
  muid: "",
};

Deno.test("the operation table is indexed by code and by name", () => {
  OPS.forEach((s, i) => equal(s.code, i));
  equal(OP_BY_NAME.pwrite.code, 6);
  deepEqual(OPS.map((s) => s.name), [
    "proc",
    "open",
    "create",
    "read",
    "pread",
    "write",
    "pwrite",
    "seek",
    "close",
    "remove",
    "stat",
    "fstat",
  ]);
});

Deno.test("an event is the array [op, pid, ...args, status, result, note?]", () => {
  const ev: TraceEvent = {
    op: "open",
    pid: 0,
    args: ["#X/clone", 2],
    outcome: { status: "ok", value: 3 },
  };
  equal(hex(pack(encodeEvent(ev, store))), "960100a823582f636c6f6e6502" + "0003");
  const err: TraceEvent = {
    op: "close",
    pid: 1,
    args: [9],
    outcome: { status: "error", message: "x" },
  };
  deepEqual(encodeEvent(err, store), [8, 1, 9, 1, "x"]);
  const crash: TraceEvent = { ...err, outcome: { status: "crash", message: "y" }, note: { n: 1 } };
  deepEqual(encodeEvent(crash, store), [8, 1, 9, 2, "y", { n: 1 }]);
});

Deno.test("every operation survives encoding, large bytes through blobs", () => {
  const data = new Uint8Array([1, 2, 3, 4, 5]);
  const evs: TraceEvent[] = [
    { op: "proc", pid: 0, args: ["glenda"], outcome: { status: "ok", value: null } },
    { op: "open", pid: 0, args: ["#X/clone", 2], outcome: { status: "ok", value: 3 } },
    {
      op: "create",
      pid: 0,
      args: ["#g/vm", 0, 0x80000000 | 0o777],
      outcome: { status: "ok", value: 4 },
    },
    {
      op: "read",
      pid: 0,
      args: [3, 8192],
      outcome: { status: "ok", value: new Uint8Array([0x30]) },
    },
    { op: "pread", pid: 0, args: [3, 10, 2 ** 40], outcome: { status: "ok", value: data } },
    { op: "write", pid: 0, args: [3, data], outcome: { status: "ok", value: 5 } },
    { op: "pwrite", pid: 0, args: [3, data, 4096], outcome: { status: "ok", value: 5 } },
    { op: "seek", pid: 0, args: [3, -1, 1], outcome: { status: "ok", value: 2 ** 45 } },
    { op: "close", pid: 0, args: [3], outcome: { status: "ok", value: null } },
    {
      op: "remove",
      pid: 0,
      args: ["#X/0/ctl"],
      outcome: { status: "error", message: "file does not exist" },
    },
    {
      op: "stat",
      pid: 0,
      args: ["#X/0"],
      outcome: { status: "ok", value: dir },
      note: { icount: 2n ** 60n },
    },
    {
      op: "fstat",
      pid: 0,
      args: [4],
      outcome: { status: "crash", message: "TypeError: t" },
      note: data,
    },
  ];
  for (const ev of evs) deepEqual(roundTrip(ev), ev);
  equal(encodeEvent(evs[4], store)[6] instanceof BlobRef, true);
});

Deno.test("a Dir is an array of 13 fields", () => {
  equal(encodeDir(dir).length, 13);
  deepEqual(decodeDir(unpack(pack(encodeDir(dir)))), dir);
  throws(() => decodeDir([1, 2]), /^TraceError: Dir is not an array of 13$/);
  const bad = encodeDir(dir);
  bad[9] = 5;
  throws(() => decodeDir(bad), /^TraceError: Dir name is not a string$/);
  bad[9] = "x";
  bad[2] = "p";
  throws(() => decodeDir(bad), /^TraceError: Dir qid.path is not an integer$/);
});

Deno.test("decodeEvent refuses malformed events, saying what is wrong", () => {
  const cases: [unknown, RegExp][] = [
    [{}, /^TraceError: event is not an array$/],
    [[1, 0, 2], /event is not an array/],
    [[12, 0, 1, 0, null], /^TraceError: unknown operation code 12$/],
    [["open", 0, 1, 0, null], /unknown operation code open/],
    [[8, 0, 3, 0], /^TraceError: close event has 4 fields, not 5 or 6$/],
    [[8, 0, 3, 0, null, 1, 2], /close event has 7 fields/],
    [[8, 0, 3, 3, null], /^TraceError: close event has bad status 3$/],
    [[8, 0, 3, 0, 1], /^TraceError: close result is not nil$/],
    [[8, 0, 3, 1, 5], /^TraceError: close error is not a string$/],
    [[8, "0", 3, 0, null], /^TraceError: pid is not an integer$/],
    [[1, 0, 5, 0, 0, 3], /^TraceError: path is not a string$/],
    [[5, 0, 3, "data", 0, 4], /^TraceError: data is not bytes$/],
    [[3, 0, 3, 1, 0, 7], /^TraceError: read result is not bytes$/],
    [
      [4, 0, 3, 1, 2n ** 60n, 0, new Uint8Array()],
      /^TraceError: offset 1152921504606846976 does not fit/,
    ],
    [[7, 0, 3, 0, 0, 0, 1.5], /^TraceError: seek result is not an integer$/],
  ];
  for (const [v, re] of cases) throws(() => decodeEvent(v, blob), re);
});

const header: TraceHeader = {
  format: FORMAT_VERSION,
  tool: "vmxsim 9",
  backend: { name: "vmxsim", version: "1", config: { cr4: 0x2000n, ids: [1, 2] } },
  seed: 2n ** 40n,
  argv: ["a", "b"],
  info: { path: "3:1" },
};

Deno.test("the header is a map and survives encoding", () => {
  const m = encodeHeader(header);
  deepEqual(Object.keys(m), ["format", "tool", "backend", "argv", "seed", "info"]);
  deepEqual(decodeHeader(unpack(pack(m))), header);
  const plain = { format: 1, tool: "t", backend: { name: "n", version: "v" }, argv: [] };
  deepEqual(decodeHeader(unpack(pack(encodeHeader(plain)))), plain);
  deepEqual(decodeHeader(unpack(pack(encodeHeader({ ...plain, seed: 7 })))), { ...plain, seed: 7 });
});

Deno.test("the header keeps bytes inline, however large", () => {
  const info = new Uint8Array(1 << 16);
  deepEqual(decodeHeader(unpack(pack(encodeHeader({ ...header, info })))).info, info);
});

Deno.test("decodeHeader checks the version first, then the fields", () => {
  const m = () => ({ ...encodeHeader(header) }) as Record<string, unknown>;
  const cases: [unknown, RegExp][] = [
    [null, /^TraceError: header is not a map$/],
    [[1], /header is not a map/],
    [
      { ...m(), format: 2, backend: 0 },
      /^TraceError: format version 2 is not supported \(this tool reads version 1\)$/,
    ],
    [{ ...m(), format: undefined }, /format version undefined is not supported/],
    [{ ...m(), backend: null }, /^TraceError: header backend is not a map$/],
    [{ ...m(), backend: { name: 1 } }, /^TraceError: backend name is not a string$/],
    [{ ...m(), argv: "x" }, /^TraceError: header argv is not an array$/],
    [{ ...m(), argv: [1] }, /^TraceError: argv\[0\] is not a string$/],
    [{ ...m(), seed: 1.5 }, /^TraceError: header seed is not an integer$/],
    [{ ...m(), tool: 3 }, /^TraceError: header tool is not a string$/],
    [{ ...m(), info: new BlobRef(new Uint8Array(32)) }, /^TraceError: header refers to a blob$/],
  ];
  for (const [v, re] of cases) throws(() => decodeHeader(v), re);
});
