/**
 * `deno task sh [--record TRACE] [SCRIPT [ARG ...]]`: argument handling,
 * help, and wiring of the shell to a kernel process, the host files and
 * the standard streams.
 *
 * @module
 */

import type { Syscalls } from "../../sim/ns/mod.ts";
import { commands } from "./cmd/mod.ts";
import { Input } from "./input.ts";
import { EXIT_OK, EXIT_USAGE, Shell } from "./shell.ts";
import { Space } from "./space.ts";
import { readerFile, type SyncReader, type SyncWriter, textChunks, writerFile } from "./stdio.ts";

/** The help text of `deno task sh --help`. */
export const HELP = `usage: deno task sh [--record TRACE] [SCRIPT [ARG ...]]

Run rc commands against the simulated 9front kernel, as a Plan 9 user
drives the real #X (vmx) and #g (segment) devices:

  mkdir '#g/vm.0'
  echo va 0x10000000 0x100000 sticky >'#g/vm.0/ctl'
  cp examples/guest/hello.bin '#g/vm.0/data'
  vm=\`{cat '#X/clone'}
  echo 'rwx wb 0x1000 0x101000 vm.0 0x0' >'#X/'$vm'/map'
  echo 'go pc=0x1000;' >'#X/'$vm'/ctl'
  read <'#X/'$vm'/wait'

Commands are read from SCRIPT, else from standard input (prompting with
"% " when it is a terminal), and run one line at a time, as rc does.
ARGs are $1, $2, ... ($*); $0 is SCRIPT. One kernel serves the whole run;
commands run as user glenda, the host owner.

Names beginning with '#' are files of the simulated kernel; any other
name is a host file, relative to the current directory. rc treats an
unquoted # as the start of a comment, so quote device names: '#X/clone'.

The rc subset:
  quoting '...' ('' is a quote), # comments, \\ at the end of a line
  ; and newlines, { ... } groups
  x=value  x=(a b c)  x=()  and  x=value cmd  (for that command only)
  $x  $#x  $"x  $x(2)  $x(2-3)  $x(2-)  $1  $*  $0  (list)  a^b  and
  rc's free carets ('#X/'$vm'/ctl' is one word)
  \`{cmd}  and  \`split{cmd}  (split on $ifs, or on split's characters)
  >file (create(2) OWRITE: truncates, so >map clears a map)  >>file
  (open OWRITE, seek to end, create if missing)  <file  <>file (ORDWR)
  >[2]file  >[2=1]  >[1=]  and  >file  alone, which just creates
Refused with a syntax error: pipes, &, &&, ||, if/for/while/switch/fn,
~, !, @, here documents, <{cmd}, and unquoted *, ? or [ (no globbing).
$status is not set, and no environment variables are imported.

Commands (each makes exactly the system calls its 9front source makes):
  echo [-n] [arg ...]    one write of the whole line (-n: no newline)
  cat [file ...]         32768-byte reads (IOUNIT) until a read returns 0,
                         each chunk written; stops at the first error
  read [file ...]        ONE read(2) of up to 8192 bytes per file, printed
                         as returned: on #X/N/wait that is one exit line.
                         9front's read(1) reads a byte at a time; on the
                         real device its first one-byte read would consume
                         the whole line and lose the rest, so this read
                         differs on purpose. read(1)'s options are absent.
  ls [-dlmnpqrsuFQT] [file ...]
                         dirstat, then dirreadall of directories; -l shows
                         times in GMT (the kernel's files have time 0);
                         -t is refused
  mkdir [-p] [-m mode] dir ...
                         create(2) with DMDIR|0777; mkdir '#g/NAME' makes
                         a global segment
  rm [-fr] file ...      remove(2)
  cp fromfile tofile | cp fromfile ... todir
                         between kernel and host files either way; the
                         target is created OWRITE (an existing file is
                         truncated), then 32768-byte reads and writes.
                         -g, -u and -x are refused (no wstat)
A command name may also be written /bin/NAME.

Errors:
  A failing command prints one line on standard error, in its 9front
  format with the Plan 9 error string (echo: write error: VM not ready),
  and the script goes on.
  A shell error (a redirection that cannot be opened, a bad ^) prints
  FILE:LINE: MESSAGE as rc does and, as in rc, ends the script.
  A syntax error prints FILE:LINE: token T: MESSAGE and ends the script;
  lines before it have already run. (Standard input is named #d/0, as rc
  names it.) With a terminal, errors do not end the session.
  A simulator failure (a case the simulator does not model) prints one
  line starting "sh:" and ends the run.

Exit status: 0 if every command succeeded; 1 if a command failed or a
shell error ended the script; 2 for bad usage of sh or a syntax error;
3 for a simulator failure.

Options:
  --record TRACE   record every system call of the run on the simulated
                   kernel in TRACE (see docs/trace-format.md); replay it
                   with deno task replay TRACE
  --help           print this text
  --               end of options
`;

/** What `main` runs on. */
export interface MainOptions {
  /** Standard input, and whether it is a terminal. */
  stdin: SyncReader & { isTerminal(): boolean };
  /** Standard output. */
  stdout: SyncWriter;
  /** Standard error. */
  stderr: SyncWriter;
  /** A process of a new simulated kernel, made once the arguments are good. */
  kernel: () => Syscalls;
  /** The host files. */
  host: Syscalls;
  /** The clock, in seconds (ls -l). */
  now: () => number;
  /** The text of a script file; throws with a message if it cannot be read. */
  readScript: (path: string) => string;
  /**
   * Recording into file `trace`: a kernel process whose system calls are
   * recorded, and what to do once the run is over. Throws with a message if
   * the trace cannot be created.
   */
  record?: (trace: string) => { sys: Syscalls; finish(): void };
}

const _enc = new TextEncoder();

/** Run sh with command-line `args`; the exit status. */
export function main(args: string[], o: MainOptions): number {
  const say = (w: SyncWriter, text: string) => writerFile(w).write(_enc.encode(text));
  const usage = (message: string) => {
    say(o.stderr, `sh: ${message}\n`);
    return EXIT_USAGE;
  };
  let trace: string | null = null;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      i++;
      break;
    }
    if (a === "--help" || a === "-h") {
      say(o.stdout, HELP);
      return EXIT_OK;
    }
    if (a === "--record" || a.startsWith("--record=")) {
      trace = a === "--record" ? args[++i] ?? "" : a.slice("--record=".length);
      if (trace === "") return usage("--record needs a trace file name");
      continue;
    }
    if (a.startsWith("-") && a !== "-") return usage(`unknown option ${a} (see --help)`);
    break;
  }
  const [script, ...rest] = args.slice(i);
  let source: Input;
  if (script === undefined) {
    source = new Input(textChunks(o.stdin));
  } else {
    try {
      source = Input.of(o.readScript(script));
    } catch (e) {
      return usage(`cannot read script "${script}": ${(e as Error).message}`);
    }
  }
  if (trace !== null && !o.record) return usage(`--record ${trace}: recording is not available`);
  let recording: { sys: Syscalls; finish(): void } | null = null;
  if (trace !== null) {
    try {
      recording = o.record!(trace);
    } catch (e) {
      return usage(`cannot record "${trace}": ${(e as Error).message}`);
    }
  }
  const sys = recording?.sys ?? o.kernel();
  const interactive = script === undefined && o.stdin.isTerminal();
  const shell = new Shell({
    space: new Space(sys, o.host),
    commands: commands({ now: o.now }),
    stdin: readerFile(o.stdin),
    stdout: writerFile(o.stdout),
    stderr: writerFile(o.stderr),
    file: script ?? "#d/0",
    args: rest,
    interactive,
  });
  try {
    return shell.run(source);
  } finally {
    recording?.finish();
  }
}
