import assert from "node:assert/strict";
import {
  checkHello,
  decodeResults,
  encodeBatch,
  NATIVE_CODE_ADDR,
  type NativeCase,
  resultBytes,
} from "./native_protocol.ts";

const CASE: NativeCase = {
  code: new Uint8Array([0x90, 0xcc, 0x0f]),
  regs: BigUint64Array.from({ length: 16 }, (_, i) => BigInt(i) * 0x1_0000_0001n),
  rflags: 0x8d5n,
  mem: [{ addr: 0x1000_0004n, bytes: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) }],
};

Deno.test("encodeBatch lays out header, case, padded code and padded region", () => {
  const out = encodeBatch([CASE], 50_000);
  const v = new DataView(out.buffer);
  assert.equal(out.length, 16 + 144 + 8 + 16 + 16);
  assert.deepEqual([0, 4, 8, 12].map((o) => v.getUint32(o, true)), [0x31425856, 1, 50_000, 0]);
  assert.equal(v.getUint32(16, true), 3);
  assert.equal(v.getUint32(20, true), 1);
  assert.equal(v.getBigUint64(24 + 8 * 5, true), 0x5_0000_0005n);
  assert.equal(v.getBigUint64(152, true), 0x8d5n);
  assert.deepEqual([...out.subarray(160, 168)], [0x90, 0xcc, 0x0f, 0, 0, 0, 0, 0]);
  assert.equal(v.getBigUint64(168, true), 0x1000_0004n);
  assert.equal(v.getUint32(176, true), 9);
  assert.deepEqual([...out.subarray(184, 200)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("resultBytes counts headers and padded regions", () => {
  assert.equal(resultBytes([]), 0);
  assert.equal(resultBytes([CASE, { ...CASE, mem: [] }]), 176 + 16 + 176);
});

/** A runner answer for CASE: a header with the given kind and fields, then the region bytes. */
function _answer(kind: number, fill: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(resultBytes([CASE]));
  const v = new DataView(out.buffer);
  v.setUint32(0, kind, true);
  fill(v);
  out.set([9, 8, 7, 6, 5, 4, 3, 2, 1], 176);
  return out;
}

Deno.test("decodeResults reads an ok result without fault fields", () => {
  const [r] = decodeResults(
    _answer(0, (v) => {
      v.setBigUint64(32, NATIVE_CODE_ADDR + 3n, true);
      v.setBigUint64(40 + 8 * 15, 0xffff_ffff_ffff_fff0n, true);
      v.setBigUint64(168, 0x246n, true);
    }),
    [CASE],
  );
  assert.deepEqual(Object.keys(r), ["kind", "regs", "rflags", "rip", "mem"]);
  assert.equal(r.kind, "ok");
  assert.equal(r.regs[15], 0xffff_ffff_ffff_fff0n);
  assert.equal(r.rflags, 0x246n);
  assert.equal(r.rip, NATIVE_CODE_ADDR + 3n);
  assert.equal(r.mem[0].addr, 0x1000_0004n);
  assert.deepEqual([...r.mem[0].bytes], [9, 8, 7, 6, 5, 4, 3, 2, 1]);
});

Deno.test("decodeResults reads fault fields; faultRip is signed", () => {
  const [r] = decodeResults(
    _answer(1, (v) => {
      v.setUint32(4, 11, true);
      v.setInt32(8, -6, true);
      v.setUint32(12, 14, true);
      v.setBigUint64(16, 6n, true);
      v.setBigUint64(24, 0xdead_0000n, true);
      v.setBigUint64(32, NATIVE_CODE_ADDR - 16n, true);
    }),
    [CASE],
  );
  assert.equal(r.kind, "fault");
  assert.equal(r.signal, 11);
  assert.equal(r.siCode, -6);
  assert.equal(r.trapno, 14);
  assert.equal(r.errorCode, 6n);
  assert.equal(r.faultAddr, 0xdead_0000n);
  assert.equal(r.faultRip, -16n);
  assert.equal(decodeResults(_answer(2, () => {}), [CASE])[0].kind, "timeout");
});

Deno.test("decodeResults throws for unmappable regions and unknown kinds", () => {
  const bad = _answer(3, (v) => {
    v.setBigUint64(16, 17n, true);
    v.setBigUint64(24, 0x40_0000n, true);
  });
  assert.throws(
    () => decodeResults(bad, [CASE]),
    /^Error: native case 0: cannot map the region page at 0x400000: errno 17 /,
  );
  assert.throws(
    () => decodeResults(_answer(9, () => {}), [CASE]),
    /^Error: native case 0: runner sent unknown kind 9$/,
  );
});

Deno.test("checkHello accepts the runner's hello and rejects anything else", () => {
  const hello = new Uint8Array(16);
  const v = new DataView(hello.buffer);
  v.setUint32(0, 0x31485856, true);
  v.setUint32(4, 1, true);
  v.setBigUint64(8, NATIVE_CODE_ADDR, true);
  checkHello(hello);
  v.setUint32(4, 2, true);
  assert.throws(
    () => checkHello(hello),
    /^Error: native runner speaks another protocol: magic 0x31485856, version 2, code at 0x20000000$/,
  );
});
