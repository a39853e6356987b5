import { deepEqual, equal, throws } from "node:assert/strict";
import { PlanError } from "../ns/mod.ts";
import { strToBytes } from "./bytes.ts";
import { cmderror, type Cmdtab, lookupcmd, parsecmd } from "./parse.ts";
import { errstrOf } from "../testdata/planerror.ts";

const _cmd = (s: string) => parsecmd(strToBytes(s));

const _TAB: readonly Cmdtab[] = Object.freeze([
  { index: 0, cmd: "quit", narg: 1 },
  { index: 1, cmd: "go", narg: 0 },
  { index: 4, cmd: "exc", narg: 2 },
]);

Deno.test("parsecmd: one trailing newline dropped, tokenized, stops at NUL", () => {
  deepEqual(_cmd("go 'pc=1;'\n"), { f: ["go", "pc=1;"], nf: 2 });
  deepEqual(_cmd("quit\n\n"), { f: ["quit"], nf: 1 });
  deepEqual(_cmd("a\0b c"), { f: ["a"], nf: 1 });
  deepEqual(_cmd(""), { f: [], nf: 0 });
  deepEqual(_cmd("\n"), { f: [], nf: 0 });
  deepEqual(_cmd("  exc   #gp,0  "), { f: ["exc", "#gp,0"], nf: 2 });
  deepEqual(_cmd("x 'a b' ''"), { f: ["x", "a b", ""], nf: 3 });
});

Deno.test("lookupcmd: finds the row and checks narg", () => {
  equal(lookupcmd(_cmd("quit"), _TAB).index, 0);
  equal(lookupcmd(_cmd("go a b c"), _TAB).index, 1);
  equal(lookupcmd(_cmd("exc #gp"), _TAB).index, 4);
  equal(lookupcmd(_cmd("anything"), [{ index: 9, cmd: "*", narg: 0 }]).index, 9);
});

Deno.test("lookupcmd: the three errors, fields %q-quoted", () => {
  equal(errstrOf(() => lookupcmd(_cmd(""), _TAB)), "empty control message");
  equal(errstrOf(() => lookupcmd(_cmd("  \n"), _TAB)), "empty control message");
  equal(errstrOf(() => lookupcmd(_cmd("bogus"), _TAB)), 'unknown control message "bogus"');
  equal(
    errstrOf(() => lookupcmd(_cmd("quit now 'a b' '' 'it''s'"), _TAB)),
    `wrong #args in control message "quit now 'a b' '' 'it''s'"`,
  );
  equal(errstrOf(() => lookupcmd(_cmd("exc"), _TAB)), 'wrong #args in control message "exc"');
  equal(errstrOf(() => lookupcmd(_cmd("Quit"), _TAB)), 'unknown control message "Quit"');
  throws(() => lookupcmd(_cmd("x"), []), PlanError);
});

Deno.test("cmderror: text cut at ERRMAX-10 bytes, then the closing quote", () => {
  const long = "x".repeat(200);
  const msg = errstrOf(() => cmderror(_cmd(long), "unknown control message"));
  equal(msg, 'unknown control message "' + "x".repeat(92) + '"');
  equal(msg.length, 118);
  // A field needing quotes is taken only as far as it fits with its quote.
  const m2 = errstrOf(() => cmderror(_cmd(`a '${"y ".repeat(60)}'`), "bad"));
  equal(m2, `bad "a '${"y ".repeat(54)}'"`);
  equal(m2.length, 118);
  // Fields after a full buffer add nothing; a blank still fits if room remains.
  const m3 = errstrOf(() => cmderror(_cmd(`${"z".repeat(92)} q`), "unknown control message"));
  equal(m3, 'unknown control message "' + "z".repeat(92) + '"');
  const m4 = errstrOf(() => cmderror(_cmd(`${"z".repeat(91)} q`), "unknown control message"));
  equal(m4, 'unknown control message "' + "z".repeat(91) + ' "');
});
