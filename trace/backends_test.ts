import { equal } from "node:assert/strict";
import { BACKENDS } from "./backends.ts";
import { memfsFactory } from "./memfs.ts";
import { vmxsimFactory } from "./vmxsim.ts";

Deno.test("replay knows the simulator and the memfs backend", () => {
  equal(Object.keys(BACKENDS).sort().join(" "), "memfs vmxsim");
  equal(BACKENDS.memfs, memfsFactory);
  equal(BACKENDS.vmxsim, vmxsimFactory);
  equal(Object.isFrozen(BACKENDS), true);
});
