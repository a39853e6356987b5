/**
 * `deno task fuzz <campaign> [options]`: the campaign dispatcher. A campaign
 * is a record in a table (see main.ts) with a `run(options, io)`; the
 * dispatcher parses the options every campaign shares, checks the
 * campaign's own, prints the seed first, and returns the exit status:
 * 0 clean, 1 the campaign found problems, 2 bad arguments.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { CliIO } from "../trace/mod.ts";

/** Options every campaign gets. */
export interface CampaignOptions {
  /** Seed of the whole campaign (printed first, so a run can be repeated). */
  readonly seed: number;
  /** Number of cases to run, if given. */
  readonly runs?: number;
  /** Time budget in seconds, if given (instead of runs). */
  readonly seconds?: number;
  /** Print the summary as one JSON object on stdout. */
  readonly json: boolean;
  /** Save shrunk failures where the campaign keeps its regression cases. */
  readonly save: boolean;
  /** The campaign's own options: value strings, or true for flags. */
  readonly extra: ReadonlyMap<string, string | true>;
}

/** One fuzz campaign. */
export interface Campaign {
  /** One line for the campaign list. */
  readonly summary: string;
  /** Help text for the campaign's own options, one option a line (may be empty). */
  readonly usage: readonly string[];
  /** The campaign's own flags, without `--` (e.g. `save`). */
  readonly flags?: readonly string[];
  /** The campaign's own options taking a value, without `--` (e.g. `mode`). */
  readonly valued?: readonly string[];
  /**
   * Run with `options`, writing to `io`; the exit status (0 clean, 1
   * problems found, 2 a bad value of the campaign's own options).
   */
  run(options: CampaignOptions, io: CliIO): number | Promise<number>;
}

const _COMMON = [
  "  --seed N       seed (default: random, printed first)",
  "  --runs N       number of cases",
  "  --seconds S    run for S seconds instead",
  "  --json         summary as one JSON object on stdout",
  "  --save         save shrunk failures as regression cases",
  "  --help         this text",
];

function _usage(campaigns: Readonly<Record<string, Campaign>>): string[] {
  const names = Object.keys(campaigns);
  const w = Math.max(...names.map((n) => n.length));
  return [
    "usage: deno task fuzz <campaign> [options]",
    "campaigns:",
    ...names.map((n) => `  ${n.padEnd(w)}  ${campaigns[n].summary}`),
    "options:",
    ..._COMMON,
  ];
}

function _int(s: string, name: string, min: number, max: number): number | string {
  const v = /^-?(0x[0-9a-f]+|[0-9]+)$/i.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    return `--${name} wants an integer from ${min} to ${max}, not "${s}"`;
  }
  return v;
}

function _options(
  args: readonly string[],
  c: Campaign,
): CampaignOptions | "help" | string {
  type Spec = Record<string, { type: "string" | "boolean" }>;
  const spec: Spec = {
    seed: { type: "string" },
    runs: { type: "string" },
    seconds: { type: "string" },
    json: { type: "boolean" },
    save: { type: "boolean" },
    help: { type: "boolean" },
  };
  for (const f of c.flags ?? []) spec[f] = { type: "boolean" };
  for (const v of c.valued ?? []) spec[v] = { type: "string" };
  let values: Record<string, string | boolean | undefined>;
  try {
    const p = parseArgs({ args: [...args], options: spec, strict: true, allowPositionals: false });
    values = p.values as Record<string, string | boolean | undefined>;
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    const opt = /'(-[^' ]*)/.exec(m)?.[1];
    const code = (e as { code?: string }).code;
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && opt) return `${opt} needs a value`;
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      return `unexpected argument: ${m.split("'")[1]}`;
    }
    return opt ? `unknown option ${opt}` : m.split("\n")[0];
  }
  if (values.help) return "help";
  const seed = values.seed === undefined
    ? (Date.now() ^ Math.floor(Math.random() * 0x100000000)) | 0
    : _int(values.seed as string, "seed", -0x80000000, 0xffffffff);
  if (typeof seed === "string") return seed;
  const runs = values.runs === undefined ? undefined : _int(values.runs as string, "runs", 1, 1e12);
  if (typeof runs === "string") return runs;
  let seconds: number | undefined;
  if (values.seconds !== undefined) {
    seconds = Number(values.seconds);
    if (!(seconds > 0 && seconds < 1e9)) {
      return `--seconds wants a positive number, not "${values.seconds}"`;
    }
  }
  if (runs !== undefined && seconds !== undefined) return "give --runs or --seconds, not both";
  const extra = new Map<string, string | true>();
  for (const k of [...(c.flags ?? []), ...(c.valued ?? [])]) {
    const v = values[k];
    if (v !== undefined && v !== false) extra.set(k, v === true ? true : String(v));
  }
  return {
    seed: seed | 0,
    runs,
    seconds,
    json: values.json === true,
    save: values.save === true,
    extra,
  };
}

/**
 * Run the campaign `args[0]` of `campaigns` with the rest of `args`;
 * returns the exit status (usage errors are one line on stderr, status 2).
 */
export async function fuzzMain(
  args: readonly string[],
  io: CliIO,
  campaigns: Readonly<Record<string, Campaign>>,
): Promise<number> {
  const [name, ...rest] = args;
  if (name === "--help" || name === "-h" || name === "help") {
    _usage(campaigns).forEach((l) => io.out(l));
    return 0;
  }
  if (name === undefined || name.startsWith("-")) {
    io.err("fuzz: name a campaign: " + Object.keys(campaigns).join(", ") + " (--help for more)");
    return 2;
  }
  const c = Object.hasOwn(campaigns, name) ? campaigns[name] : undefined;
  if (c === undefined) {
    io.err(`fuzz: unknown campaign "${name}"; campaigns: ${Object.keys(campaigns).join(", ")}`);
    return 2;
  }
  const o = _options(rest, c);
  if (o === "help") {
    [`usage: deno task fuzz ${name} [options]`, c.summary, "options:", ..._COMMON, ...c.usage]
      .forEach((l) => io.out(l));
    return 0;
  }
  if (typeof o === "string") {
    io.err(`fuzz ${name}: ${o}`);
    return 2;
  }
  // The seed goes first, so even a crashed run can be repeated; stdout stays JSON with --json.
  (o.json ? io.err : io.out)(`seed ${o.seed}`);
  return await c.run(o, io);
}
