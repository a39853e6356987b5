import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import fc from "fast-check";
import { decoderCaseArb } from "./decoder_arb.ts";
import { IcedDecoder } from "./decoder_iced.ts";
import {
  compareDecoded,
  type Decoded,
  memRefText,
  normalizeIntel,
  normText,
  parseNumber,
} from "./decoder_norm.ts";

const n = (text: string, mode = 32) => normText(normalizeIntel(text, mode));

Deno.test("parseNumber reads iced-x86's and the normal form's numbers", () => {
  assertEquals(
    ["9", "10", "0FFh", "00001000h", "-8", "0x1f", "-0x10", "eax", "0x", "h", "1e"].map(
      parseNumber,
    ),
    [9n, 10n, 255n, 4096n, -8n, 31n, -16n, undefined, undefined, undefined, undefined],
  );
});

Deno.test("prefix words: lock kept, rep kinds on string instructions only, hints dropped", () => {
  assertEquals(n("lock add dword ptr [eax],eax"), "lock add dword ds:[eax], eax");
  assertEquals(n("xrelease lock add dword ptr [eax],eax"), "lock add dword ds:[eax], eax");
  assertEquals(n("rep insb byte ptr [edi],dx"), "rep insb byte es:[edi], dx");
  assertEquals(n("repne insb byte ptr [edi],dx"), "rep insb byte es:[edi], dx");
  assertEquals(
    n("repe cmpsb byte ptr [esi],byte ptr [edi]"),
    "rep cmpsb byte ds:[esi], byte es:[edi]",
  );
  assertEquals(n("repnz scasb al,byte ptr [edi]"), "repne scasb al, byte es:[edi]");
  assertEquals(n("bnd rep data32 ret"), "ret");
  assertEquals(n("data16 push 1234h"), "push 0x1234");
  assertEquals(n("addr16 mov eax,dword ptr [1234h]"), "mov eax, dword ds:[0x1234]");
  assertEquals(n("ds monitor"), "monitor");
  assertEquals(n("hint-not-taken je short 00001003h"), "je 0x1003");
  assertEquals(n("notrack call eax"), "call eax");
  assertEquals(n("rex.w nop"), "nop");
  assertEquals(n("jmp far 0,0010h"), "jmp far 0x0, 0x10");
  assertEquals(n("call far dword ptr [1000h]", 16), "call far dword ds:[0x1000]");
  assertEquals(n("NOP"), "nop");
});

Deno.test("memory operands: effective segment, registers, wrapped signed displacement", () => {
  assertEquals(n("mov eax,dword ptr [ebp-8]"), "mov eax, dword ss:[ebp-0x8]");
  assertEquals(n("mov eax,dword ptr ds:[ebp]"), "mov eax, dword ds:[ebp]");
  assertEquals(n("mov eax,dword ptr [esp+10h]"), "mov eax, dword ss:[esp+0x10]");
  assertEquals(n("mov eax,dword ptr [ebx+eax*4+10h]"), "mov eax, dword ds:[ebx+eax*4+0x10]");
  assertEquals(n("mov eax,dword ptr [ebx+eax]"), "mov eax, dword ds:[ebx+eax*1]");
  assertEquals(n("mov eax,dword ptr [eax*1+10h]"), "mov eax, dword ds:[eax*1+0x10]");
  assertEquals(n("mov eax,dword ptr [eax+0FFFFFFF8h]"), "mov eax, dword ds:[eax-0x8]");
  assertEquals(n("mov ax,word ptr [bp+si-8000h]", 16), "mov ax, word ss:[bp+si*1-0x8000]");
  assertEquals(n("mov ax,word ptr [bp+0FFFFh]", 16), "mov ax, word ss:[bp-0x1]");
  assertEquals(n("mov eax,dword ptr es:[eax]"), "mov eax, dword es:[eax]");
  assertEquals(n("lea eax,[10h]"), "lea eax, ds:[0x10]");
  assertEquals(n("mov eax,dword ptr es:[rax]", 64), "mov eax, dword [rax]");
  assertEquals(n("mov eax,dword ptr [rbp]", 64), "mov eax, dword [rbp]");
  assertEquals(n("mov eax,dword ptr fs:[rax]", 64), "mov eax, dword fs:[rax]");
  assertEquals(n("mov eax,dword ptr [rip-10h]", 64), "mov eax, dword [rip-0x10]");
  assertEquals(
    n("mov rax,qword ptr [0FFFFFFFF80000000h]", 64),
    "mov rax, qword [0xffffffff80000000]",
  );
});

Deno.test("string operands: [edi] is always ES, [esi] DS or the override", () => {
  assertEquals(
    n("movsb byte ptr es:[edi],byte ptr es:[esi]"),
    "movsb byte es:[edi], byte es:[esi]",
  );
  assertEquals(n("outsd dx,dword ptr fs:[rsi]", 64), "outsd dx, dword fs:[rsi]");
  assertEquals(n("stosq qword ptr [rdi]", 64), "stosq qword [rdi]");
  // movsd with an XMM register is SSE: its memory operand is ordinary.
  assertEquals(n("movsd xmm0,qword ptr [edi]"), "movsd xmm0, qword ds:[edi]");
});

Deno.test("decoded fields replace the text's memory operand and 64-bit numbers", () => {
  const mem = { seg: "ss", base: "ebp", index: "", scale: 1, disp: -8n };
  assertEquals(
    normText(normalizeIntel("mov eax,dword ptr [ebp+10h]", 32, { mem })),
    "mov eax, dword ss:[ebp-0x8]",
  );
  // The first non-string memory operand gets them; string operands keep their own.
  assertEquals(
    normText(normalizeIntel("movsb byte ptr [edi],byte ptr [esi]", 32, { mem })),
    "movsb byte es:[edi], byte ds:[esi]",
  );
  assertEquals(
    normText(normalizeIntel("mov r15,1", 64, { numbers: [undefined, 0x8000000000000001n] })),
    "mov r15, 0x8000000000000001",
  );
});

Deno.test("memRefText: wraps to the register width, flat segments in 64-bit mode", () => {
  assertEquals(
    memRefText({ seg: "ds", base: "", index: "", scale: 1, disp: 0x10n }, 32),
    "ds:[0x10]",
  );
  assertEquals(
    memRefText({ seg: "ss", base: "bp", index: "si", scale: 1, disp: 0xfff8n }, 16),
    "ss:[bp+si*1-0x8]",
  );
  assertEquals(
    memRefText({ seg: "ds", base: "", index: "eax", scale: 4, disp: 0n }, 32),
    "ds:[eax*4]",
  );
  assertEquals(memRefText({ seg: "es", base: "rax", index: "", scale: 1, disp: 0n }, 64), "[rax]");
  assertEquals(
    memRefText({ seg: "gs", base: "rip", index: "", scale: 1, disp: 5n }, 64),
    "gs:[rip+0x5]",
  );
});

Deno.test("unparseable operands are kept as lowercased text", () => {
  assertEquals(n("fld st,st(1)"), "fld st, st(1)");
  assertEquals(n("vaddps zmm0{k1}{z},zmm1,zmm2", 64), "vaddps zmm0{k1}{z}, zmm1, zmm2");
  assertEquals(n("mov eax,dword ptr [eax+ebx+ecx]"), "mov eax, dword [eax+ebx+ecx]");
});

const _ok = (text: string, len: number, mode = 32): Decoded => ({
  status: "ok",
  len,
  text,
  norm: normalizeIntel(text, mode),
});
const _st = (status: Decoded["status"], len = 1): Decoded => ({ status, len, text: status });

Deno.test("compareDecoded names what differs", () => {
  const a = _ok("add eax,ebx", 2);
  assertEquals(compareDecoded(a, _ok("add eax,ebx", 2)), "");
  assertEquals(compareDecoded(a, _ok("add eax,ebx", 3)), "length");
  assertEquals(compareDecoded(a, _ok("sub eax,ebx", 2)), "mnemonic");
  assertEquals(compareDecoded(a, _ok("add eax,ecx", 2)), "operands");
  assertEquals(
    compareDecoded(_ok("lock add dword ptr [eax],eax", 3), _ok("add dword ptr [eax],eax", 3)),
    "prefixes",
  );
  assertEquals(compareDecoded(a, _st("invalid")), "status");
  assertEquals(compareDecoded(_st("invalid", 3), _st("invalid", 7)), "");
  assertEquals(compareDecoded(_st("truncated"), _st("truncated")), "");
  // Invalid at the limit: ours may call it either.
  assertEquals(compareDecoded(_st("toolong", 15), _st("invalid", 15)), "");
  assertEquals(compareDecoded(_st("toolong", 15), _st("invalid", 14)), "status");
  assertEquals(compareDecoded(_st("invalid", 15), _st("toolong", 15)), "status");
  // Invalid where the other decodes: a status mismatch whatever the lengths.
  assertEquals(compareDecoded(_st("invalid", 2), _ok("syscall", 2)), "status");
  assertThrows(() => compareDecoded({ status: "ok", len: 2, text: "x" }, a), /normal form/);
});

Deno.test("the normal form is a fixed point: normalising its own text changes nothing", () => {
  const iced = new IcedDecoder();
  try {
    fc.assert(
      fc.property(decoderCaseArb(), (c) => {
        const d = iced.decode(c.mode, c.bytes);
        if (d.norm === undefined) return;
        assertEquals(normalizeIntel(normText(d.norm), c.mode), d.norm);
      }),
      { seed: 0x5eed, numRuns: 2000 },
    );
  } finally {
    iced.free();
  }
});
