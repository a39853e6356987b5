/**
 * `deno task fuzz <campaign> [options]` (task: `deno run -A fuzz/main.ts`).
 * Adding a campaign is one line in CAMPAIGNS.
 *
 * @module
 */

import { consoleIO } from "../trace/mod.ts";
import { type Campaign, fuzzMain } from "./cli.ts";
import { decoderCampaign } from "./decoder_campaign.ts";
import { nativeCampaign } from "./native.ts";

/** The campaigns by name. */
export const CAMPAIGNS: Readonly<Record<string, Campaign>> = Object.freeze({
  decoder: decoderCampaign,
  native: nativeCampaign,
});

if (import.meta.main) Deno.exit(await fuzzMain(Deno.args, consoleIO(), CAMPAIGNS));
