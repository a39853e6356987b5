import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { namelenerror, parsename, sharpprefix, validname } from "./namec.ts";
import { rejects } from "../testdata/planerror.ts";

Deno.test("parsename: elements, end offsets, mustbedir", () => {
  assertEquals(parsename(""), { elems: [], off: [0], mustbedir: true });
  assertEquals(parsename("/"), { elems: [], off: [1], mustbedir: true });
  assertEquals(parsename("/a/b"), { elems: ["a", "b"], off: [1, 2, 4], mustbedir: false });
  assertEquals(parsename("//a/./b/"), { elems: ["a", "b"], off: [2, 3, 8], mustbedir: true });
  assertEquals(parsename("/a/.."), { elems: ["a", ".."], off: [1, 2, 5], mustbedir: false });
  assertEquals(parsename("/a/."), { elems: ["a"], off: [1, 4], mustbedir: true });
  assertEquals(parsename("/.a/..b/..."), {
    elems: [".a", "..b", "..."],
    off: [1, 3, 7, 11],
    mustbedir: false,
  });
});

Deno.test("sharpprefix: up to the first slash after the device character", () => {
  assertEquals(sharpprefix("#g"), "#g");
  assertEquals(sharpprefix("#g/vm.0"), "#g");
  assertEquals(sharpprefix("#gspec/x"), "#gspec");
  assertEquals(sharpprefix("#//x"), "#/");
  assertEquals(sharpprefix("#"), "#");
  assertEquals(sharpprefix("#" + "x".repeat(126)), "#" + "x".repeat(126));
  rejects(() => sharpprefix("#" + "x".repeat(127)), "file name syntax");
});

Deno.test("validname: controls and DEL refused, the name %q-quoted into genbuf", () => {
  validname("#g/ok name/é/\x80");
  rejects(() => validname("#g/a\x01b"), "bad character in file name: '#g/a\x01b'");
  rejects(() => validname("#g/a\x7fb"), "bad character in file name: #g/a\x7fb");
  rejects(() => validname("#g/it's\n"), "bad character in file name: '#g/it''s\n'");
  // The tab that needs quotes is past the 99 bytes left after the message: unquoted.
  const long = "#g/" + "y".repeat(200) + "\t";
  rejects(() => validname(long), "bad character in file name: " + long.slice(0, 99));
  // Needing quotes early, the name is quoted and cut so the closing quote fits.
  const early = "#g/\t" + "y".repeat(200);
  rejects(() => validname(early), "bad character in file name: '" + early.slice(0, 97) + "'");
  rejects(() => validname("x".repeat(65536)), "name too long");
});

Deno.test("namelenerror: short names whole", () => {
  rejects(
    () => namelenerror("#g/nope/x", 7, "file does not exist"),
    "file does not exist: '#g/nope'",
  );
  rejects(() => namelenerror("#g/it's", 7, "not a directory"), "not a directory: '#g/it''s'");
});

Deno.test("namelenerror: long names as '...' and whole trailing elements", () => {
  const a = "#g/" + "a".repeat(30) + "/" + "b".repeat(30) + "/" + "c".repeat(10);
  rejects(
    () => namelenerror(a, a.length, "file does not exist"),
    "file does not exist: '.../" + "b".repeat(30) + "/" + "c".repeat(10) + "'",
  );
  // A shorter error lets more of the name through: the suffix stops once it
  // has 42 bytes and, with the error, 85.
  const b = "#g/" + "a".repeat(30) + "/" + "b".repeat(40) + "/" + "c".repeat(20);
  rejects(
    () => namelenerror(b, b.length, "e".repeat(30)),
    "e".repeat(30) + ": '.../" + "c".repeat(20) + "'",
  );
  rejects(
    () => namelenerror(b, b.length, "e".repeat(10)),
    "e".repeat(10) + ": '.../" + "b".repeat(40) + "/" + "c".repeat(20) + "'",
  );
});

Deno.test("namelenerror: an overlong last element is chopped to its last 32 bytes", () => {
  const a = "#g/" + "x".repeat(100);
  rejects(
    () => namelenerror(a, a.length, "file does not exist"),
    "file does not exist: '..." + "x".repeat(32) + "'",
  );
  // Byte 72 is inside an "é": move forward to the next rune.
  const u = "#g/" + "\xc3\xa9".repeat(50) + "y";
  rejects(
    () => namelenerror(u, u.length, "file does not exist"),
    "file does not exist: '..." + "é".repeat(15) + "y'",
  );
});

Deno.test("namelenerror: the message is cut to ERRMAX-1 bytes, quotes kept whole", () => {
  rejects(() => namelenerror("#g/abcdef", 9, "e".repeat(120)), "e".repeat(120) + ": '#g/'");
  rejects(() => namelenerror("#g/abcdef", 9, "e".repeat(124)), "e".repeat(124) + ": ");
  rejects(() => namelenerror("#g/abcdef", 9, "e".repeat(126)), "e".repeat(126) + ":");
});
