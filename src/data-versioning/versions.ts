/**
 * The versions of a tracked path: the commits that changed its pointer file, each with the
 * content id the pointer named then (as `git log` of a `.dvc` file shows a DVC user their data's
 * history).
 */
import { fileCommits, readFileAtRevision } from '../core/index.js';
import { parsePointer } from './pointer.js';

export interface DataVersion {
  readonly commit: string;
  readonly time: number;
  readonly subject: string;
  /** The content id the pointer named at that commit (undefined where it was deleted or unreadable). */
  readonly hash: string | undefined;
}

/** The newest `limit` versions of the data whose pointer file is `pointerFile` (relative to `root`). */
export async function dataVersions(root: string, pointerFile: string, limit = 20): Promise<DataVersion[]> {
  const commits = await fileCommits(root, pointerFile, limit);
  return Promise.all(
    commits.map(async (commit) => {
      const text = await readFileAtRevision(root, commit.commit, pointerFile);
      let hash: string | undefined;
      try {
        hash = text === undefined ? undefined : parsePointer(text, `${commit.commit}:${pointerFile}`).hash;
      } catch {
        hash = undefined; // A pointer that was malformed then: the version is listed without its id.
      }
      return { ...commit, hash };
    }),
  );
}
