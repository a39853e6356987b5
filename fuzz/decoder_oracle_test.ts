import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { DecoderCase, type DecoderMode } from "./decoder_arb.ts";
import { fromHex } from "./decoder_hex.ts";
import { type Decoded, normalizeIntel } from "./decoder_norm.ts";
import {
  DecoderOracle,
  formatVerdict,
  relevantLength,
  type Verdict,
  verdictSignature,
} from "./decoder_oracle.ts";

function _check(mode: DecoderMode, hex: string): Verdict {
  const o = new DecoderOracle();
  try {
    return o.check(new DecoderCase(mode, fromHex(hex)));
  } finally {
    o.free();
  }
}

const _ok = (text: string, len: number, mode = 64): Decoded => ({
  status: "ok",
  len,
  text,
  norm: normalizeIntel(text, mode),
});

/** A made-up verdict: `ours` and `iced` as given. */
function _verdict(
  reason: string,
  ours: Decoded,
  iced: Decoded,
  hex = "65 3e 8b 00 00 00",
  mode = 64,
): Verdict {
  return {
    kind: "mismatch",
    reason,
    mode,
    bytes: fromHex(hex),
    ours,
    iced,
    key: { map: "1B", op: 0x8b },
  };
}

Deno.test("DecoderOracle: match, a modeled-CPU difference, and the opcode key", () => {
  const m = _check(32, "8b 45 f8 00");
  assertEquals([m.kind, m.reason, m.ours.text, m.iced.text, m.key], [
    "match",
    "",
    "mov eax,dword ptr [ebp-8]",
    "mov eax,dword ptr [ebp-8]",
    { map: "1B", op: 0x8b },
  ]);
  // 3DNow! is AMD's: iced-x86 decodes it, the modeled CPU raises #UD, and so do we.
  const u = _check(64, "0f 0f c0 9e");
  assertEquals([u.kind, u.reason, u.ours.status, u.iced.status, u.key], [
    "match",
    "",
    "invalid",
    "invalid",
    { map: "3DNow", op: 0x0f },
  ]);
});

Deno.test("relevantLength: the longer decode, or 16 at the 15-byte limit", () => {
  const tl: Decoded = { status: "toolong", len: 15, text: "toolong" };
  const inv: Decoded = { status: "invalid", len: 3, text: "invalid" };
  const hex = "66 ".repeat(17) + "90";
  assertEquals(relevantLength(_verdict("status", _ok("nop", 2), _ok("nop", 4), hex)), 4);
  assertEquals(relevantLength(_verdict("status", inv, tl, hex)), 16);
  assertEquals(relevantLength(_verdict("status", inv, tl, "66 66")), 2);
  assertEquals(
    relevantLength(_verdict("status", { status: "invalid", len: 0, text: "" }, inv, hex)),
    3,
  );
});

Deno.test("verdictSignature: by opcode, except prefix and segment differences", () => {
  const seg = _verdict(
    "operands",
    _ok("add byte ptr [rax],al", 4),
    _ok("add byte ptr gs:[rax],al", 4),
  );
  assertEquals(verdictSignature(seg), "64 operands segment");
  const ops = _verdict(
    "operands",
    _ok("add byte ptr [rax],al", 4),
    _ok("add byte ptr [rcx],al", 4),
  );
  assertEquals(verdictSignature(ops), "64 operands ok/ok 1B 8b");
  const pfx = _verdict(
    "prefixes",
    _ok("rep cmpsb byte ptr [rsi],byte ptr [rdi]", 2),
    _ok("cmpsb byte ptr [rsi],byte ptr [rdi]", 2),
  );
  assertEquals(verdictSignature(pfx), "64 prefixes [rep] vs []");
  const st = _verdict("status", { status: "invalid", len: 1, text: "invalid" }, _ok("nop", 1));
  assertEquals(verdictSignature(st), "64 status invalid/ok 1B 8b");
});

Deno.test("formatVerdict: mode, relevant bytes, both sides raw and normalised", () => {
  const v = _verdict(
    "operands",
    _ok("add byte ptr [rax],al", 4),
    _ok("add byte ptr gs:[rax],al", 4),
  );
  assertEquals(formatVerdict(v), [
    "64-bit 65 3e 8b 00  (operands mismatch)",
    "  ours: add byte ptr [rax],al  (4 bytes)",
    "  iced: add byte ptr gs:[rax],al  (4 bytes)",
    "  ours normalised: add byte [rax], al",
    "  iced normalised: add byte gs:[rax], al",
  ]);
  const st = _verdict("status", { status: "truncated", len: 1, text: "truncated" }, {
    status: "invalid",
    len: 3,
    text: "invalid",
  });
  assertEquals(formatVerdict(st), [
    "64-bit 65 3e 8b  (status mismatch)",
    "  ours: truncated after 1 bytes",
    "  iced: invalid after 3 bytes",
  ]);
  assertEquals(formatVerdict({ ...st, reason: "" })[0], "64-bit 65 3e 8b");
});
