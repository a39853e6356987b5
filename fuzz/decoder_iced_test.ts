import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { fromHex, toHex } from "./decoder_hex.ts";
import { IcedDecoder, inertPrefixesRemoved } from "./decoder_iced.ts";
import { normText } from "./decoder_norm.ts";

function _with(f: (iced: IcedDecoder) => void): void {
  const iced = new IcedDecoder();
  try {
    f(iced);
  } finally {
    iced.free();
  }
}

const show = (iced: IcedDecoder, mode: number, hex: string) => {
  const d = iced.decode(mode, fromHex(hex));
  return `${d.status} ${d.len} ${d.norm ? normText(d.norm) : d.text}`;
};

Deno.test("IcedDecoder: statuses and normal forms", () => {
  _with((iced) => {
    assertEquals(show(iced, 32, "01 d8"), "ok 2 add eax, ebx");
    assertEquals(iced.decode(64, fromHex("8b 05 10 00 00 00")).text, "mov eax,dword ptr [rip+10h]");
    assertEquals(show(iced, 32, "f0 01 c0"), "invalid 3 invalid");
    assertEquals(show(iced, 32, "c7 00 01"), "truncated 3 truncated");
    assertEquals(show(iced, 32, "66 ".repeat(14) + "90 00"), "ok 15 xchg ax, ax");
  });
});

Deno.test("IcedDecoder: decoded fields fix the formatter's 64-bit numbers", () => {
  _with((iced) => {
    assertEquals(
      show(iced, 64, "48 a1 00 00 00 00 00 00 00 80"),
      "ok 10 mov rax, qword [0x8000000000000000]",
    );
    assertEquals(
      show(iced, 64, "a0 00 00 00 00 ff ff ff ff"),
      "ok 9 mov al, byte [0xffffffff00000000]",
    );
    assertEquals(
      show(iced, 64, "49 bf 01 00 00 00 00 00 00 80"),
      "ok 10 mov r15, 0x8000000000000001",
    );
    assertEquals(show(iced, 64, "e9 00 00 00 80"), "ok 5 jmp 0xffffffff80001005");
    assertEquals(show(iced, 64, "67 8b 05 f0 ff ff ff"), "ok 7 mov eax, dword [eip-0x10]");
    assertEquals(show(iced, 32, "8b 04 a5 f0 ff ff ff"), "ok 7 mov eax, dword ds:[0xfffffff0]");
    assertEquals(show(iced, 64, "26 8b 45 00"), "ok 4 mov eax, dword [rbp]");
    assertEquals(show(iced, 32, "26 8b 45 00"), "ok 4 mov eax, dword es:[ebp]");
  });
});

Deno.test("IcedDecoder: instructions no Intel CPU has are invalid", () => {
  _with((iced) => {
    assertEquals(
      show(iced, 32, "66 0f 78 c0 00 00"),
      "invalid 6 invalid (SSE4A: not on the modeled CPU)",
    );
    assertEquals(
      show(iced, 64, "0f 0f c0 b4"),
      "invalid 4 invalid (D3NOW: not on the modeled CPU)",
    );
    assertEquals(show(iced, 64, "0f 01 d8"), "invalid 3 invalid (SVM: not on the modeled CPU)");
    assertEquals(show(iced, 64, "0f 01 c1"), "ok 3 vmcall");
  });
});

Deno.test("IcedDecoder: TSX and ENCLV are not on the modeled Skylake client", () => {
  _with((iced) => {
    assertEquals(show(iced, 64, "c6 f8 05"), "invalid 3 invalid (RTM: not on the modeled CPU)");
    assertEquals(
      show(iced, 32, "c7 f8 00 00 00 00"),
      "invalid 6 invalid (RTM: not on the modeled CPU)",
    );
    assertEquals(show(iced, 64, "0f 01 d5"), "invalid 3 invalid (RTM: not on the modeled CPU)");
    assertEquals(
      show(iced, 16, "0f 01 d6"),
      "invalid 3 invalid (HLE_or_RTM: not on the modeled CPU)",
    );
    assertEquals(show(iced, 64, "0f 01 c0"), "invalid 3 invalid (OSS: not on the modeled CPU)");
    // SGX1 is on Skylake; HLE's prefixes on a locked instruction are plain F2/F3.
    assertEquals(show(iced, 64, "0f 01 cf"), "ok 3 encls");
    assertEquals(show(iced, 64, "f2 f0 01 00"), "ok 4 lock add dword [rax], eax");
  });
});

Deno.test("IcedDecoder: SYSCALL and SYSRET are 64-bit-mode only, as on Intel", () => {
  _with((iced) => {
    assertEquals(show(iced, 32, "0f 05"), "invalid 2 invalid (Intel: 64-bit mode only)");
    assertEquals(show(iced, 16, "0f 07"), "invalid 2 invalid (Intel: 64-bit mode only)");
    assertEquals(show(iced, 64, "0f 05"), "ok 2 syscall");
    assertEquals(show(iced, 64, "48 0f 07"), "ok 3 sysretq");
    assertEquals(show(iced, 32, "0f 34"), "ok 2 sysenter");
  });
});

Deno.test("IcedDecoder: the 15-byte limit told apart from invalid encodings", () => {
  _with((iced) => {
    assertEquals(show(iced, 32, "66 ".repeat(15) + "90"), "toolong 15 toolong");
    // Needs more bytes than are left after its inert prefixes: too long.
    assertEquals(
      show(iced, 64, "2e ".repeat(12) + "48 8b 04 25 00 00 00 00"),
      "toolong 15 toolong",
    );
    // Invalid whatever its length (INTO in 64-bit mode; AMD's INSERTQ): invalid at 15.
    assertEquals(show(iced, 64, "66 ".repeat(14) + "ce 06 00 00"), "invalid 15 invalid");
    assertEquals(show(iced, 16, "66 ".repeat(10) + "f2 0f 78 c0 00 00"), "invalid 15 invalid");
    // No prefix to take away, so no telling: invalid at 15, which lets ours say either.
    assertEquals(
      show(iced, 64, "f2 f3 66 67 48 c7 84 24 00 00 00 00 00 00 00 00"),
      "invalid 15 invalid",
    );
    // Only 15 bytes given: iced-x86 cannot tell, so invalid.
    assertEquals(show(iced, 32, "66 ".repeat(15)), "invalid 15 invalid");
  });
});

Deno.test("inertPrefixesRemoved keeps what can change length or validity", () => {
  const cut = (mode: number, hex: string) => {
    const [b, n] = inertPrefixesRemoved(mode, fromHex(hex));
    return `${toHex(b)} /${n}`;
  };
  assertEquals(cut(32, "66 66 26 f3 66 f2 f3 90"), "66 f2 f3 90 /4");
  assertEquals(cut(32, "26 64 8b 00"), "8b 00 /2");
  assertEquals(cut(32, "48 90"), "48 90 /0");
  assertEquals(cut(64, "48 66 41 26 8b 00"), "66 8b 00 /3");
  assertEquals(cut(64, "48 66 26 41 8b 00"), "66 41 8b 00 /2");
  assertEquals(cut(64, "48 66 8b 00"), "66 8b 00 /1");
  assertEquals(cut(64, "40 48 8b 00"), "48 8b 00 /1");
  assertEquals(cut(64, "01 d8"), "01 d8 /0");
});
