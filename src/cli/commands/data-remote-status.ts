/** `sluice data status --remote [NAME]`: tracked data against the cache, a remote and the git upstream. */
import { openRemote, remoteDataStatus, type DataWorkspace, type RemoteDataStatus, type RemoteStatusReport } from '../../data-versioning/index.js';
import { renderTable } from '../format/table.js';
import { printJson, type CliOutput } from '../output.js';

const WORKING_COPY: Record<RemoteDataStatus['state'], string> = {
  unchanged: 'as tracked',
  'not-in-cache': 'as tracked',
  modified: 'modified',
  'not-checked-out': 'another version',
  missing: 'missing',
};

const short = (hash: string | null) => (hash === null ? 'no pointer' : `${hash.slice(0, 'blake3:'.length + 8)}…`);

function rows(report: RemoteStatusReport): string[][] {
  return report.pointers.map((status) => [
    status.target,
    WORKING_COPY[status.state],
    status.inCache ? 'yes' : 'no',
    status.onRemote ? 'yes' : 'no',
    ...(report.upstream === undefined ? [] : [status.upstreamHash === undefined ? 'same' : `changed: ${short(status.upstreamHash)}`]),
  ]);
}

/** What to do next, one line per kind of difference, naming the paths. */
function advice(report: RemoteStatusReport): string[] {
  const paths = (select: (status: RemoteDataStatus) => boolean) => report.pointers.filter(select).map((status) => status.target);
  const remote = report.remote.name;
  const lines: [string[], string][] = [
    [paths((status) => status.state === 'modified'), 'changed in the working copy, in no version yet: `sluice data add` records them'],
    // Without the tracked version in the cache, the lines on pulling say what to do.
    [paths((status) => status.state === 'not-checked-out' && status.inCache), 'another version in the working copy than the pointer names: `sluice data checkout` restores the tracked one'],
    [paths((status) => status.sync === 'not-pushed'), `in the cache, not on ${remote}: \`sluice data push -r ${remote}\` sends them`],
    [paths((status) => status.sync === 'not-pulled'), `on ${remote}, not in the cache: \`sluice data pull -r ${remote}\` fetches them`],
    [paths((status) => status.sync === 'nowhere' && status.state === 'not-in-cache'), 'in the working copy only (not in the cache): `sluice data add` stores them again, then push'],
    [paths((status) => status.sync === 'nowhere' && status.state !== 'not-in-cache'), `in neither the cache nor ${remote}: push them from the machine that added them`],
    [paths((status) => status.upstreamHash !== undefined), `${report.upstream} names another version: \`git pull\`, then \`sluice data pull\``],
    [report.onlyUpstream.map((entry) => entry.pointerFile), `tracked on ${report.upstream} only: \`git pull\`, then \`sluice data pull\``],
  ];
  return lines.filter(([list]) => list.length > 0).map(([list, text]) => `${list.length} ${text}: ${list.join(', ')}`);
}

/** Prints the report (table and advice, or `--json`); exit code 0 whatever differs. */
export async function dataRemoteStatusCommand(data: DataWorkspace, name: string | undefined, targets: readonly string[], json: boolean, output: CliOutput): Promise<number> {
  const { remote, storage } = await openRemote(data.workspace, name);
  try {
    const report = await remoteDataStatus(data, { name: remote.name, storage }, targets);
    if (json) {
      printJson(output, report);
      return 0;
    }
    if (report.pointers.length === 0 && report.onlyUpstream.length === 0) {
      output.stdout.write('No data is tracked. Track a file or directory with `sluice data add PATH`.\n');
      return 0;
    }
    const headers = ['Path', 'Working copy', 'Cache', `Remote ${remote.name}`, ...(report.upstream === undefined ? [] : [`Upstream ${report.upstream}`])];
    output.stdout.write(renderTable(headers, rows(report)));
    const next = advice(report);
    output.stdout.write(next.length === 0 ? `\nEverything tracked is in the working copy, the cache and ${remote.name} (${storage.url}).\n` : `\n${next.join('\n')}\n`);
    if (report.upstream === undefined) output.stdout.write('(No upstream branch: pointers were not compared with one.)\n');
    return 0;
  } finally {
    (storage as { destroy?: () => void }).destroy?.();
  }
}
