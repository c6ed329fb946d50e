/**
 * What the templates need to know about the user's repository: how Sluice gets installed in CI
 * (the project's own `npm ci` when its package.json lists Sluice and a package-lock.json pins it,
 * else a global install of the running version) and whether the pipeline needs Python.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Sluice's own npm package, as its package.json names it. */
export interface SluicePackage {
  readonly name: string;
  readonly version: string;
}

export interface ProjectFacts {
  readonly sluice: SluicePackage;
  /** package-lock.json exists: `npm ci` installs the project's packages (and caches npm's). */
  readonly npmLockfile: boolean;
  /** The project's package.json lists Sluice (so `npm ci` installs it and `npx sluice` runs it). */
  readonly sluiceInProject: boolean;
  /** requirements.txt exists: the pipeline's stages need Python packages. */
  readonly pythonRequirements: boolean;
  /** The branch pushes to which always run (the default branch). */
  readonly branch: string;
}

const manifestSchema = z.looseObject({
  dependencies: z.record(z.string(), z.unknown()).optional(),
  devDependencies: z.record(z.string(), z.unknown()).optional(),
});

function listsPackage(root: string, name: string): boolean {
  const path = join(root, 'package.json');
  if (!existsSync(path)) return false;
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return false; // A broken package.json is the project's own business; the template then installs Sluice globally.
  }
  const parsed = manifestSchema.safeParse(manifest);
  return parsed.success && (parsed.data.dependencies?.[name] !== undefined || parsed.data.devDependencies?.[name] !== undefined);
}

/** Reads the facts of the repository at `root`. */
export function readProjectFacts(root: string, sluice: SluicePackage, branch = 'main'): ProjectFacts {
  const npmLockfile = existsSync(join(root, 'package-lock.json'));
  return {
    sluice,
    npmLockfile,
    sluiceInProject: npmLockfile && listsPackage(root, sluice.name),
    pythonRequirements: existsSync(join(root, 'requirements.txt')),
    branch,
  };
}

/** The shell commands that install what the job needs, in order. */
export function installCommands(facts: ProjectFacts): string[] {
  const commands: string[] = [];
  if (facts.npmLockfile) commands.push('npm ci');
  if (!facts.sluiceInProject) commands.push(`npm install --global ${facts.sluice.name}${facts.sluice.version === 'unknown' ? '' : `@${facts.sluice.version}`}`);
  if (facts.pythonRequirements) commands.push('python3 -m pip install -r requirements.txt');
  return commands;
}

/** How the job calls Sluice: through npx when the project installs it, else the global command. */
export function sluiceCommand(facts: ProjectFacts): string {
  return facts.sluiceInProject ? 'npx sluice' : 'sluice';
}

/** The command every template runs. */
export function ciCommand(facts: ProjectFacts): string {
  return `${sluiceCommand(facts)} ci --report ${REPORT_FILE} --post auto`;
}

/** The report file the job writes and keeps as an artifact. */
export const REPORT_FILE = 'sluice-report.md';

/** The files whose change means the data or the pipeline changed. */
export const DATA_PATHS = ['**/*.sluice', 'sluice.yaml', 'params.yaml', 'sluice.lock'] as const;

/** Nightly, at 03:00 UTC. */
export const NIGHTLY_CRON = '0 3 * * *';
