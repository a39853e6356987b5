import { deepStrictEqual as assertEquals, rejects } from "node:assert/strict";
import {
  NATIVE_CODE_ADDR,
  NATIVE_DATA_ADDR,
  type NativeCase,
  nativeCase,
  type NativeResult,
  type NativeRunner,
} from "../oracle/mod.ts";
import {
  type BatchRunner,
  checkBatch,
  judge,
  nativeSafe,
  simFirst,
  SturdyRunner,
} from "./native_check.ts";

const hex = (s: string) => Uint8Array.from(s.split(" "), (x) => parseInt(x, 16));
const data = () => [{ addr: NATIVE_DATA_ADDR, bytes: new Uint8Array(16) }];

/** What the host would say: the simulator's result, with `edit` applied. */
function _host(c: NativeCase, edit: (r: NativeResult) => void = () => {}): NativeResult {
  const s = simFirst(c).sim;
  const r: NativeResult = {
    kind: s.kind === "exception" ? "fault" : "ok",
    regs: s.regs.slice(),
    rflags: s.rflags | 0x1_0000n, // RF, as a fault frame may carry it
    rip: s.rip,
    mem: s.mem.map((m) => ({ addr: m.addr, bytes: m.bytes.slice() })),
  };
  if (s.kind === "exception") {
    Object.assign(r, {
      signal: s.vector === 14 ? 11 : 8,
      trapno: s.vector,
      errorCode: BigInt(s.errorCode ?? 0),
      faultAddr: s.faultAddr ?? 0n,
      siCode: 1,
    });
  }
  edit(r);
  return r;
}

Deno.test("nativeSafe: low pages, the gap between heap and libraries, the kernel half", () => {
  const at = [0n, 0xffffn, 0x1_0000n, 0x40_0000n, 0x7ff_ffffn, 0x800_0000n, 0x1000_0000n];
  assertEquals(at.map(nativeSafe), [true, true, false, false, false, true, true]);
  const high = [0x6fff_ffff_ffffn, 0x7000_0000_0000n, 0x7ffc_0000_0000n, 0xffff_8000_0000_0000n];
  assertEquals(high.map(nativeSafe), [true, false, false, true]);
});

Deno.test("simFirst: a fault where the runner may live is not safe to run natively", () => {
  const at = (addr: string) => simFirst(nativeCase(hex(`8b 04 25 ${addr}`), { mem: data() }));
  assertEquals(at("00 10 00 10").safe, true, "0x10001000: past the region, in the cases' window");
  const wild = at("00 00 40 00");
  assertEquals([wild.safe, wild.sim.vector, wild.sim.faultAddr], [false, 14, 0x40_0000n]);
});

Deno.test("judge: match, mismatch, masked differences, and incomparable cases", () => {
  const opts = { vendor: "GenuineIntel" };
  const add = nativeCase(hex("48 01 d8"), { regs: { rax: 1n, rbx: 2n } });
  const sim = simFirst(add).sim;
  const same = judge(add, { ...sim, rflags: sim.rflags | 0x1_0000n }, sim, opts);
  assertEquals([same.verdict, same.diffs], ["match", []]);
  const off = judge(add, { ...sim, regs: sim.regs.map((v, g) => g === 0 ? 4n : v) }, sim, opts);
  assertEquals([off.verdict, off.diffs], ["mismatch", [{
    field: "rax",
    expected: "0x4",
    actual: "0x3",
  }]]);
  // mul ebx leaves SF ZF AF PF undefined: a host that sets them differently still matches.
  const mul = nativeCase(hex("f7 e3"), { regs: { rax: 3n, rbx: 5n } });
  const msim = simFirst(mul).sim;
  const masked = judge(mul, { ...msim, rflags: msim.rflags ^ 0xd4n }, msim, opts);
  assertEquals([masked.verdict, masked.masks], ["match", { flags: 0xd4 }]);
  // mul ebx; sete al: the host's AL depends on an undefined flag.
  const sete = nativeCase(hex("f7 e3 0f 94 c0"), { regs: { rax: 3n, rbx: 5n } });
  const ssim = simFirst(sete).sim;
  const u = judge(
    sete,
    { ...ssim, regs: ssim.regs.map((v, g) => g === 0 ? v ^ 1n : v) },
    ssim,
    opts,
  );
  assertEquals([u.verdict, u.note], [
    "undefined",
    "sete (instruction 2) reads a flag an earlier instruction left undefined",
  ]);
  const t = judge(add, { ...sim, kind: "timeout", note: "CPU-time limit" }, sim, opts);
  assertEquals([t.verdict, t.note], ["timeout", "CPU-time limit"]);
});

Deno.test("checkBatch: unsafe cases skip the host, the others are judged against it", async () => {
  const cases = [
    nativeCase(hex("48 01 d8"), { regs: { rax: 1n, rbx: 2n } }),
    nativeCase(hex("8b 04 25 00 00 40 00")), // 0x400000: the runner's image on the host
    nativeCase(hex("8b 04 25 00 10 00 10"), { mem: data() }),
    nativeCase(hex("48 01 d8"), { regs: { rax: 1n } }),
  ];
  const asked: number[] = [];
  const runner: BatchRunner = {
    run: (cs) => {
      asked.push(cs.length);
      return Promise.resolve([
        _host(cs[0]),
        _host(cs[1]),
        _host(cs[2], (r) => r.regs[0] = 9n),
      ]);
    },
  };
  const j = await checkBatch(runner, cases, { vendor: "GenuineIntel", jitOf: (k) => k === 3 });
  assertEquals(asked, [3]);
  assertEquals(j.map((x) => x.verdict), ["match", "unsafe", "match", "mismatch"]);
  assertEquals(
    j[1].note,
    "the simulator faulted at 0x400000, where the host process may have memory: not run natively",
  );
  assertEquals(j[2].native?.vector, 14);
  const dead: BatchRunner = { run: (cs) => Promise.resolve(cs.map(() => undefined)) };
  const k = await checkBatch(dead, cases.slice(0, 1), { vendor: "GenuineIntel" });
  assertEquals([k[0].verdict, k[0].note], ["unsafe", "the case killed the native runner"]);
});

Deno.test("SturdyRunner: reopens after a case kills the runner and finds the culprit", async () => {
  const killer = hex("cc");
  let opened = 0, closed = 0;
  const open = () => {
    opened++;
    let alive = true;
    return Promise.resolve({
      run: (cs: readonly NativeCase[]) => {
        if (!alive || cs.some((c) => c.code[0] === killer[0])) {
          alive = false;
          return Promise.reject(new Error("native runner was killed by SIGSEGV"));
        }
        return Promise.resolve(
          cs.map(() => ({ kind: "ok", rip: NATIVE_CODE_ADDR } as NativeResult)),
        );
      },
      close: () => {
        closed++;
        return Promise.resolve();
      },
    } as unknown as NativeRunner);
  };
  const r = new SturdyRunner(open);
  const ok = nativeCase(hex("90"));
  const res = await r.run([ok, nativeCase(killer), ok]);
  assertEquals(res.map((x) => x?.kind), ["ok", undefined, "ok"]);
  assertEquals([opened, closed], [3, 2]);
  assertEquals(await r.run([]), []);
  await r.close();
  assertEquals(closed, 3);
  const bad = new SturdyRunner(() => Promise.reject(new RangeError("native case 0: bad")));
  await rejects(bad.run([ok]), RangeError);
});
