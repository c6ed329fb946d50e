/** Words of shell commands Sluice prints or writes, so they can be pasted into a POSIX shell as they are. */

/**
 * A shell word: as it is when it holds only characters no shell treats specially, else in single
 * quotes (a URL's `?` or `&` would glob or fork). `${…}` may stay unquoted where the caller wants
 * the shell to interpolate it (`keepVariables`).
 */
export function shellWord(text: string, options: { readonly keepVariables?: boolean } = {}): string {
  const safe = options.keepVariables ? /^[\w@%+=:,./${}-]+$/ : /^[\w@%+=:,./-]+$/;
  // String(): error hints are also rendered for docs/errors.md with placeholder objects.
  const word = String(text);
  return safe.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
