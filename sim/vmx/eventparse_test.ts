import { deepEqual } from "node:assert/strict";
import { rejects } from "../testdata/planerror.ts";
import { eventparse } from "./eventparse.ts";

const _E = (info: number, code = 0, ilen = 0) => ({ info, code, ilen });

Deno.test("eventparse: exception names are hardware exceptions (type 3)", () => {
  deepEqual(eventparse("#de"), _E(0x80000300));
  deepEqual(eventparse("#bp"), _E(0x80000303));
  deepEqual(eventparse("#of"), _E(0x80000304));
  deepEqual(eventparse("#gp"), _E(0x8000030d));
  deepEqual(eventparse("#pf"), _E(0x8000030e));
  deepEqual(eventparse("#ve"), _E(0x80000314));
});

Deno.test("eventparse: '#N' is a hardware exception, bare N an external interrupt", () => {
  deepEqual(eventparse("#14"), _E(0x8000030e));
  deepEqual(eventparse("#2"), _E(0x80000302));
  deepEqual(eventparse("#255"), _E(0x800003ff));
  deepEqual(eventparse("32"), _E(0x80000020));
  deepEqual(eventparse("0"), _E(0x80000000));
  deepEqual(eventparse("255"), _E(0x800000ff));
  deepEqual(eventparse("14"), _E(0x8000000e));
});

Deno.test("eventparse: bare 3 and 4 become type 3, other bare vectors do not", () => {
  deepEqual(eventparse("3"), _E(0x80000303));
  deepEqual(eventparse("4"), _E(0x80000304));
  deepEqual(eventparse("#3"), _E(0x80000303));
  deepEqual(eventparse("5"), _E(0x80000005));
  deepEqual(eventparse("3,1"), _E(0x80000b03, 1));
});

Deno.test("eventparse: strtoul quirks of the vector", () => {
  deepEqual(eventparse(""), _E(0x80000000));
  deepEqual(eventparse("#"), _E(0x80000300));
  deepEqual(eventparse(" 5"), _E(0x80000005));
  deepEqual(eventparse("+5"), _E(0x80000005));
  deepEqual(eventparse("007"), _E(0x80000007));
  // A C int: 2^31 and above are negative, pass "> 255" and are ORed in whole.
  deepEqual(eventparse("-1"), _E(0xffffffff));
  deepEqual(eventparse("#-1"), _E(0xffffffff));
  deepEqual(eventparse("-256"), _E(0xffffff00));
  deepEqual(eventparse("2147483648"), _E(0x80000000));
  deepEqual(eventparse("4294967299"), _E(0xffffffff));
  deepEqual(eventparse("-253"), _E(0xffffff03));
});

Deno.test("eventparse: CODE sets bit 11, even when empty", () => {
  deepEqual(eventparse("#gp,0"), _E(0x80000b0d, 0));
  deepEqual(eventparse("#gp,"), _E(0x80000b0d, 0));
  deepEqual(eventparse("#pf,0x2"), _E(0x80000b0e, 2));
  deepEqual(eventparse("#pf,0x2,"), _E(0x80000b0e, 2));
  deepEqual(eventparse("#gp,010"), _E(0x80000b0d, 8));
  deepEqual(eventparse("#gp, 7"), _E(0x80000b0d, 7));
  deepEqual(eventparse("#gp,-1"), _E(0x80000b0d, 0xffffffff));
  deepEqual(eventparse("#gp,0x1ffffffff"), _E(0x80000b0d, 0xffffffff));
  deepEqual(eventparse("14,5"), _E(0x8000080e, 5));
});

Deno.test("eventparse: ILEN after a second comma", () => {
  deepEqual(eventparse("#gp,0,2"), _E(0x80000b0d, 0, 2));
  deepEqual(eventparse("#gp, 1, 2"), _E(0x80000b0d, 1, 2));
  deepEqual(eventparse("#bp,,,1"), _E(0x80000303, 0, 1));
  deepEqual(eventparse("#bp,,"), _E(0x80000303));
  deepEqual(eventparse("#bp,,,"), _E(0x80000303));
  deepEqual(eventparse("#bp,,,0x10"), _E(0x80000303, 0, 16));
  deepEqual(eventparse("#bp,1,"), _E(0x80000b03, 1));
});

Deno.test("eventparse: refused with Ebadctl", () => {
  for (
    const s of [
      "#bp,,1", // the quirk: an empty CODE swallows one comma only
      "#bp,,,1,",
      "256",
      "#256",
      "2147483647",
      "bp", // names include the '#'
      "#BP",
      "#xx",
      "5 ",
      "0x5", // the vector is decimal
      "#gp,x",
      "#gp,0x", // strtoul stops before an x with no hex digit after it
      "#gp,08",
      "#gp,1,2,3",
      "#gp,1,x",
      "#gp,1,,",
      "#gp,1 ",
    ]
  ) {
    rejects(() => eventparse(s), "bad process or channel control request");
  }
});
