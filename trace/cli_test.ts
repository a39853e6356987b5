import { deepEqual, equal, ok } from "node:assert/strict";
import { consoleIO, intOption, openTrace, parseArgs, traceFiles } from "./cli.ts";
import { TraceFile } from "./reader.ts";
import { withTempDir } from "./testdata/io.ts";
import { sampleTrace } from "./testdata/sample.ts";

Deno.test("parseArgs separates flags, valued options and the rest", () => {
  const p = parseArgs(["a", "--json", "--from", "3", "--to=4", "-", "--", "--json"], ["--json"], [
    "--from",
    "--to",
  ]);
  if (typeof p === "string") throw new Error(p);
  deepEqual([...p.flags], ["--json"]);
  deepEqual([...p.values], [["--from", "3"], ["--to", "4"]]);
  deepEqual(p.rest, ["a", "-", "--json"]);
  equal(parseArgs(["--nope"], [], []), "unknown option --nope");
  equal(parseArgs(["--json=1"], ["--json"], []), "unknown option --json=1");
  equal(parseArgs(["--from"], [], ["--from"]), "--from needs a value");
});

Deno.test("intOption wants a non-negative integer", () => {
  const p = parseArgs(["--n", "12", "--m", "x"], [], ["--n", "--m", "--k"]);
  if (typeof p === "string") throw new Error(p);
  equal(intOption(p, "--n"), 12);
  equal(intOption(p, "--k"), undefined);
  equal(intOption(p, "--m"), '--m wants a non-negative integer, not "x"');
});

Deno.test("traceFiles expands directories into sorted *.trace files, recursively", () => {
  withTempDir((dir) => {
    Deno.mkdirSync(`${dir}/sub`);
    for (const f of ["b.trace", "a.trace", "notes.txt", "sub/c.trace"]) {
      Deno.writeTextFileSync(`${dir}/${f}`, "");
    }
    deepEqual(traceFiles([`${dir}/`]), [`${dir}/a.trace`, `${dir}/b.trace`, `${dir}/sub/c.trace`]);
    deepEqual(traceFiles(["x.trace", `${dir}/sub`]), ["x.trace", `${dir}/sub/c.trace`]);
    Deno.mkdirSync(`${dir}/empty`);
    equal(traceFiles([`${dir}/empty`]), `no *.trace files under ${dir}/empty`);
  });
});

Deno.test("openTrace gives a trace or one line naming the file and the problem", () => {
  withTempDir((dir) => {
    Deno.writeFileSync(`${dir}/a.trace`, sampleTrace());
    ok(openTrace(`${dir}/a.trace`) instanceof TraceFile);
    equal(openTrace(`${dir}/none.trace`), `cannot read trace "${dir}/none.trace": no such file`);
  });
});

Deno.test("consoleIO shows progress only on a terminal", () => {
  const io = consoleIO();
  equal(io.progress === undefined, !Deno.stderr.isTerminal());
});
