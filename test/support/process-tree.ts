/**
 * Killing a process with everything it started, as a crash or `kill -9` of a whole session
 * would: the root is frozen first (SIGSTOP) so it cannot start anything new, then every
 * descendant's process group and the root itself get SIGKILL. Linux only (/proc).
 */
import { readdirSync, readFileSync } from 'node:fs';

interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
}

function readProcesses(): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name (field 2) may contain spaces; the fields after it are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      processes.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]) });
    } catch {
      // The process ended while we were reading.
    }
  }
  return processes;
}

/** All processes below `root`. */
export function descendantsOf(root: number): ProcessInfo[] {
  const processes = readProcesses();
  const found: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const child of processes.filter((process) => process.ppid === parent)) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // Already gone.
  }
}

/** SIGKILLs `root` and its whole tree, including process groups its children created. */
export function killTree(root: number): void {
  signal(root, 'SIGSTOP');
  const descendants = descendantsOf(root);
  const ownGroup = readProcesses().find((info) => info.pid === process.pid)?.pgid;
  for (const pgid of new Set(descendants.map((info) => info.pgid))) if (pgid > 1 && pgid !== ownGroup) signal(-pgid, 'SIGKILL');
  for (const descendant of descendants) signal(descendant.pid, 'SIGKILL');
  signal(root, 'SIGKILL');
}

/** Whether a process exists (and is not a zombie). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
