/**
 * What the templates need to know about the user's repository: how Sluice gets installed in CI
 * (the project's own `npm ci` when its package.json lists Sluice and a package-lock.json pins it,
 * else a global install of the running version), whether the pipeline needs Python, and the
 * project's folder in its repository (a monorepo's `ml/`): CI systems read their pipeline file at
 * the repository root and start there, so a template for a folder runs its commands in it and
 * names its files (caches, the report, the paths that trigger it) from the root.
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
  /** The project's folder in its git repository, without a trailing slash ('' at the root). */
  readonly folder: string;
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

/** Reads the facts of the project at `root`, which is `folder` of its repository ('' at its root). */
export function readProjectFacts(root: string, sluice: SluicePackage, branch = 'main', folder = ''): ProjectFacts {
  const npmLockfile = existsSync(join(root, 'package-lock.json'));
  return {
    sluice,
    npmLockfile,
    sluiceInProject: npmLockfile && listsPackage(root, sluice.name),
    pythonRequirements: existsSync(join(root, 'requirements.txt')),
    branch,
    folder,
  };
}

/** `path` of the project, as the repository root names it (`ml/sluice.lock`). */
export function fromRoot(facts: ProjectFacts, path: string): string {
  return facts.folder === '' ? path : `${facts.folder}/${path}`;
}

/** The project's folder as one name for a job or a file (`ml/models` → `ml-models`), '' at the root. */
export function folderSlug(facts: Pick<ProjectFacts, 'folder'>): string {
  return facts.folder.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** {@link DATA_PATHS} as the repository root names them. */
export function dataPaths(facts: ProjectFacts): string[] {
  return DATA_PATHS.map((path) => fromRoot(facts, path));
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
