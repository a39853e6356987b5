import { deepEqual, equal, throws } from "node:assert/strict";
import { Kernel, ORDWR } from "./mod.ts";
import { b } from "./testdata/session.ts";

Deno.test("processes run as the host owner by default; the description records the options", () => {
  const k = new Kernel({ quantum: 7 });
  equal(k.process().user, "glenda");
  equal(k.process("other").user, "other");
  deepEqual(k.describe().options, {
    eve: "glenda",
    quantum: 7,
    waitBudget: 100_000_000,
    rdrandSeed: 0,
  });
  equal(k.describe().simulator, "vmxsim");
});

Deno.test("annotations: nothing before a vCPU exists, then what changed, an empty record otherwise", () => {
  const k = new Kernel({ quantum: 3 });
  const p = k.process();
  equal(k.annotate(), undefined);
  const ctl = p.open("#X/clone", ORDWR);
  deepEqual(k.annotate(), { 0: [0n, "ready"] });
  deepEqual(k.annotate(), {});
  p.open("#X/clone", ORDWR);
  p.write(ctl, b("go pc=0x1000;"));
  deepEqual(k.annotate(), { 0: [0n, "running"], 1: [0n, "ready"] });
  p.write(ctl, b("stop")); // the guest (zeros: add [eax],al) runs to its first exit first
  deepEqual(k.annotate(), { 0: [0n, "ready"] });
  p.write(ctl, b("quit"));
  deepEqual(k.annotate(), { 0: null });
  // After a restore, changes count from the restored state.
  const snap = k.snapshot();
  const k2 = new Kernel({ quantum: 3 });
  k2.restore(snap);
  deepEqual(k2.annotate(), {});
});

Deno.test("Kernel refuses a quantum or waitBudget that is not a positive instruction count", () => {
  throws(() => new Kernel({ quantum: 0 }), /^RangeError: quantum 0 is not a positive/);
  throws(() => new Kernel({ waitBudget: 1.5 }), /^RangeError: waitBudget 1.5 is not/);
});
