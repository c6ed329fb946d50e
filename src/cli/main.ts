/**
 * Entry point of the `sluice` binary. `--version`, and `status` while its snapshot holds, are
 * answered before anything else is loaded, so that they start in a few tens of milliseconds.
 */
import { existsSync, readFileSync } from 'node:fs';

/** Sluice's own package.json is above this file: two levels up from the bundle (dist/bundle/), three from tsc output (dist/src/cli/). */
function readVersion(): string {
  for (const candidate of ['../../package.json', '../../../package.json']) {
    const url = new URL(candidate, import.meta.url);
    if (!existsSync(url)) continue;
    const manifest = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'sluice' && manifest.version) return manifest.version;
  }
  return 'unknown';
}

/**
 * The fast path of `sluice status`, imported by URL: the CLI bundle then leaves it to its own
 * single-file bundle (scripts/bundle-cli.mjs) instead of splitting it into shared chunks.
 */
async function importStatusFastPath(): Promise<typeof import('./status-fast-path.js')> {
  return (await import(new URL('./status-fast-path.js', import.meta.url).href)) as typeof import('./status-fast-path.js');
}

// `sluice … | head` closes the pipe early: that is the reader's choice, not an error to report.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${readVersion()}\n`);
} else if (argv[0] === 'status' && (await importStatusFastPath()).answerStatusFromSnapshot(argv)) {
  // Answered from the status snapshot (a warm no-op status is then one walk of the data).
} else {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(argv, readVersion());
}
