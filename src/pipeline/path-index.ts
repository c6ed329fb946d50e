/**
 * Entries keyed by root-relative posix paths, found by overlap: the same path, a directory
 * containing it, or a path inside it ({@link pathsOverlap}). Building the DAG asks this of every
 * dep against every out; comparing each pair made a pipeline of n stages cost n² (about 80 ms at
 * 1,000 stages), while this costs the depth of the path per question.
 */
export class PathIndex<T> {
  /** Entries by their own path. */
  private readonly at = new Map<string, Entry<T>[]>();
  /** Entries by each directory that contains their path. */
  private readonly under = new Map<string, Entry<T>[]>();
  private added = 0;

  add(path: string, value: T): void {
    const entry = { order: this.added++, value };
    push(this.at, path, entry);
    for (const directory of ancestors(path)) push(this.under, directory, entry);
  }

  /** Entries whose path overlaps `path`, in the order they were added. */
  overlapping(path: string): T[] {
    return inOrder([...this.atOrAbove(path), ...(this.under.get(path) ?? [])]);
  }

  /** The first-added entry at `path` or at a directory containing it. */
  containing(path: string): T | undefined {
    return inOrder(this.atOrAbove(path))[0];
  }

  private atOrAbove(path: string): Entry<T>[] {
    const found = [...(this.at.get(path) ?? [])];
    for (const directory of ancestors(path)) found.push(...(this.at.get(directory) ?? []));
    return found;
  }
}

function inOrder<T>(entries: Entry<T>[]): T[] {
  return entries.sort((a, b) => a.order - b.order).map((entry) => entry.value);
}

interface Entry<T> {
  readonly order: number;
  readonly value: T;
}

function push<T>(map: Map<string, Entry<T>[]>, key: string, entry: Entry<T>): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

/** `a/b/c` → `a`, `a/b`. */
function ancestors(path: string): string[] {
  const found: string[] = [];
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) found.push(path.slice(0, slash));
  return found;
}
