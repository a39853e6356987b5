import { deepEqual, equal } from "node:assert/strict";
import { except, exitreasons } from "./exitreasons.ts";

Deno.test("exitreasons: 65 slots, holes at 35, 38 and 42", () => {
  equal(exitreasons.length, 65);
  equal(exitreasons.flatMap((n, i) => n === undefined ? [] : [i]).length, 62);
  deepEqual([35, 38, 42].map((i) => i in exitreasons), [false, false, false]);
  equal(exitreasons[0], "exc");
  equal(exitreasons[10], ".cpuid");
  equal(exitreasons[30], "io");
  equal(exitreasons[33], "entrystate");
  equal(exitreasons[36], ".mwait");
  equal(exitreasons[37], "monitortrap");
  equal(exitreasons[46], "gdtr_idtr");
  equal(exitreasons[48], "eptfault");
  equal(exitreasons[49], "eptinval");
  equal(exitreasons[64], ".xrstors");
  equal(exitreasons[65], undefined);
  equal(Object.isFrozen(exitreasons), true);
});

Deno.test("except: vectors 0-20, holes at 2, 9 and 15", () => {
  equal(except.length, 21);
  equal(
    except.flatMap((n, i) => n === undefined ? [] : [`${i}:${n}`]).join(" "),
    "0:#de 1:#db 3:#bp 4:#of 5:#br 6:#ud 7:#nm 8:#df 10:#ts 11:#np 12:#ss 13:#gp 14:#pf " +
      "16:#mf 17:#ac 18:#mc 19:#xm 20:#ve",
  );
  deepEqual([2, 9, 15].map((i) => i in except), [false, false, false]);
  equal(Object.isFrozen(except), true);
});
