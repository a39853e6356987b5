import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import type { Dir } from "./dev.ts";
import { convD2M, convM2D, sizeD2M, statcheck, STATFIXLEN } from "./stat.ts";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));

// The #g entry of segment slot 1 ("vm.0", created by glenda): PATH(1, Qsegdir) = 9.
const segdir: Dir = {
  type: 0x67,
  dev: 0,
  qid: { path: 9, vers: 0, type: 0x80 },
  mode: 0x800001ff,
  atime: 0,
  mtime: 0,
  length: 0,
  name: "vm.0",
  uid: "glenda",
  gid: "glenda",
  muid: "glenda",
};
const segdirHex = "4500" + "6700" + "00000000" + "80" + "00000000" + "0900000000000000" +
  "ff010080" + "00000000" + "00000000" + "0000000000000000" + "0400766d2e30" +
  "0600676c656e6461".repeat(3);

Deno.test("convD2M packs the stat(5) layout little-endian", () => {
  assertEquals(STATFIXLEN, 49);
  assertEquals(sizeD2M(segdir), 71);
  assertEquals(hex(convD2M(segdir, 71)), segdirHex);
  assertEquals(hex(convD2M(segdir, 1000)), segdirHex);
});

Deno.test("convD2M: 64-bit fields and UTF-8 names", () => {
  const d = { ...segdir, qid: { path: 2 ** 40 + 5, vers: 7, type: 0 }, length: 2 ** 33 + 1 };
  d.name = "é";
  const b = convD2M(d, 100);
  assertEquals(
    hex(b.subarray(9, 41)),
    "07000000" + "0500000000010000" + "ff010080" +
      "00000000".repeat(2) + "0100000002000000",
  );
  assertEquals(hex(b.subarray(41, 45)), "0200c3a9");
});

Deno.test("convD2M: short buffers give nothing or the size alone", () => {
  assertEquals(convD2M(segdir, 0).length, 0);
  assertEquals(convD2M(segdir, 1).length, 0);
  for (const n of [2, 3, 49, 70]) assertEquals(hex(convD2M(segdir, n)), "4500");
});

Deno.test("convD2M: an entry too big for 9P is refused", () => {
  assertThrows(() => convD2M({ ...segdir, name: "x".repeat(70000) }, 1 << 20), RangeError);
});

Deno.test("convM2D unpacks what convD2M packs", () => {
  assertEquals(convM2D(unhex(segdirHex)), { dir: segdir, size: 71 });
  const d = { ...segdir, qid: { path: 2 ** 52 + 3, vers: 1, type: 0 }, name: "żółw", length: 9 };
  const b = convD2M(d, 200);
  const two = new Uint8Array(b.length * 2);
  two.set(b);
  two.set(b, b.length);
  assertEquals(convM2D(two.subarray(b.length)), { dir: d, size: b.length });
});

Deno.test("convM2D: truncated entries", () => {
  const b = unhex(segdirHex);
  assertEquals(convM2D(b.subarray(0, 48)), undefined);
  assertEquals(convM2D(b.subarray(0, 49)), undefined); // name count missing
  assertEquals(convM2D(b.subarray(0, 52)), undefined); // name cut
  assertEquals(convM2D(b.subarray(0, 70)), undefined); // muid cut
});

Deno.test("convM2D: a 64-bit field above 2^53 cannot be held", () => {
  const b = unhex(segdirHex);
  b[20] = 0x01; // qid.path high byte
  assertThrows(() => convM2D(b), RangeError);
});

Deno.test("statcheck", () => {
  const b = unhex(segdirHex);
  assertEquals(statcheck(b), true);
  assertEquals(statcheck(b.subarray(0, 48)), false);
  assertEquals(statcheck(b.subarray(0, 70)), false);
  const longer = new Uint8Array(72);
  longer.set(b);
  assertEquals(statcheck(longer), false); // count says 69
  longer[0] = 70;
  assertEquals(statcheck(longer), false); // strings end before the count
  const bad = b.slice();
  bad[41] = 0x05; // name count overruns into the next string
  assertEquals(statcheck(bad), false);
  const short = b.slice();
  short[56] = 0xff; // gid count runs past the end
  assertEquals(statcheck(short), false);
});
