import { equal } from "node:assert/strict";
import { Field } from "../cpu/mod.ts";
import { MapFields } from "./testdata/fields.ts";
import { cmdwait, type ExitFields, formatack, formatexit } from "./waitline.ts";

const _BASE: ExitFields = Object.freeze({
  reason: 0,
  qualification: 0n,
  intrinfo: 0,
  intrcode: 0,
  rip: 0n,
  rsp: 0n,
  ilen: 0,
  iinfo: 0,
  guestva: 0n,
  guestpa: 0n,
  rax: 0n,
});

const _exit = (e: Partial<ExitFields>) => formatexit({ ..._BASE, ...e });

Deno.test("formatexit: named reasons, all numbers %#llux", () => {
  equal(
    _exit({ reason: 12, rip: 0x100005n, rsp: 0x7000n, ilen: 1 }),
    ".hlt 0x0 pc 0x100005 sp 0x7000 ilen 0x1 iinfo 0x0\n",
  );
  equal(
    _exit({ reason: 10, rip: 0xffffffff80001000n, ilen: 2 }),
    ".cpuid 0x0 pc 0xffffffff80001000 sp 0x0 ilen 0x2 iinfo 0x0\n",
  );
  equal(
    _exit({ reason: 37, qualification: 0n, rip: 0x10n }),
    "monitortrap 0x0 pc 0x10 sp 0x0 ilen 0x0 iinfo 0x0\n",
  );
  equal(
    _exit({ reason: 28, qualification: 0x104n, ilen: 3, iinfo: 0x7 }),
    "movcr 0x104 pc 0x0 sp 0x0 ilen 0x3 iinfo 0x7\n",
  );
});

Deno.test("formatexit: unnamed reasons print ?N with the low 16 bits", () => {
  equal(_exit({ reason: 35 }), "?35 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
  equal(_exit({ reason: 65 }), "?65 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
  equal(_exit({ reason: 0x1002a }), "?42 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
  equal(_exit({ reason: 0x10001 }), "extirq 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
});

Deno.test("formatexit: ! for entry failures (bit 31)", () => {
  equal(
    _exit({ reason: 0x80000021, qualification: 0n, rip: 0xfff0n }),
    "!entrystate 0x0 pc 0xfff0 sp 0x0 ilen 0x0 iinfo 0x0\n",
  );
  equal(
    _exit({ reason: 0x80000022, qualification: 2n }),
    "!entrymsr 0x2 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n",
  );
  equal(_exit({ reason: 0x80000029 }), "!mcheck 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
});

Deno.test("formatexit: exception exits name the vector; excode with bit 11", () => {
  equal(
    _exit({ reason: 0, intrinfo: 0x80000b0d, intrcode: 0x18, rip: 0x1000n, ilen: 2 }),
    "#gp 0x0 pc 0x1000 sp 0x0 ilen 0x2 iinfo 0x0 excode 0x18\n",
  );
  equal(
    _exit({ reason: 0, intrinfo: 0x80000b0e, intrcode: 2, qualification: 0xdeadb000n }),
    "#pf 0xdeadb000 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 excode 0x2\n",
  );
  equal(_exit({ reason: 0, intrinfo: 0x80000301 }), "#db 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
  equal(_exit({ reason: 0, intrinfo: 0x80000302 }), "#2 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
  equal(_exit({ reason: 0, intrinfo: 0x80000315 }), "#21 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
  equal(_exit({ reason: 0, intrinfo: 0x800006ff }), "#255 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
  // Without the valid bit the reason name prints, but bit 11 still adds excode.
  equal(
    _exit({ reason: 0, intrinfo: 0x00000b0d, intrcode: 5 }),
    "exc 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 excode 0x5\n",
  );
  equal(
    _exit({ reason: 12, intrinfo: 0x800 }),
    ".hlt 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 excode 0x0\n",
  );
  // A non-exception reason with valid interruption info still prints its name.
  equal(
    _exit({ reason: 2, intrinfo: 0x80000308 }),
    "triplef 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n",
  );
});

Deno.test("formatexit: EPT violations add va (qualification bit 7) and pa", () => {
  equal(
    _exit({ reason: 48, qualification: 0x181n, guestva: 0xb8000n, guestpa: 0xb8000n, ilen: 3 }),
    "eptfault 0x181 pc 0x0 sp 0x0 ilen 0x3 iinfo 0x0 va 0xb8000 pa 0xb8000\n",
  );
  equal(
    _exit({ reason: 48, qualification: 0x1n, guestva: 0x1234n, guestpa: 0xfee00000n }),
    "eptfault 0x1 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 pa 0xfee00000\n",
  );
  equal(
    _exit({ reason: 49, qualification: 0x80n, guestva: 0x1234n, guestpa: 0x2000n }),
    "eptinval 0x80 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 pa 0x2000\n",
  );
  equal(
    _exit({ reason: 0x80000030, qualification: 0x80n, guestva: 0x10n, guestpa: 0x20n }),
    "!eptfault 0x80 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 va 0x10 pa 0x20\n",
  );
});

Deno.test("formatexit: I/O exits add the guest's ax", () => {
  equal(
    _exit({ reason: 30, qualification: 0x3f80008n, rax: 0x41n, ilen: 1, rip: 0x7c00n }),
    "io 0x3f80008 pc 0x7c00 sp 0x0 ilen 0x1 iinfo 0x0 ax 0x41\n",
  );
  equal(
    _exit({ reason: 30, rax: 0xffffffffffffffffn }),
    "io 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 ax 0xffffffffffffffff\n",
  );
  equal(_exit({ reason: 31, rax: 5n }), ".rdmsr 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
});

Deno.test("formatexit: 32-bit fields are unsigned", () => {
  equal(
    _exit({ reason: 0, intrinfo: -0x7ffff4f3, intrcode: -1, ilen: -1, iinfo: -2 }),
    "#gp 0x0 pc 0x0 sp 0x0 ilen 0xffffffff iinfo 0xfffffffe excode 0xffffffff\n",
  );
});

Deno.test("formatack: *ack and the vector in decimal", () => {
  equal(formatack(0x80000020), "*ack 32\n");
  equal(formatack(0x80000303), "*ack 3\n");
  equal(formatack(0xffffffff), "*ack 255\n");
  equal(formatack(0), "*ack 0\n");
});

Deno.test("cmdwait: reads the exit from the guest state", () => {
  const gs = new MapFields();
  gs.setField(Field.EXIT_REASON, 48n);
  gs.setField(Field.EXIT_QUALIFICATION, 0x182n);
  gs.setField(Field.EXIT_INTR_INFO, 0x800n);
  gs.setField(Field.EXIT_INTR_CODE, 9n);
  gs.setField(Field.RIP, 0x100000n);
  gs.setField(Field.RSP, 0x8000n);
  gs.setField(Field.EXIT_INSTR_LEN, 2n);
  gs.setField(Field.EXIT_INSTR_INFO, 1n);
  gs.setField(Field.GUEST_LINEAR, 0x5000n);
  gs.setField(Field.GUEST_PHYSICAL, 0x6000n);
  gs.setField(Field.RAX, 7n);
  equal(
    cmdwait(gs),
    "eptfault 0x182 pc 0x100000 sp 0x8000 ilen 0x2 iinfo 0x1 excode 0x9 va 0x5000 pa 0x6000\n",
  );
  gs.setField(Field.EXIT_REASON, 30n);
  equal(cmdwait(gs), "io 0x182 pc 0x100000 sp 0x8000 ilen 0x2 iinfo 0x1 excode 0x9 ax 0x7\n");
});
