/**
 * The characters the rc lexer reads: a script's whole text, or standard
 * input pulled a chunk at a time so that an interactive line runs as soon
 * as it has been typed (rc reads and runs one command line at a time).
 *
 * @module
 */

/** The end of input, as the lexer sees it (rc's EOF). */
export const EOF = "";

/** A source of characters for the lexer. */
export class Input {
  #pull: () => string | null;
  #buf = "";
  #pos = 0;
  #done = false;

  /** Read from `pull`, which returns the next chunk of text or null at the end. */
  constructor(pull: () => string | null) {
    this.#pull = pull;
  }

  /** An input holding exactly `text`. */
  static of(text: string): Input {
    let given = false;
    return new Input(() => {
      if (given) return null;
      given = true;
      return text;
    });
  }

  /** The next character, or EOF (rc's rchr). */
  rchr(): string {
    while (this.#pos >= this.#buf.length) {
      if (this.#done) return EOF;
      const chunk = this.#pull();
      if (chunk === null) {
        this.#done = true;
        return EOF;
      }
      this.#buf = chunk;
      this.#pos = 0;
    }
    return this.#buf[this.#pos++];
  }
}
