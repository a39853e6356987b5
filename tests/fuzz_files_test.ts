// Property tests over every file of #X and #g: random valid and malformed
// writes and reads, through the system calls a program uses. Whatever the
// input, only a PlanError may escape, its text must be one the kernel can
// produce (or the simulator's documented `would block:` / `unimplemented`
// forms), and the vCPU must stay consistent: status readable, regs readable
// and well formed, the map text re-parseable into the same map.
//
// Fixed seed; on failure fast-check prints the seed and path to replay with
// `fc.assert(prop, { seed, path })`.

import { deepStrictEqual as assertEquals, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { DMDIR, Kernel, ORDWR, OREAD, OTRUNC, OWRITE, PlanError, type Syscalls } from "../mod.ts";
import { except, FPSAVE_SIZE, guestregs } from "../sim/vmx/mod.ts";
import { readOnce } from "../sim/testdata/files.ts";

const SEED = 0x5eed;

/** Error texts the devices, the name space and lib9 raise. */
const KNOWN = new Set([
  // port/error.h strings the devices and system calls use.
  "permission denied",
  "file does not exist",
  "bad arg in system call",
  "bad process or channel control request",
  "the front fell off",
  "inappropriate use of fd",
  "file is a directory",
  "negative i/o offset",
  "virtual memory allocation failed",
  "kernel allocate failed",
  "name too long",
  "file already exists",
  // parse.c
  "empty control message",
  // devvmx.c
  "VM not ready",
  "VM not ready or running",
  "vmx: ending",
  "number of fields wrong",
  "unknown register",
  "invalid value",
  "invalid access field",
  "invalid memory type",
  "invalid low guest physical address",
  "invalid high guest physical address",
  "no such segment",
  "out of bounds",
  "invalid offset",
  // devsegment.c
  "global segment not assigned a virtual address",
  "segment not yet allocated",
  "already has a virtual address",
  "name collision with physical segment",
]);
const PATTERNS = [
  /^unknown control message ".*"$/s,
  /^wrong #args in control message ".*"$/s,
  /^would block: vCPU \d+ (is not running|ran \d+ instructions without a reported exit)$/,
  /^unimplemented: /,
];

/** What a status file may say. */
const STATUS = /^(ready|running)\n$|^dead '(vmlaunch failed|unimplemented[^']*)'\n$/;

function known(errstr: string): boolean {
  // An open's error names the file: "ERR: 'NAME'".
  const bare = errstr.replace(/: '[^']*'$/, "");
  return KNOWN.has(bare) || PATTERNS.some((p) => p.test(bare));
}

/** Run `f`; a PlanError with a known text is an answer too. */
function attempt<T>(f: () => T): T | PlanError {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    if (!known(e.errstr)) throw new Error(`unexpected errstr ${JSON.stringify(e.errstr)}`);
    return e;
  }
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** One read of `path` (a fresh descriptor), or undefined if the file went away. */
function cat(p: Syscalls, path: string): string | undefined {
  const r = attempt(() => readOnce(p, path));
  if (r instanceof PlanError) {
    equal(r.errstr.replace(/: '[^']*'$/, ""), "file does not exist");
    return undefined;
  }
  return r;
}

/** The regs file must list every row in order, each padded to its width. */
function checkregs(text: string): void {
  const lines = text.split("\n");
  equal(lines.pop(), "");
  assertEquals(lines.map((l) => l.split(" ")[0]), guestregs.map((r) => r.name));
  lines.forEach((l, i) => {
    const digits = 2 * (guestregs[i].size || 8);
    ok(new RegExp(`^\\S+ 0x[0-9a-f]{${digits}}$`).test(l), l);
  });
}

/** Status and regs of vCPU `n`, if it still exists. */
function checkvcpu(p: Syscalls, n: number): void {
  const st = cat(p, `#X/${n}/status`);
  if (st === undefined) return;
  ok(STATUS.test(st), st);
  const regs = cat(p, `#X/${n}/regs`);
  if (regs !== undefined) checkregs(regs);
}

/** Bytes of a C write as the kernel's string code sees them: cut at the first NUL. */
function consumed(data: Uint8Array): number {
  const nul = data.indexOf(0);
  const s = nul < 0 ? data : data.subarray(0, nul);
  return s.lastIndexOf(0x0a) + 1;
}

/** A kernel with sticky vm.0 (64 KiB), fixed fx, plain (shared) sh, nova without an address. */
function machine(quantum = 50, waitBudget = 200) {
  const k = new Kernel({ quantum, waitBudget });
  const p = k.process();
  const seg = (name: string, va?: string) => {
    p.close(p.create(`#g/${name}`, OREAD, DMDIR | 0o777));
    if (va === undefined) return;
    const fd = p.open(`#g/${name}/ctl`, OWRITE);
    p.write(fd, enc(`va ${va}`));
    p.close(fd);
  };
  seg("vm.0", "0x10000000 0x10000 sticky");
  seg("fx", "0x20000000 0x4000 fixed 0");
  seg("sh", "0x30000000 0x4000");
  seg("nova");
  return { k, p, ctl: p.open("#X/clone", ORDWR) };
}

// Arbitraries.

/** Raw bytes with the characters that matter to the parsers over-represented. */
const junk = fc.array(
  fc.oneof(
    fc.integer({ min: 0, max: 255 }),
    fc.constantFrom(...enc(" \t\n;=,#!'-0x9rw"), 0),
  ),
  { maxLength: 48 },
).map((a) => Uint8Array.from(a));

/** Number texts: C syntax in its corners, and noise. */
const number = fc.oneof(
  fc.constantFrom(
    "0",
    "1",
    "-1",
    "08",
    "0x",
    "0X1f",
    "0777",
    " 7",
    "",
    "x",
    "1k",
    "18446744073709551616",
  ),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => "0x" + v.toString(16)),
  fc.integer({ min: 0, max: 0xffff }).map((v) => String(v * 0x1000)),
  fc.integer({ min: 0, max: 0x7fffffff }).map(String),
);

const regname = fc.oneof(
  fc.constantFrom(...guestregs.map((r) => r.name)),
  fc.constantFrom("", "PC", "rip", "cr0", "x"),
);

/** regs text: lines of `name value`, blanks, garbage; the last maybe unterminated. */
const regstext = fc.tuple(
  fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.tuple(regname, fc.constantFrom(" ", "\t", "  "), number).map((t) =>
          t.join("")
        ),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    ),
    { maxLength: 6 },
  ),
  fc.boolean(),
).map(([lines, nl]) => lines.join("\n") + (nl ? "\n" : ""));

/** An EVENT for exc and irq. */
const event = fc.oneof(
  fc.constantFrom(...except.filter((e): e is string => e !== undefined)),
  fc.integer({ min: 0, max: 300 }).map(String),
  fc.tuple(fc.constantFrom("#gp", "#pf", "#bp", "32", "#df", "#x"), number, fc.option(number)).map(
    ([n, c, l]) => l === null ? `${n},${c}` : `${n},${c},${l}`,
  ),
  fc.string({ maxLength: 8 }),
);

/** `name=value;` items for go and step. */
const goitems = fc.array(fc.tuple(regname, number), { maxLength: 4 }).map((a) =>
  a.map(([n, v]) => `${n}=${v};`).join("")
);

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** A ctl message: mostly well formed, sometimes not. */
const ctlmsg = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("go", "step", "stop", "irq", "go\n", "step\n") },
  {
    weight: 4,
    arbitrary: fc.tuple(fc.constantFrom("go", "step"), goitems).map(([v, r]) =>
      enc(`${v} ${quote(r)}`)
    ),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(fc.constantFrom("exc", "irq"), event).map(([v, e]) => `${v} ${quote(e)}`),
  },
  { weight: 1, arbitrary: number.map((n) => `extrap ${quote(n)}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("extrap 0x40042", "extrap 0x40002", "extrap 0xffffffff"),
  },
  { weight: 2, arbitrary: junk },
  { weight: 1, arbitrary: fc.constantFrom("quit", "go a b", "exc", "stop now", "") },
).map((m) => typeof m === "string" ? enc(m) : m);

/** Guest code: instructions that exit, loop, fault or change IF, in any order; or any bytes. */
const code = fc.oneof({
  weight: 4,
  arbitrary: fc.array(
    fc.constantFrom(
      [0x90], // nop
      [0x40], // inc eax
      [0xf4], // hlt
      [0x0f, 0xa2], // cpuid
      [0xe6, 0xe9], // out 0xe9,al
      [0xec], // in al,dx
      [0xeb, 0xfe], // jmp $
      [0x0f, 0x0b], // ud2
      [0xfb], // sti
      [0xfa], // cli
      [0x50, 0x58], // push eax; pop eax
      [0xa1, 0x00, 0x00, 0x20, 0x00], // mov eax,[0x200000]: unmapped
    ),
    { maxLength: 8 },
  ).map((a) => a.flat()),
}, { weight: 1, arbitrary: fc.array(fc.nat({ max: 255 }), { maxLength: 24 }) });

/** A map line from plausible and implausible fields. */
const mapline = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(
      fc.constantFrom("rwx", "r--", "rw-", "r-x", "-w-", "--x", "---", "xwr", "rr", "q", ""),
      fc.constantFrom(
        "wb",
        "uc",
        "wc",
        "wt",
        "wp",
        "02",
        "03",
        "07",
        "wb!",
        "uc!",
        "zz",
        "wbx",
        "w",
      ),
      fc.integer({ min: 0, max: 20 }).map((p) => "0x" + (p * 0x1000).toString(16)),
      fc.integer({ min: 0, max: 20 }).map((p) => "0x" + (p * 0x1000).toString(16)),
      fc.constantFrom("vm.0", "fx", "sh", "nova", "none"),
      fc.integer({ min: 0, max: 20 }).map((p) => "0x" + (p * 0x1000).toString(16)),
      fc.nat({ max: 6 }),
    ).map(([a, t, lo, hi, s, o, n]) => [a, t, lo, hi, s, o].slice(0, n).join(" ")),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom("---", "rwx"), number, number).map((t) =>
      `${t[0]} wb ${t[1]} ${t[2]} vm.0 0`
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

const maptext = fc.tuple(fc.array(mapline, { maxLength: 5 }), fc.boolean()).map(([l, nl]) =>
  l.join("\n") + (nl ? "\n" : "")
);

// Properties.

Deno.test("fuzz ctl, wait and status: commands in any order on a running guest", () => {
  const op = fc.oneof(
    { weight: 5, arbitrary: ctlmsg.map((m) => ({ ctl: m })) },
    { weight: 2, arbitrary: fc.nat({ max: 600 }).map((n) => ({ wait: n })) },
    { weight: 1, arbitrary: fc.constant({ regs: true }) },
  );
  fc.assert(
    fc.property(code, fc.array(op, { minLength: 1, maxLength: 10 }), (bytes, ops) => {
      const { p, ctl } = machine();
      const d = p.open("#g/vm.0/data", OWRITE);
      p.pwrite(d, Uint8Array.from(bytes), 0x1000);
      attempt(() => p.write(p.open("#X/0/map", OWRITE), enc("rwx wb 0 0x10000 vm.0 0\n")));
      p.write(ctl, enc("go pc=0x1000;sp=0x8000;"));
      for (const o of ops) {
        if ("ctl" in o) {
          const r = attempt(() => p.write(ctl, o.ctl));
          if (!(r instanceof PlanError)) equal(r, o.ctl.length);
        } else if ("wait" in o) {
          const r = attempt(() => {
            const fd = p.open("#X/0/wait", OREAD);
            try {
              return dec(p.read(fd, o.wait));
            } finally {
              p.close(fd);
            }
          });
          if (typeof r === "string") {
            ok(r.length <= o.wait);
            if (o.wait >= 512) ok(/^(\*ack \d+|!?\S+ 0x[0-9a-f]+ pc .*)\n$/.test(r), r);
          }
        } else checkvcpu(p, 0);
        checkvcpu(p, 0);
      }
    }),
    { seed: SEED, numRuns: 1500 },
  );
});

Deno.test("fuzz regs: writes apply up to the first bad line; the text always reads back well formed", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(regstext.map(enc), junk), { minLength: 1, maxLength: 4 }),
      (writes) => {
        const { p } = machine();
        const fd = p.open("#X/0/regs", ORDWR);
        for (const w of writes) {
          const r = attempt(() => p.write(fd, w));
          if (!(r instanceof PlanError)) equal(r, consumed(w));
        }
        const text = cat(p, "#X/0/regs") as string;
        checkregs(text);
        // Written back, the text changes nothing, here and on a fresh vCPU.
        equal(p.pwrite(fd, enc(text), 0), text.length);
        equal(cat(p, "#X/0/regs"), text);
        p.open("#X/clone", OREAD);
        const fresh = p.open("#X/1/regs", OWRITE);
        p.write(fresh, enc(text));
        equal(cat(p, "#X/1/regs"), text);
      },
    ),
    { seed: SEED, numRuns: 3000 },
  );
});

Deno.test("fuzz map: the map text read back re-parses into the same map on a fresh vCPU", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof({ weight: 4, arbitrary: maptext.map(enc) }, { weight: 1, arbitrary: junk }),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      fc.boolean(),
      (writes, trunc) => {
        const { p } = machine();
        for (const w of writes) {
          const r = attempt(() => {
            const fd = p.open("#X/0/map", OWRITE | (trunc ? OTRUNC : 0));
            try {
              return p.write(fd, w);
            } finally {
              p.close(fd);
            }
          });
          if (!(r instanceof PlanError)) equal(r, consumed(w));
        }
        const text = cat(p, "#X/0/map") as string;
        ok(
          /^([-r][-w][-x] (uc|wc|02|03|wt|wp|wb|07)!? 0x[0-9a-f]+ 0x[0-9a-f]+ \S+ 0x[0-9a-f]+\n)*$/
            .test(text),
          text,
        );
        p.open("#X/clone", OREAD);
        const fd = p.open("#X/1/map", OWRITE | OTRUNC);
        equal(p.write(fd, enc(text)), text.length);
        equal(cat(p, "#X/1/map"), text);
        checkvcpu(p, 0);
      },
    ),
    { seed: SEED, numRuns: 3000 },
  );
});

Deno.test("fuzz fpregs: reads clip, writes follow cmdsetfpregs (size - n), overruns kill the vCPU", () => {
  const access = fc.record({
    write: fc.boolean(),
    off: fc.oneof(fc.nat({ max: 900 }), fc.constantFrom(0, 831, 832, 2 ** 40)),
    n: fc.nat({ max: 1000 }),
    fill: fc.integer({ min: 1, max: 255 }),
  });
  fc.assert(
    fc.property(fc.array(access, { minLength: 1, maxLength: 8 }), (accesses) => {
      const { p } = machine();
      const fd = p.open("#X/0/fpregs", ORDWR);
      const model = p.pread(fd, FPSAVE_SIZE, 0);
      let dead = false;
      for (const a of accesses) {
        if (a.write) {
          const n = Math.min(a.n, FPSAVE_SIZE);
          let m = n;
          if (a.off >= FPSAVE_SIZE) m = 0;
          else if (a.off + n > FPSAVE_SIZE) m = FPSAVE_SIZE - n;
          equal(p.pwrite(fd, new Uint8Array(a.n).fill(a.fill), a.off), m);
          if (m > 0 && a.off + m > FPSAVE_SIZE) dead = true;
          model.fill(a.fill, a.off, Math.min(FPSAVE_SIZE, a.off + m, a.off + n));
        } else {
          const want = a.off >= FPSAVE_SIZE ? 0 : Math.min(a.n, FPSAVE_SIZE - a.off);
          assertEquals(p.pread(fd, a.n, a.off), model.slice(a.off, a.off + want));
        }
        const st = cat(p, "#X/0/status") as string;
        ok(dead ? st.startsWith("dead 'unimplemented: fpregs write") : st === "ready\n", st);
      }
    }),
    { seed: SEED, numRuns: 3000 },
  );
});

Deno.test("fuzz #g: ctl commands and data reads and writes on a segment", () => {
  const len = fc.oneof(
    fc.nat({ max: 0x40000 }),
    // Refused before anything is allocated: wrap-around, past USTKTOP, beyond SEGMAXSIZE.
    fc.constantFrom(0xffffffffffffffffn, 0x800000000000n, 0x10000000001000n),
  ).map((v) => "0x" + v.toString(16));
  const va = fc.oneof(fc.constantFrom("0", "0x1000", "0x7ffffffff000", "x", ""), number);
  const ctlw = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(va, len, fc.constantFrom("", " sticky", " fixed 0", " fixed", " other"))
        .map(([v, l, k]) => enc(`va ${v} ${l}${k}`)),
    },
    { weight: 1, arbitrary: junk },
    { weight: 1, arbitrary: fc.constantFrom("va", "va 0x1000", "", "VA 1 2").map(enc) },
  );
  const data = fc.record({
    write: fc.boolean(),
    off: fc.nat({ max: 0x50000 }),
    n: fc.nat({ max: 300 }),
  });
  fc.assert(
    fc.property(
      fc.array(ctlw, { minLength: 1, maxLength: 3 }),
      fc.array(data, { maxLength: 6 }),
      (ctls, io) => {
        const k = new Kernel();
        const p = k.process();
        p.close(p.create("#g/s", OREAD, DMDIR | 0o777));
        const ctl = p.open("#g/s/ctl", ORDWR);
        for (const c of ctls) {
          const r = attempt(() => p.write(ctl, c));
          if (!(r instanceof PlanError)) equal(r, c.length);
        }
        const text = attempt(() => dec(p.pread(ctl, 200, 0)));
        if (text instanceof PlanError) {
          equal(text.errstr, "segment not yet allocated");
          return;
        }
        const m = /^va 0x([0-9a-f]+) 0x([0-9a-f]+)( sticky| fixed 0x[0-9a-f]+)?\n$/.exec(text);
        ok(m !== null, text);
        const size = parseInt(m[2], 16);
        const model = new Uint8Array(size);
        const fd = p.open("#g/s/data", ORDWR);
        for (const a of io) {
          if (a.write) {
            const r = attempt(() => p.pwrite(fd, new Uint8Array(a.n).fill(a.n & 0xff), a.off));
            if (r instanceof PlanError) ok(a.off + a.n > size || a.off >= size);
            else model.fill(a.n & 0xff, a.off, a.off + a.n);
          } else {
            assertEquals(p.pread(fd, a.n, a.off), model.slice(a.off, a.off + a.n));
          }
        }
      },
    ),
    { seed: SEED, numRuns: 3000 },
  );
});
