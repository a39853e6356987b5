import { deepEqual } from "node:assert/strict";
import fc from "fast-check";
import { bytesToStr } from "./bytes.ts";
import { smprint } from "./dofmt.ts";
import { tokenize } from "./tokenize.ts";

Deno.test("tokenize: blanks, tabs, CRs and newlines separate; runs count once", () => {
  deepEqual(tokenize("  a\tb\r\nc  ", 10), ["a", "b", "c"]);
  deepEqual(tokenize("", 10), []);
  deepEqual(tokenize(" \t\r\n", 10), []);
  deepEqual(tokenize("a,b;c=d", 10), ["a,b;c=d"]);
  deepEqual(tokenize("a\vb\fc", 10), ["a\vb\fc"]);
});

Deno.test("tokenize: rc quotes", () => {
  deepEqual(tokenize("'b c'", 10), ["b c"]);
  deepEqual(tokenize("'d''e'", 10), ["d'e"]);
  deepEqual(tokenize("''", 10), [""]);
  deepEqual(tokenize("'' x ''", 10), ["", "x", ""]);
  deepEqual(tokenize("f'g'h", 10), ["fgh"]);
  deepEqual(tokenize("a' 'b", 10), ["a b"]);
  deepEqual(tokenize("'a'' b'", 10), ["a' b"]);
  deepEqual(tokenize("''''", 10), ["'"]);
  deepEqual(tokenize("it's", 10), ["its"]);
});

Deno.test("tokenize: an unterminated quote runs to the end", () => {
  deepEqual(tokenize("'abc x", 10), ["abc x"]);
  deepEqual(tokenize("a 'b\tc\n", 10), ["a", "b\tc\n"]);
  deepEqual(tokenize("'", 10), [""]);
  deepEqual(tokenize("x '' '", 10), ["x", "", ""]);
});

Deno.test("tokenize: max fields, the rest ignored", () => {
  deepEqual(tokenize("a b c", 2), ["a", "b"]);
  deepEqual(tokenize("a 'b c' d", 2), ["a", "b c"]);
  deepEqual(tokenize("a b", 0), []);
  deepEqual(tokenize("a b", -1), []);
});

Deno.test("tokenize: stops at NUL; other bytes pass through", () => {
  deepEqual(tokenize("a b\0c d", 10), ["a", "b"]);
  deepEqual(tokenize("\xff\xe9 '\x80'", 10), ["\xff\xe9", "\x80"]);
});

const _utf8 = (s: string) => bytesToStr(new TextEncoder().encode(s));
const _field = fc.string({ unit: "binary", maxLength: 12 }).filter((s) => !s.includes("\0"))
  .map(_utf8);

Deno.test("tokenize inverts %q for any valid UTF-8 fields", () => {
  fc.assert(
    fc.property(
      fc.array(_field, { maxLength: 6 }),
      fc.constantFrom(" ", "\t", "  \n"),
      (fs, sep) => {
        const line = fs.map((f) => smprint("%q", f)).join(sep);
        deepEqual(tokenize(line, 100), fs);
      },
    ),
    { seed: 0x5eed, numRuns: 1000 },
  );
});

Deno.test("tokenize inverts %#q, quoting every field", () => {
  fc.assert(
    fc.property(fc.array(_field, { maxLength: 6 }), (fs) => {
      deepEqual(tokenize(fs.map((f) => smprint("%#q", f)).join(" "), 100), fs);
    }),
    { seed: 0x5eed, numRuns: 500 },
  );
});
