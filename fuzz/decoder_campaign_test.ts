import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { CliIO } from "../trace/mod.ts";
import type { CampaignOptions } from "./cli.ts";
import type { DecoderCase } from "./decoder_arb.ts";
import {
  createDecoderCampaign,
  type DecoderCampaignReport,
  decoderReportJson,
  formatDecoderReport,
  regressionLines,
  runDecoderCampaign,
} from "./decoder_campaign.ts";
import { fromHex } from "./decoder_hex.ts";
import type { Decoded } from "./decoder_norm.ts";
import { opcodeKey } from "./decoder_opmap.ts";
import type { Verdict } from "./decoder_oracle.ts";
import { decodeOurs } from "./decoder_ours.ts";

const _INVALID: Decoded = { status: "invalid", len: 1, text: "invalid" };

/** A stand-in oracle: our decoder against itself, except that a leading 65 "should be" invalid. */
function _fake(c: DecoderCase): Verdict {
  const ours = decodeOurs(c.mode, c.bytes);
  const bad = c.bytes[0] === 0x65 && ours.status !== "invalid";
  return {
    kind: bad ? "mismatch" : "match",
    reason: bad ? "status" : "",
    mode: c.mode,
    bytes: c.bytes,
    ours,
    iced: bad ? _INVALID : ours,
    key: opcodeKey(c.mode, c.bytes),
  };
}

Deno.test("runDecoderCampaign: counts add up and a seed repeats a run", () => {
  let calls = 0;
  const run = () =>
    runDecoderCampaign({
      seed: 42,
      runs: 1100,
      check: _fake,
      maxReports: 1000,
      progress: () => calls++,
    });
  const r = run();
  assertEquals(r.cases, 1100);
  assertEquals(r.matches + r.mismatches, r.cases);
  assertEquals(r.byMode[16] + r.byMode[32] + r.byMode[64], r.cases);
  assertEquals(Object.values(r.mismatchesByMap).reduce((a, b) => a + b, 0), r.mismatches);
  assertEquals(r.mismatches > 0 && r.reports.length > 0, true);
  assertEquals(r.reports.reduce((a, m) => a + m.count, 0), r.mismatches);
  assertEquals(calls >= 3, true);
  const again = run();
  assertEquals(
    again.reports.map((m) => [m.signature, m.count, m.seed, m.path]),
    r.reports.map((m) => [m.signature, m.count, m.seed, m.path]),
  );
  assertEquals([again.matches, again.mismatches], [r.matches, r.mismatches]);
});

Deno.test("runDecoderCampaign: mismatches are shrunk within their signature; reports are capped", () => {
  const r = runDecoderCampaign({ seed: 1, runs: 3000, modes: [32], check: _fake, maxReports: 2 });
  assertEquals(r.reports.length, 2);
  assertEquals(r.unreported > 0, true);
  for (const m of r.reports) {
    assertEquals(m.verdict.bytes[0], 0x65);
    assertEquals(m.verdict.mode, 32);
    assertEquals(m.signature.startsWith("32 status "), true);
  }
  assertEquals(Object.keys(r.byMode), ["32"]);
});

Deno.test("runDecoderCampaign: a time budget instead of runs", () => {
  const r = runDecoderCampaign({ seed: 3, seconds: 0.05, check: _fake, modes: [16] });
  assertEquals(r.cases > 0, true);
  assertEquals(r.seconds >= 0.05, true);
});

function _report(): DecoderCampaignReport {
  const bytes = fromHex("65 3e 00 06");
  const verdict: Verdict = {
    kind: "mismatch",
    reason: "status",
    mode: 64,
    bytes,
    ours: { status: "ok", len: 1, text: "x" },
    iced: _INVALID,
    key: { map: "1B", op: 0 },
  };
  return {
    seed: 5,
    cases: 10,
    byMode: { 32: 4, 64: 6 },
    matches: 3,
    mismatches: 2,
    mismatchesByMap: { "1B": 1, "VEX.0F": 1 },
    reports: [{ signature: "64 status ok/invalid 1B 00", count: 2, verdict, seed: 9, path: "1:2" }],
    unreported: 1,
    seconds: 1.25,
  };
}

Deno.test("formatDecoderReport and decoderReportJson", () => {
  assertEquals(formatDecoderReport(_report()), [
    "decoder: 10 cases (32-bit 4, 64-bit 6) in 1.3 s",
    "  agree 3, mismatch 2 (2 kinds)",
    "mismatches (shrunk; replay a chunk with fc.check(…, { seed, path })):",
    '1. [64 status ok/invalid 1B 00] 2 case(s), { seed: 9, path: "1:2" }',
    "   64-bit 65  (status mismatch)",
    "     ours: x  (1 bytes)",
    "     iced: invalid after 1 bytes",
    "(1 more kinds of mismatch not shrunk)",
    "mismatches by opcode map:",
    "  1B              1",
    "  VEX.0F          1",
  ]);
  const j = decoderReportJson(_report());
  assertEquals(Object.keys(j)[0], "seed");
  assertEquals(j.reports, [{
    signature: "64 status ok/invalid 1B 00",
    count: 2,
    mode: 64,
    bytes: "65",
    reason: "status",
    ours: { status: "ok", len: 1, text: "x" },
    iced: { status: "invalid", len: 1, text: "invalid" },
    seed: 9,
    path: "1:2",
  }]);
  assertEquals(JSON.parse(JSON.stringify(j)).mismatchesByMap, { "1B": 1, "VEX.0F": 1 });
});

Deno.test("regressionLines: cut to the relevant bytes when the signature holds", () => {
  const r = runDecoderCampaign({ seed: 1, runs: 2000, modes: [32], check: _fake, maxReports: 3 });
  const lines = regressionLines(r.reports, _fake);
  assertEquals(lines.length, 3);
  for (const l of lines) assertEquals(/^32 \| 65( [0-9a-f]{2})* \| - \| invalid$/.test(l), true, l);
});

function _io(): { io: CliIO; out: string[]; err: string[] } {
  const out: string[] = [], err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l) }, out, err };
}

const _opts = (o: Partial<CampaignOptions> = {}): CampaignOptions => ({
  seed: 11,
  runs: 700,
  json: false,
  save: false,
  extra: new Map(),
  ...o,
});

Deno.test("the decoder campaign: text, JSON, --mode, --save, exit status", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const c = createDecoderCampaign({ regressions: `${dir}/r.txt`, check: _fake });
    let t = _io();
    assertEquals(await c.run(_opts({ extra: new Map([["mode", "8"]]) }), t.io), 2);
    assertEquals(t.err, ['fuzz decoder: --mode wants 16, 32 or 64, not "8"']);
    t = _io();
    assertEquals(await c.run(_opts({ json: true, extra: new Map([["mode", "16"]]) }), t.io), 1);
    const j = JSON.parse(t.out.join("\n"));
    assertEquals([j.seed, j.cases, Object.keys(j.byMode)], [11, 700, ["16"]]);
    t = _io();
    assertEquals(await c.run(_opts({ save: true }), t.io), 1);
    assertEquals(t.out[0].startsWith("decoder: 700 cases"), true);
    const saved = Deno.readTextFileSync(`${dir}/r.txt`).trim().split("\n");
    assertEquals(t.err, [`saved ${saved.length} new regression vector(s) to ${dir}/r.txt`]);
    t = _io();
    await c.run(_opts({ save: true }), t.io);
    assertEquals(t.err, [`saved 0 new regression vector(s) to ${dir}/r.txt`]);
    const clean = createDecoderCampaign({
      check: (x) => ({ ..._fake(x), kind: "match", reason: "" }),
    });
    t = _io();
    assertEquals(await clean.run(_opts({ runs: 200 }), t.io), 0);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
