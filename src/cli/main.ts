/**
 * Entry point of the `sluice` binary. `--version` is answered before anything else is loaded,
 * so that it starts in a few tens of milliseconds.
 */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${readVersion()}\n`);
} else {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(argv, readVersion());
}
