/** The one piece of a file's mode that Sluice records: whether it is executable. */

/** Only the executable bit survives: checkouts by hardlink leave files read-only, and that must not change the hash. */
export type FileMode = 0o644 | 0o755;

/** The mode a file is recorded with, from its stat mode. */
export function normalizeMode(statMode: number): FileMode {
  return (statMode & 0o111) !== 0 ? 0o755 : 0o644;
}
