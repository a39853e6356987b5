import assert from "node:assert/strict";
import fc from "fast-check";
import { GuestRam } from "../cpu/mod.ts";
import { PlanError } from "../ns/mod.ts";
import { type SegAttach, type SegmentRef, UNMAP_LIMIT, VmMemMap } from "./meminfo.ts";
import { errstrOf } from "../testdata/planerror.ts";

const P = 4096;

function seg(name: string, pages: number, type: SegmentRef["type"] = "sticky"): SegmentRef {
  const base = 0x10000000n;
  return { name, type, base, top: base + BigInt(pages * P), ram: new GuestRam(pages * P) };
}

/** Segments vm.0 (16 pages), b (4 pages), sh (shared, 4 pages), fx (fixed, 2 pages). */
function world(): { map: VmMemMap; segs: Record<string, SegmentRef>; attach: SegAttach } {
  const segs: Record<string, SegmentRef> = {
    "vm.0": seg("vm.0", 16),
    b: seg("b", 4),
    sh: seg("sh", 4, "shared"),
    fx: seg("fx", 2, "fixed"),
  };
  const attach = (name: string) => {
    if (name === "nova") throw new PlanError("global segment not assigned a virtual address");
    return Object.hasOwn(segs, name) ? segs[name] : undefined;
  };
  return { map: new VmMemMap(), segs, attach };
}

/** Per page: [segment name, offset, attr] or undefined. */
function pages(map: VmMemMap, n: number, segs: Record<string, SegmentRef>) {
  const names = new Map(Object.values(segs).map((s) => [s.ram, s.name]));
  return Array.from({ length: n }, (_, p) => {
    const e = map.lookupPage(p);
    return e === undefined ? undefined : [names.get(e.ram), e.offset, e.attr];
  });
}

Deno.test("a line maps its pages and reads back", () => {
  const { map, segs, attach } = world();
  assert.equal(map.setmeminfo("rwx wb 0x0 0x3000 vm.0 0x1000\n", attach), 30);
  assert.equal(map.getmeminfo(), "rwx wb 0x0 0x3000 vm.0 0x1000\n");
  assert.deepEqual(pages(map, 4, segs), [
    ["vm.0", 0x1000, 0x437],
    ["vm.0", 0x2000, 0x437],
    ["vm.0", 0x3000, 0x437],
    undefined,
  ]);
  assert.equal(map.lookupPage(0)!.ram, segs["vm.0"].ram);
});

Deno.test("bytes consumed stop at the last newline; blank lines are skipped", () => {
  const { map, attach } = world();
  const text = "\n  \t\nr uc 0 0x1000 b 0\nrw wb 0x1000 0x2000 b 0x1000";
  assert.equal(map.setmeminfo(text, attach), 23);
  assert.equal(map.getmeminfo(), "r-- uc 0x0 0x1000 b 0x0\n");
  assert.equal(map.setmeminfo("", attach), 0);
  assert.equal(map.setmeminfo("rw wb 0x1000 0x2000 b 0x1000", attach), 0);
});

Deno.test("attribute bits: access, memory type, ignore-PAT, user execute", () => {
  const { map, attach } = world();
  const types = ["uc", "wc", "02", "03", "wt", "wp", "wb", "07"];
  const text = types.map((t, i) =>
    `${["r", "w", "x"][i % 3]} ${t}${i & 1 ? "!" : ""} ${i * P} ${(i + 1) * P} vm.0 ${2 * i * P}\n`
  )
    .join("");
  map.setmeminfo(text, attach);
  assert.deepEqual(
    Array.from({ length: 8 }, (_, i) => map.lookupPage(i)!.attr),
    [0x01, 0x4a, 0x414, 0x59, 0x22, 0x46c, 0x31, 0x7a],
  );
  assert.equal(
    map.getmeminfo(),
    "r-- uc 0x0 0x1000 vm.0 0x0\n" +
      "-w- wc! 0x1000 0x2000 vm.0 0x2000\n" +
      "--x 02 0x2000 0x3000 vm.0 0x4000\n" +
      "r-- 03! 0x3000 0x4000 vm.0 0x6000\n" +
      "-w- wt 0x4000 0x5000 vm.0 0x8000\n" +
      "--x wp! 0x5000 0x6000 vm.0 0xa000\n" +
      "r-- wb 0x6000 0x7000 vm.0 0xc000\n" +
      "-w- 07! 0x7000 0x8000 vm.0 0xe000\n",
  );
});

Deno.test("access letters in any order, '-' anywhere, quoting and number syntax", () => {
  const { map, attach } = world();
  map.setmeminfo("x-w-r wb 010000 8192 'vm.0' +0x3000\n", attach);
  assert.equal(map.getmeminfo(), "rwx wb 0x1000 0x2000 vm.0 0x3000\n");
  // An empty quoted number parses as 0 (strtoull stops at once, on the NUL).
  map.setmeminfo("r wb '' 0x1000 b ''\n", attach);
  assert.equal(map.getmeminfo(), "r-- wb 0x0 0x1000 b 0x0\nrwx wb 0x1000 0x2000 vm.0 0x3000\n");
});

Deno.test("a later line overrides the middle of a piece, splitting it", () => {
  const { map, attach } = world();
  map.setmeminfo("rwx wb 0 0x4000 vm.0 0\nr uc 0x1000 0x2000 b 0x3000\n", attach);
  assert.equal(
    map.getmeminfo(),
    "rwx wb 0x0 0x1000 vm.0 0x0\nr-- uc 0x1000 0x2000 b 0x3000\nrwx wb 0x2000 0x4000 vm.0 0x2000\n",
  );
});

Deno.test("overrides at the head, the tail and across pieces", () => {
  const { map, attach } = world();
  map.setmeminfo("rwx wb 0 0x4000 vm.0 0\nrw wb 0x4000 0x8000 b 0\n", attach);
  map.setmeminfo("r uc 0 0x1000 vm.0 0x8000\n", attach);
  map.setmeminfo("r uc 0x7000 0x9000 vm.0 0xa000\n", attach);
  map.setmeminfo("x wt 0x3000 0x5000 vm.0 0xd000\n", attach);
  assert.equal(
    map.getmeminfo(),
    "r-- uc 0x0 0x1000 vm.0 0x8000\n" +
      "rwx wb 0x1000 0x3000 vm.0 0x1000\n" +
      "--x wt 0x3000 0x5000 vm.0 0xd000\n" +
      "rw- wb 0x5000 0x7000 b 0x1000\n" +
      "r-- uc 0x7000 0x9000 vm.0 0xa000\n",
  );
});

Deno.test("an all-'-' line unmaps, leaving a boundary", () => {
  const { map, segs, attach } = world();
  map.setmeminfo("rwx wb 0 0x4000 vm.0 0\n--- wb 0x1000 0x2000\n", attach);
  assert.equal(map.getmeminfo(), "rwx wb 0x0 0x1000 vm.0 0x0\nrwx wb 0x2000 0x4000 vm.0 0x2000\n");
  assert.deepEqual(pages(map, 3, segs).map((p) => p?.[1]), [0, undefined, 0x2000]);
  // Six fields are fine without access; the segment is not even looked up.
  map.setmeminfo("- uc 0x2000 0x3000 nosuch junk\n", attach);
  assert.equal(map.getmeminfo(), "rwx wb 0x0 0x1000 vm.0 0x0\nrwx wb 0x3000 0x4000 vm.0 0x3000\n");
  map.setmeminfo("'' uc 0 0x10000\n", attach);
  assert.equal(map.getmeminfo(), "");
  assert.deepEqual(pages(map, 4, segs), [undefined, undefined, undefined, undefined]);
});

Deno.test("unmapping an empty map leaves it empty", () => {
  const { map, attach } = world();
  map.setmeminfo("--- uc 0x1000 0x2000\n", attach);
  assert.equal(map.getmeminfo(), "");
  map.setmeminfo("rw wb 0x3000 0x4000 b 0\n", attach);
  assert.equal(map.getmeminfo(), "rw- wb 0x3000 0x4000 b 0x0\n");
});

Deno.test("adjacent pieces of one segment at consecutive offsets merge, keeping the first's attributes", () => {
  const { map, segs, attach } = world();
  map.setmeminfo("rwx wb 0 0x1000 vm.0 0\nr uc! 0x1000 0x3000 vm.0 0x1000\n", attach);
  assert.equal(map.getmeminfo(), "rwx wb 0x0 0x3000 vm.0 0x0\n");
  // Each page keeps the attributes of the line that mapped it.
  assert.deepEqual(pages(map, 3, segs).map((p) => p?.[2]), [0x437, 0x41, 0x41]);
  // A line before it merges the other way: the new line is first now.
  map.setmeminfo("w wt 0x0 0x1000 vm.0 0\n", attach);
  assert.equal(map.getmeminfo(), "-w- wt 0x0 0x3000 vm.0 0x0\n");
});

Deno.test("the tail of a merged piece keeps the merged attributes when its head is replaced", () => {
  const { map, segs, attach } = world();
  map.setmeminfo("rwx wb 0 0x1000 vm.0 0\nr uc 0x1000 0x3000 vm.0 0x1000\n", attach);
  map.setmeminfo("w wt 0 0x1000 b 0\n", attach);
  assert.equal(map.getmeminfo(), "-w- wt 0x0 0x1000 b 0x0\nrwx wb 0x1000 0x3000 vm.0 0x1000\n");
  assert.deepEqual(pages(map, 3, segs).map((p) => p?.[2]), [0x22, 0x01, 0x01]);
});

Deno.test("no merge across other offsets, other segments or a boundary", () => {
  const { map, attach } = world();
  map.setmeminfo("rw wb 0 0x1000 vm.0 0\nrw wb 0x1000 0x2000 vm.0 0x2000\n", attach);
  map.setmeminfo("rw wb 0x2000 0x3000 b 0x1000\nrw wb 0x3000 0x4000 vm.0 0x3000\n", attach);
  assert.equal(
    map.getmeminfo(),
    "rw- wb 0x0 0x1000 vm.0 0x0\n" +
      "rw- wb 0x1000 0x2000 vm.0 0x2000\n" +
      "rw- wb 0x2000 0x3000 b 0x1000\n" +
      "rw- wb 0x3000 0x4000 vm.0 0x3000\n",
  );
  const m2 = world();
  m2.map.setmeminfo("r wb 0 0x1000 vm.0 0\nr wb 0x2000 0x3000 vm.0 0x2000\n", m2.attach);
  assert.equal(
    m2.map.getmeminfo(),
    "r-- wb 0x0 0x1000 vm.0 0x0\nr-- wb 0x2000 0x3000 vm.0 0x2000\n",
  );
  // Filling the gap joins all three.
  m2.map.setmeminfo("w uc 0x1000 0x2000 vm.0 0x1000\n", m2.attach);
  assert.equal(m2.map.getmeminfo(), "r-- wb 0x0 0x3000 vm.0 0x0\n");
});

Deno.test("the same segment found under a second name: pieces merge by segment, print their own names", () => {
  const { map, segs } = world();
  const attach = (n: string) => (n === "alias" ? segs.b : segs[n]);
  map.setmeminfo(
    "r wb 0 0x1000 alias 0\nr wb 0x1000 0x2000 b 0x1000\nr wb 0x3000 0x4000 b 0\n",
    attach,
  );
  assert.equal(map.getmeminfo(), "r-- wb 0x0 0x2000 alias 0x0\nr-- wb 0x3000 0x4000 b 0x0\n");
});

Deno.test("segment names print as %s prints bytes: UTF-8 kept, a bad byte as U+FFFD", () => {
  const { map, segs } = world();
  const attach = (n: string) => (n.startsWith("x") ? segs.b : undefined);
  map.setmeminfo("r wb 0 0x1000 x\xc3\xa9 0\nr wb 0x2000 0x3000 x\xffyzzz 0\n", attach);
  assert.equal(
    map.getmeminfo(),
    "r-- wb 0x0 0x1000 x\xc3\xa9 0x0\nr-- wb 0x2000 0x3000 x\xef\xbf\xbdyzzz 0x0\n",
  );
});

Deno.test("errors, in devvmx's order", () => {
  const { map, attach } = world();
  const cases: [string, string][] = [
    ["r wb 0", "number of fields wrong"],
    ["r wb 0 0x1000 vm.0", "number of fields wrong"],
    ["r wb 0 0x1000 vm.0 0 0", "number of fields wrong"],
    ["a b c d e f g h i j k l", "number of fields wrong"],
    ["rr wb 0 0x1000 vm.0 0", "invalid access field"],
    ["ww wb 0 0x1000 vm.0 0", "invalid access field"],
    ["xrx wb 0 0x1000 vm.0 0", "invalid access field"],
    ["R wb 0 0x1000 vm.0 0", "invalid access field"],
    ["rwq bad bad bad", "invalid access field"],
    ["r w 0 0x1000 vm.0 0", "invalid memory type"],
    ["r '' 0 0x1000 vm.0 0", "invalid memory type"],
    ["r WB 0 0x1000 vm.0 0", "invalid memory type"],
    ["r wbx 0 0x1000 vm.0 0", "invalid memory type"],
    ["r wb!! 0 0x1000 vm.0 0", "invalid memory type"],
    ["r 04 0 0x1000 vm.0 0", "invalid memory type"],
    ["r wb 0x800 0x1000 vm.0 0", "invalid low guest physical address"],
    ["r wb 0x1000000000000 0x1000 vm.0 0", "invalid low guest physical address"],
    ["r wb 0x1000z 0x2000 vm.0 0", "invalid low guest physical address"],
    ["r wb -0x1000 0x2000 vm.0 0", "invalid low guest physical address"],
    ["r wb 0x 0x2000 vm.0 0", "invalid low guest physical address"],
    ["r wb 0x1000 0x1800 vm.0 0", "invalid high guest physical address"],
    ["r wb 0x1000 0x1000 vm.0 0", "invalid high guest physical address"],
    ["r wb 0x2000 0x1000 vm.0 0", "invalid high guest physical address"],
    ["r wb 0x1000 0x1000000000000 vm.0 0", "invalid high guest physical address"],
    ["r wb 0x1000 0x99999999999999999999 vm.0 0", "invalid high guest physical address"],
    ["r wb 0 0x1000", "number of fields wrong"],
    ["r wb 0 0x1000 nosuch 0", "no such segment"],
    ["r wb 0 0x1000 nova 0", "global segment not assigned a virtual address"],
    ["r wb 0 0x5000 b 0", "out of bounds"],
    // Bounds are checked before the offset is even parsed.
    ["r wb 0 0x5000 b junk", "out of bounds"],
    ["r wb 0 0x1000 b junk", "invalid offset"],
    ["r wb 0 0x1000 b 0x800", "invalid offset"],
    ["r wb 0 0x1000 b 0x1000000000000", "invalid offset"],
    ["r wb 0 0x1000 sh 0", "the front fell off"],
    ["r wb 0 0x2000 b 0x3000", "the front fell off"],
    ["r wb 0 0x1000 b 0xfffffffff000", "the front fell off"],
  ];
  for (const [line, want] of cases) {
    assert.equal(errstrOf(() => map.setmeminfo(line + "\n", attach)), want, line);
  }
  assert.equal(map.getmeminfo(), "");
  assert.equal(map.generation, 0);
});

Deno.test("a fixed segment maps; its full size is in bounds", () => {
  const { map, attach } = world();
  map.setmeminfo("rw wb 0 0x2000 fx 0\n", attach);
  assert.equal(map.getmeminfo(), "rw- wb 0x0 0x2000 fx 0x0\n");
});

Deno.test("lines before a failing line stay applied, lines after it are not", () => {
  const { map, attach } = world();
  const text = "r wb 0 0x1000 b 0\nr wb 0x1000 0x2000 nosuch 0\nr wb 0x2000 0x3000 b 0\n";
  assert.equal(errstrOf(() => map.setmeminfo(text, attach)), "no such segment");
  assert.equal(map.getmeminfo(), "r-- wb 0x0 0x1000 b 0x0\n");
});

Deno.test("generation moves with every EPT change and with clear", () => {
  const { map, attach } = world();
  assert.equal(map.generation, 0);
  map.setmeminfo("r wb 0 0x1000 b 0\n--- wb 0x5000 0x6000\n", attach);
  assert.equal(map.generation, 2);
  errstrOf(() => map.setmeminfo("r wb 0 0x1000 sh 0\n", attach));
  assert.equal(map.generation, 2);
  map.clear();
  assert.equal(map.generation, 3);
});

Deno.test("clear drops pieces and EPT entries", () => {
  const { map, attach } = world();
  map.setmeminfo("rwx wb 0 0x4000 vm.0 0\n", attach);
  map.clear();
  assert.equal(map.getmeminfo(), "");
  assert.equal(map.lookupPage(0), undefined);
  map.setmeminfo("r wb 0x1000 0x2000 b 0\n", attach);
  assert.equal(map.getmeminfo(), "r-- wb 0x1000 0x2000 b 0x0\n");
});

Deno.test("large unmaps: up to UNMAP_LIMIT bytes, beyond it not modeled", () => {
  const { map, attach } = world();
  map.setmeminfo("rwx wb 0x0 0x2000 vm.0 0\nr wb 0xfff000 0x1000000 b 0\n", attach);
  map.setmeminfo(`--- wb 0x1000 ${UNMAP_LIMIT + 0x1000}\n`, attach);
  assert.equal(map.getmeminfo(), "rwx wb 0x0 0x1000 vm.0 0x0\n");
  assert.equal(map.lookupPage(0xfff), undefined);
  assert.throws(
    () => map.setmeminfo(`--- wb 0 ${UNMAP_LIMIT + 0x1000}\n`, attach),
    (e: Error) =>
      e instanceof PlanError && e.errstr === "unimplemented: unmapping 0x1000001000 bytes at once",
  );
});

Deno.test("getmeminfo cuts its text to the buffer as seprint does", () => {
  const { map, attach } = world();
  map.setmeminfo("r wb 0 0x1000 b 0\nw wb 0x1000 0x2000 vm.0 0\n", attach);
  const all = map.getmeminfo();
  assert.equal(map.getmeminfo(4096), all);
  assert.equal(map.getmeminfo(30), all.slice(0, 29));
  assert.equal(map.getmeminfo(1), "");
});

// Property: the piece list and the EPT against a page-array model. The model
// keeps, per page, what maps it and the attributes the list shows for it; the
// list is the maximal runs of pages of one segment at consecutive offsets, and
// a run shows its first page's attributes.

interface _RefPage {
  seg: string;
  off: number;
  attr: number;
  shown: number;
}

const _N = 12;
const _SEGPAGES: Record<string, number> = { "vm.0": 16, b: 4, sh: 4 };

/** Apply `l` to the model; the error it raises, if any. */
function _refapply(ref: (_RefPage | undefined)[], l: _Line): string | undefined {
  if (l.access === 0) {
    for (let p = l.lo; p < l.lo + l.len; p++) ref[p] = undefined;
  } else {
    if (l.len > _SEGPAGES[l.seg]) return "out of bounds";
    if (l.seg === "sh" || l.off + l.len > _SEGPAGES[l.seg]) return "the front fell off";
    const attr = (l.access & 3) | (l.access & 4 ? 0x404 : 0) | l.mt << 3 | (l.bang ? 0x40 : 0);
    for (let i = 0; i < l.len; i++) {
      ref[l.lo + i] = { seg: l.seg, off: (l.off + i) * P, attr, shown: attr };
    }
  }
  let first: _RefPage | undefined;
  for (let p = 0; p < _N; p++) {
    const e = ref[p], prev = ref[p - 1];
    if (e === undefined) continue;
    if (prev === undefined || prev.seg !== e.seg || prev.off + P !== e.off) first = e;
    else e.shown = first!.shown;
  }
  return undefined;
}

function _reftext(ref: (_RefPage | undefined)[]): string {
  const mt = ["uc", "wc", "02", "03", "wt", "wp", "wb", "07"];
  let s = "";
  for (let p = 0; p < _N; p++) {
    const e = ref[p], prev = ref[p - 1];
    if (e === undefined || (prev !== undefined && prev.seg === e.seg && prev.off + P === e.off)) {
      continue;
    }
    let q = p + 1;
    while (
      q < _N && ref[q] !== undefined && ref[q]!.seg === e.seg && ref[q]!.off === e.off + (q - p) * P
    ) q++;
    const a = e.shown;
    const acc = (a & 1 ? "r" : "-") + (a & 2 ? "w" : "-") + (a & 4 ? "x" : "-");
    s +=
      `${acc} ${mt[a >> 3 & 7]}${a & 0x40 ? "!" : ""} 0x${(p * P).toString(16)} 0x${
        (q * P).toString(16)
      } ` +
      `${e.seg} 0x${e.off.toString(16)}\n`;
  }
  return s;
}

interface _Line {
  lo: number;
  len: number;
  access: number;
  mt: number;
  bang: boolean;
  seg: string;
  off: number;
}

function _linetext(l: _Line): string {
  const acc = (l.access & 1 ? "r" : "") + (l.access & 2 ? "w" : "") + (l.access & 4 ? "x" : "") ||
    "---";
  const mt = ["uc", "wc", "02", "03", "wt", "wp", "wb", "07"][l.mt] + (l.bang ? "!" : "");
  const range = `${acc} ${mt} ${fmtHex(l.lo * P)} ${fmtHex((l.lo + l.len) * P)}`;
  return l.access === 0 ? range + "\n" : `${range} ${l.seg} ${fmtHex(l.off * P)}\n`;
}

function fmtHex(n: number): string {
  return "0x" + n.toString(16);
}

const _line: fc.Arbitrary<_Line> = fc.integer({ min: 0, max: _N - 1 }).chain((lo) =>
  fc.record({
    lo: fc.constant(lo),
    len: fc.integer({ min: 1, max: _N - lo }),
    access: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7 }), fc.constant(7)),
    mt: fc.integer({ min: 0, max: 7 }),
    bang: fc.boolean(),
    seg: fc.constantFrom("vm.0", "vm.0", "b", "sh"),
    off: fc.integer({ min: 0, max: 16 }),
  })
);

Deno.test("property: piece list and EPT agree with a page-array model", () => {
  fc.assert(
    fc.property(fc.array(_line, { minLength: 1, maxLength: 14 }), (lines) => {
      const { map, segs, attach } = world();
      const ref: (_RefPage | undefined)[] = new Array(_N).fill(undefined);
      for (const l of lines) {
        const err = _refapply(ref, l);
        if (err === undefined) map.setmeminfo(_linetext(l), attach);
        else assert.equal(errstrOf(() => map.setmeminfo(_linetext(l), attach)), err);
      }
      assert.equal(map.getmeminfo(), _reftext(ref));
      assert.deepEqual(pages(map, _N + 1, segs), [
        ...ref.map((e) => e && [e.seg, e.off, e.attr]),
        undefined,
      ]);
    }),
    { seed: 0x5eed, numRuns: 3000 },
  );
});
