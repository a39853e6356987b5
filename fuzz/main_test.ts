import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { CliIO } from "../trace/mod.ts";
import { fuzzMain } from "./cli.ts";
import { decoderCampaign } from "./decoder_campaign.ts";
import { CAMPAIGNS } from "./main.ts";

Deno.test("the campaign table", () => {
  assertEquals(Object.keys(CAMPAIGNS), ["decoder", "native"]);
  assertEquals(CAMPAIGNS.decoder, decoderCampaign);
  assertEquals(Object.isFrozen(CAMPAIGNS), true);
});

Deno.test("fuzz decoder through the dispatcher: JSON summary, exit status by mismatches", async () => {
  const out: string[] = [], err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await fuzzMain(
    ["decoder", "--seed", "9", "--runs", "300", "--mode", "32", "--json"],
    io,
    CAMPAIGNS,
  );
  const j = JSON.parse(out.join("\n"));
  assertEquals(err, ["seed 9"]);
  assertEquals([j.seed, j.campaign, j.cases, j.byMode], [9, "decoder", 300, { 32: 300 }]);
  assertEquals(code, j.mismatches > 0 ? 1 : 0);
});

Deno.test("fuzz/main.ts as a program: --help, and status 2 on bad arguments", async () => {
  const run = async (...args: string[]) => {
    const main = new URL("./main.ts", import.meta.url).pathname;
    const p = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", main, ...args] })
      .output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    return [p.code, text(p.stdout).split("\n")[0], text(p.stderr).trim()];
  };
  assertEquals(await run("--help"), [0, "usage: deno task fuzz <campaign> [options]", ""]);
  assertEquals(await run("decoder", "--seed", "1", "--mode", "8"), [
    2,
    "seed 1",
    'fuzz decoder: --mode wants 16, 32 or 64, not "8"',
  ]);
  assertEquals(await run("decoder", "--runs"), [2, "", "fuzz decoder: --runs needs a value"]);
});
