/**
 * Option parsing as 9front's ARGBEGIN/ARGEND/ARGF (libc.h): options are the
 * leading arguments that start with `-` and have more after it; letters may
 * be clustered (`-lq`); `--` ends them; an option's argument is the rest of
 * its cluster or else the next argument.
 *
 * @module
 */

/** Walks the options of one argv (argv[0] is the command name). */
export class Arg {
  readonly #argv: readonly string[];
  #i = 0;
  #rest = "";
  #done = false;

  /** Parse `argv`. */
  constructor(argv: readonly string[]) {
    this.#argv = argv;
  }

  /** The next option letter, or null once the options have ended. */
  next(): string | null {
    if (this.#done) return null;
    while (this.#rest === "") {
      const a = this.#argv[++this.#i];
      if (a === undefined || a[0] !== "-" || a.length < 2) {
        this.#done = true;
        return null;
      }
      if (a === "--") {
        this.#i++;
        this.#done = true;
        return null;
      }
      this.#rest = a.slice(1);
    }
    const c = String.fromCodePoint(this.#rest.codePointAt(0)!);
    this.#rest = this.#rest.slice(c.length);
    return c;
  }

  /** ARGF: the current option's argument, or null if there is none. */
  arg(): string | null {
    if (this.#rest !== "") {
      const a = this.#rest;
      this.#rest = "";
      return a;
    }
    if (this.#i + 1 < this.#argv.length) return this.#argv[++this.#i];
    return null;
  }

  /** The operands after the options (call once `next` has returned null). */
  operands(): string[] {
    return this.#argv.slice(this.#i);
  }
}
