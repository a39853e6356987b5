/**
 * Fuzz campaigns and what they are built from. Run them with
 * `deno task fuzz <campaign>` (fuzz/main.ts); `decoder` checks sim/cpu's
 * decoder against iced-x86.
 *
 * ```ts
 * import { DecoderCase, DecoderOracle, fromHex } from "./mod.ts";
 * const oracle = new DecoderOracle();
 * const v = oracle.check(new DecoderCase(32, fromHex("8b 45 f8")));
 * oracle.free();
 * if (v.kind !== "match" || v.ours.text !== "mov eax,dword ptr [ebp-8]") throw new Error(v.kind);
 * ```
 *
 * @module
 */

export { type Campaign, type CampaignOptions, fuzzMain } from "./cli.ts";
export { CAMPAIGNS } from "./main.ts";
export {
  DECODER_MODES,
  type DecoderArbOptions,
  DecoderCase,
  decoderCaseArb,
  type DecoderMode,
  type KnownOpcode,
  probeKnownOpcodes,
} from "./decoder_arb.ts";
export {
  createDecoderCampaign,
  decoderCampaign,
  type DecoderCampaignOptions,
  type DecoderCampaignReport,
  type DecoderCampaignSetup,
  decoderReportJson,
  formatDecoderReport,
  type MismatchReport,
  regressionLines,
  REGRESSIONS_URL,
  runDecoderCampaign,
} from "./decoder_campaign.ts";
export { fromHex, toHex } from "./decoder_hex.ts";
export { IcedDecoder, inertPrefixesRemoved } from "./decoder_iced.ts";
export {
  compareDecoded,
  type Decoded,
  type DecodeStatus,
  type MemRef,
  memRefText,
  normalizeIntel,
  type NormalizeOptions,
  type NormInsn,
  normText,
  parseNumber,
} from "./decoder_norm.ts";
export { MAP_ORDER, mapRank, type OpcodeKey, opcodeKey } from "./decoder_opmap.ts";
export {
  DecoderOracle,
  formatVerdict,
  relevantLength,
  type Verdict,
  type VerdictKind,
  verdictSignature,
} from "./decoder_oracle.ts";
export { decodeOurs, ORACLE_IP } from "./decoder_ours.ts";
export {
  appendVectors,
  checkVector,
  type DecoderVector,
  formatVector,
  parseVectors,
} from "./decoder_vectors.ts";
