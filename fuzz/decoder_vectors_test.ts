import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { fromHex } from "./decoder_hex.ts";
import { normalizeIntel, normText } from "./decoder_norm.ts";
import { appendVectors, checkVector, formatVector, parseVectors } from "./decoder_vectors.ts";

Deno.test("parseVectors reads instructions, failures and comments", () => {
  const vs = parseVectors(
    [
      "# a comment",
      "",
      "32 | 8b 45 f8 | 3 | mov eax,dword ptr [ebp-8]   # trailing comment",
      "64 | f0 90 00 | - | invalid",
      "32 | 66 66 | - | truncated",
      "32 | 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90 | - | toolong",
      "16 | 8b 46 f8 | 3 | mov ax, word ss:[bp-0x8]",
    ].join("\n"),
    "t.txt",
  );
  assertEquals(vs.map((v) => [v.where, v.mode, v.bytes.length, v.expect.status, v.expect.len]), [
    ["t.txt:3", 32, 3, "ok", 3],
    ["t.txt:4", 64, 3, "invalid", 0],
    ["t.txt:5", 32, 2, "truncated", 0],
    ["t.txt:6", 32, 16, "toolong", 0],
    ["t.txt:7", 16, 3, "ok", 3],
  ]);
  assertEquals(vs[0].expect.norm, normalizeIntel("mov eax,dword ptr [ebp-8]", 32));
  assertEquals(vs[0].expect.text, "mov eax,dword ptr [ebp-8]");
});

Deno.test("parseVectors names the file, line and problem", () => {
  const bad = (line: string, why: RegExp) =>
    assertThrows(() => parseVectors("\n" + line, "v.txt"), why);
  bad(
    "32 | 90 | 1",
    /^Error: v\.txt:2: want mode \| bytes \| length \| instruction: "32 \| 90 \| 1"$/,
  );
  bad("8 | 90 | 1 | nop", /v\.txt:2: mode must be 16, 32 or 64/);
  bad("32 | 9 | 1 | nop", /v\.txt:2: bytes must be hex pairs/);
  bad("32 | 90 | 1 | invalid", /v\.txt:2: length of invalid must be -/);
  bad("32 | 90 | - | nop", /v\.txt:2: length must be 1 to 15/);
  bad("32 | 90 | 16 | nop", /v\.txt:2: length must be 1 to 15/);
  bad("32 | 90 | 0 | nop", /v\.txt:2: length must be 1 to 15/);
});

Deno.test("formatVector writes the normal form; failures with length -", () => {
  const norm = normalizeIntel("mov eax,dword ptr [ebp-8]", 32);
  assertEquals(
    formatVector(32, fromHex("8b 45 f8"), { status: "ok", len: 3, text: "x", norm }),
    "32 | 8b 45 f8 | 3 | " + normText(norm),
  );
  assertEquals(
    formatVector(64, fromHex("ce 00"), { status: "invalid", len: 2, text: "invalid" }),
    "64 | ce 00 | - | invalid",
  );
  // A line written is a line read back.
  const [v] = parseVectors(
    formatVector(32, fromHex("8b 45 f8"), { status: "ok", len: 3, text: "x", norm }),
    "r",
  );
  assertEquals(v.expect.norm, norm);
});

Deno.test("checkVector: match, or mismatch with its reason", () => {
  const vs = parseVectors(
    [
      "32 | 8b 45 f8 | 3 | mov eax,dword ptr [ebp-8]",
      "32 | 8b 45 f8 | 3 | mov eax,dword ptr [ebp-4]",
      "32 | 8b 45 f8 | - | invalid",
      "64 | c5 f8 77 | 3 | vzeroupper",
      "64 | 0f 0f c0 9e | - | invalid",
    ].join("\n"),
    "c",
  );
  assertEquals(
    vs.map((v) => {
      const c = checkVector(v);
      return `${c.kind} ${c.reason} ${c.ours.status}`;
    }),
    ["match  ok", "mismatch operands ok", "mismatch status ok", "match  ok", "match  invalid"],
  );
});

Deno.test("appendVectors creates the file, skips lines it has, keeps what was there", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/r.txt`;
    assertEquals(
      appendVectors(path, ["32 | 90 | 1 | nop", "32 | 90 | 1 | nop", "16 | 90 | 1 | nop"]),
      2,
    );
    Deno.writeTextFileSync(path, Deno.readTextFileSync(path) + "# no newline");
    assertEquals(appendVectors(path, ["32 | 90 | 1 | xchg eax, eax", "64 | 90 | 1 | nop"]), 1);
    assertEquals(appendVectors(path, []), 0);
    assertEquals(
      Deno.readTextFileSync(path),
      "32 | 90 | 1 | nop\n16 | 90 | 1 | nop\n# no newline\n64 | 90 | 1 | nop\n",
    );
    assertThrows(() => appendVectors(dir, ["32 | 90 | 1 | nop"]));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
