import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { fromHex } from "./decoder_hex.ts";
import { normText } from "./decoder_norm.ts";
import { decodeOurs } from "./decoder_ours.ts";

const ours = (mode: number, hex: string) => {
  const d = decodeOurs(mode, fromHex(hex));
  return `${d.status} ${d.len} ${d.norm ? normText(d.norm) : d.text}`;
};

Deno.test("decodeOurs: every status of sim/cpu's decoder", () => {
  assertEquals(ours(32, "01 d8"), "ok 2 add eax, ebx");
  assertEquals(ours(32, "f0 01 c0"), "invalid 3 invalid");
  assertEquals(ours(32, "66 ".repeat(15) + "90"), "toolong 15 toolong");
  assertEquals(ours(32, "c7 00 01"), "truncated 3 truncated");
  // VEX is not implemented yet; when it is, pick another unknown encoding.
  assertEquals(decodeOurs(64, fromHex("0f 0f c0 9e")).status, "invalid");
});

Deno.test("decodeOurs: the memory operand comes from the decoded fields", () => {
  assertEquals(ours(32, "8b 45 f8"), "ok 3 mov eax, dword ss:[ebp-0x8]");
  assertEquals(ours(32, "26 8b 04 9d 10 00 00 00"), "ok 8 mov eax, dword es:[ebx*4+0x10]");
  assertEquals(ours(16, "8b 02"), "ok 2 mov ax, word ss:[bp+si*1]");
  assertEquals(ours(16, "8b 06 34 12"), "ok 4 mov ax, word ds:[0x1234]");
  assertEquals(ours(64, "8b 05 f0 ff ff ff"), "ok 6 mov eax, dword [rip-0x10]");
  assertEquals(ours(64, "67 8b 05 10 00 00 00"), "ok 7 mov eax, dword [eip+0x10]");
  assertEquals(ours(64, "48 8b 04 25 00 00 00 80"), "ok 8 mov rax, qword [0xffffffff80000000]");
  assertEquals(ours(64, "67 8b 04 25 00 00 00 80"), "ok 8 mov eax, dword [0x80000000]");
  assertEquals(
    ours(64, "48 a1 00 00 00 00 00 00 00 80"),
    "ok 10 mov rax, qword [0x8000000000000000]",
  );
  assertEquals(ours(32, "a1 00 00 00 80"), "ok 5 mov eax, dword ds:[0x80000000]");
  assertEquals(ours(16, "a1 00 80"), "ok 3 mov ax, word ds:[0x8000]");
  assertEquals(ours(64, "4b 8b 04 e0"), "ok 4 mov rax, qword [r8+r12*8]");
  assertEquals(ours(16, "67 8b 04 24"), "ok 4 mov ax, word ss:[esp]");
  assertEquals(ours(16, "67 8b 44 24 08"), "ok 5 mov ax, word ss:[esp+0x8]");
  assertEquals(ours(64, "66 41 8b 04 24"), "ok 5 mov ax, word [r12]");
  assertEquals(ours(32, "66 67 8b 04"), "ok 4 mov ax, word ds:[si]");
  assertEquals(ours(64, "67 45 8b 04 24"), "ok 5 mov r8d, dword [r12d]");
  assertEquals(ours(16, "66 67 8b 04 24"), "ok 5 mov eax, dword ss:[esp]");
  // Register forms have no memory operand.
  assertEquals(ours(32, "0f 20 c0"), "ok 3 mov eax, cr0");
  assertEquals(ours(32, "0f 01 c1"), "ok 3 vmcall");
});
