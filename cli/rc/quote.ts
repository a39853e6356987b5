/**
 * rc-style quoting as 9front prints names: rc's own `%q` (pwrd in
 * cmd/rc/io.c) and libc's `%q` with `doquote = needsrcquote`, which ls(1)
 * installs. Both quote a word that is empty or holds a blank, a control
 * character or one of rc's special characters, doubling embedded quotes.
 *
 * @module
 */

const _SPECIAL = "`^#*[]=|\\?${}()'<>&;";

/** Whether rc would need quotes around character `c` (needsrcquote). */
export function needsrcquote(c: string): boolean {
  return c <= " " || _SPECIAL.includes(c);
}

/** `s` quoted as rc's `%q` prints it: bare when safe, else in single quotes. */
export function rcquote(s: string): string {
  if (s !== "" && ![...s].some(needsrcquote)) return s;
  return quoted(s);
}

/** `s` always in single quotes with quotes doubled, as `%#q` prints it. */
export function quoted(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
