import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { CliIO } from "../trace/mod.ts";
import { type Campaign, type CampaignOptions, fuzzMain } from "./cli.ts";

function _io(): { io: CliIO; out: string[]; err: string[] } {
  const out: string[] = [], err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l) }, out, err };
}

/** A campaign that records its options and returns `status`. */
function _campaign(seen: CampaignOptions[], status = 0): Campaign {
  return {
    summary: "a test campaign",
    usage: ["  --depth N   how deep"],
    flags: ["deep"],
    valued: ["depth"],
    run(o, io) {
      seen.push(o);
      io.out("ran");
      return status;
    },
  };
}

Deno.test("fuzzMain runs the named campaign with the seed printed first", async () => {
  const seen: CampaignOptions[] = [];
  const t = _io();
  const code = await fuzzMain(
    ["t", "--seed", "0x10", "--runs=5", "--save", "--deep", "--depth", "3"],
    t.io,
    { t: _campaign(seen, 1) },
  );
  assertEquals([code, t.out, t.err], [1, ["seed 16", "ran"], []]);
  assertEquals(seen[0], {
    seed: 16,
    runs: 5,
    seconds: undefined,
    json: false,
    save: true,
    extra: new Map<string, string | true>([["deep", true], ["depth", "3"]]),
  });
});

Deno.test("fuzzMain: --json keeps stdout for the summary; seeds wrap to 32 bits; random seeds", async () => {
  const seen: CampaignOptions[] = [];
  const t = _io();
  assertEquals(
    await fuzzMain(["t", "--json", "--seconds", "1.5", "--seed", "4294967295"], t.io, {
      t: _campaign(seen),
    }),
    0,
  );
  assertEquals([t.out, t.err], [["ran"], ["seed -1"]]);
  assertEquals([seen[0].seed, seen[0].seconds, seen[0].runs, seen[0].json], [
    -1,
    1.5,
    undefined,
    true,
  ]);
  await fuzzMain(["t"], _io().io, { t: _campaign(seen) });
  assertEquals(Number.isInteger(seen[1].seed) && seen[1].seed === (seen[1].seed | 0), true);
  assertEquals(seen[1].extra.size, 0);
});

Deno.test("fuzzMain: help for the dispatcher and for a campaign", async () => {
  const campaigns = { t: _campaign([]), other: _campaign([]) };
  let t = _io();
  assertEquals(await fuzzMain(["--help"], t.io, campaigns), 0);
  assertEquals(t.out.slice(0, 4), [
    "usage: deno task fuzz <campaign> [options]",
    "campaigns:",
    "  t      a test campaign",
    "  other  a test campaign",
  ]);
  t = _io();
  assertEquals(await fuzzMain(["t", "--help"], t.io, campaigns), 0);
  assertEquals(t.out[0], "usage: deno task fuzz t [options]");
  assertEquals(t.out.at(-1), "  --depth N   how deep");
});

Deno.test("fuzzMain: one-line errors and status 2 for bad arguments", async () => {
  const campaigns = { t: _campaign([]) };
  const err = async (args: string[]) => {
    const t = _io();
    const code = await fuzzMain(args, t.io, campaigns);
    assertEquals([code, t.out.length, t.err.length], [2, 0, 1], args.join(" "));
    return t.err[0];
  };
  assertEquals(await err([]), "fuzz: name a campaign: t (--help for more)");
  assertEquals(await err(["--seed", "1"]), "fuzz: name a campaign: t (--help for more)");
  assertEquals(await err(["nope"]), 'fuzz: unknown campaign "nope"; campaigns: t');
  assertEquals(await err(["toString"]), 'fuzz: unknown campaign "toString"; campaigns: t');
  assertEquals(await err(["t", "--bogus"]), "fuzz t: unknown option --bogus");
  assertEquals(await err(["t", "--seed"]), "fuzz t: --seed needs a value");
  assertEquals(await err(["t", "extra"]), "fuzz t: unexpected argument: extra");
  assertEquals(
    await err(["t", "--seed", "x1"]),
    'fuzz t: --seed wants an integer from -2147483648 to 4294967295, not "x1"',
  );
  assertEquals(
    await err(["t", "--seed", "4294967296"]),
    'fuzz t: --seed wants an integer from -2147483648 to 4294967295, not "4294967296"',
  );
  assertEquals(
    await err(["t", "--runs", "0"]),
    'fuzz t: --runs wants an integer from 1 to 1000000000000, not "0"',
  );
  assertEquals(
    await err(["t", "--seconds=-1"]),
    'fuzz t: --seconds wants a positive number, not "-1"',
  );
  assertEquals(
    await err(["t", "--seconds", "soon"]),
    'fuzz t: --seconds wants a positive number, not "soon"',
  );
  assertEquals(
    await err(["t", "--runs", "5", "--seconds", "1"]),
    "fuzz t: give --runs or --seconds, not both",
  );
});
