/**
 * `bench:tracking`'s remote-client row (issue 17): `sluice run --force` of the example pipeline in
 * a clone recording to the checkout's own SQLite database, against the same run recording to a
 * team server (`sluice server`, standalone, SQLite, on this machine) through SLUICE_SERVER_URL.
 * Every stage's run, params, metrics, inputs and outputs then cross HTTP; the difference is what
 * a team server costs a pipeline run. Each side runs twice (median); the clones are separate.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSluiceServer } from '../test/support/serve.js';
import { formatRatio, git, median, REPO_ROOT, SLUICE_BIN, timeSuccess, withTempDir } from './support.js';

const REPEATS = 2;

function cloneExample(dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(join(REPO_ROOT, 'examples', 'pipeline'), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'example');
  return dir;
}

function timeRuns(cwd: string, env: NodeJS.ProcessEnv): number {
  const seconds: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    seconds.push(timeSuccess(process.execPath, [SLUICE_BIN, 'run', '--force'], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } }).seconds);
  }
  return median(seconds);
}

/** The two rows: the local database, then the team server with its ratio to local. */
export async function remoteClientRows(): Promise<string[][]> {
  return withTempDir('sluice-bench-remote-', async (dir) => {
    const local = timeRuns(cloneExample(join(dir, 'local', 'project')), { SLUICE_SERVER_URL: '' });
    mkdirSync(join(dir, 'server'));
    const server = await startSluiceServer(join(dir, 'server'), ['--quiet']);
    try {
      const remote = timeRuns(cloneExample(join(dir, 'remote', 'project')), { SLUICE_SERVER_URL: server.url, SLUICE_TOKEN: '' });
      return [
        ['SQLite (this checkout)', 'sluice run --force of the example pipeline', '', `${local.toFixed(2)} s`, '', '', ''],
        ['team server (HTTP)', 'the same run recorded to `sluice server`', '', `${remote.toFixed(2)} s`, '', '', `${formatRatio(remote / local)} of local`],
      ];
    } finally {
      await server.stop();
    }
  });
}
