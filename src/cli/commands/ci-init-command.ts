/**
 * `sluice ci init --provider github|gitlab|jenkins|circleci [--force]`: writes the CI system's
 * pipeline file, which installs Sluice and runs `sluice ci`; the work is `writeCiTemplate` in src/ci/.
 */
import { z } from 'zod';
import { CI_TEMPLATE_PROVIDERS, writeCiTemplate, type WrittenTemplate } from '../../ci/index.js';
import { currentBranch, readGitFolder, readGitTopLevel, remoteDefaultBranch } from '../../core/index.js';
import { locateWorkspaceRoot } from '../../workspace/index.js';
import { parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';

const ciInitOptionsSchema = z.object({
  provider: z.enum(CI_TEMPLATE_PROVIDERS, { error: `must be ${CI_TEMPLATE_PROVIDERS.join(', ')}` }),
  force: z.boolean().default(false),
});

/** What to do after the file is written, per CI system. */
const NEXT_STEPS: Readonly<Record<(typeof CI_TEMPLATE_PROVIDERS)[number], string>> = {
  github: 'Commit it; the job posts the report on pull requests with the workflow\'s GITHUB_TOKEN (permissions are set in the file).',
  gitlab: 'Commit it, add a masked CI/CD variable SLUICE_GITLAB_TOKEN (a token with the `api` scope) for the merge-request note and status, and a pipeline schedule for the nightly run.',
  jenkins: 'Commit it and point a Pipeline (or Multibranch Pipeline) job at it; the agent needs Node.js 20 or later.',
  circleci: 'Commit it and follow the project on CircleCI; the nightly workflow runs on the default branch.',
};

function describe(written: WrittenTemplate, provider: (typeof CI_TEMPLATE_PROVIDERS)[number]): string {
  const install = written.facts.sluiceInProject ? 'npm ci (the project pins Sluice)' : `${written.facts.sluice.name}@${written.facts.sluice.version} installed by the job`;
  const registry = written.facts.sluiceInProject ? '' : `The job installs ${written.facts.sluice.name}@${written.facts.sluice.version} from the npm registry; if your team installs Sluice another way (a git URL, a tarball), add it to package.json and the job runs npm ci instead.\n`;
  const where = written.facts.folder === '' ? '' : ` in ${written.facts.folder}`;
  return `${written.replaced ? 'Replaced' : 'Wrote'} ${written.path} at the repository root: runs \`sluice ci\`${where} with ${install}.\n${NEXT_STEPS[provider]}\n${registry}`;
}

/** Runs `sluice ci init` in the workspace around `cwd` (or `cwd` itself when there is none yet). */
export async function ciInitCommand(rawOptions: unknown, version: string, output: CliOutput, cwd: string = process.cwd()): Promise<number> {
  const options = parseOptions(ciInitOptionsSchema, rawOptions, 'ci init');
  const root = locateWorkspaceRoot(cwd) ?? cwd;
  // CI systems read their pipeline at the repository root: a project in a folder of it (a
  // monorepo's ml/) gets a pipeline there whose commands run in the folder.
  const folder = await readGitFolder(root);
  const repositoryRoot = folder === '' ? root : await readGitTopLevel(root);
  const written = writeCiTemplate({ root, folder, repositoryRoot, provider: options.provider, force: options.force, sluice: { name: 'sluice', version }, branch: await defaultBranch(root) });
  output.stdout.write(describe(written, options.provider));
  return 0;
}

/** The branch nightly runs and pushes follow: the remote's default branch, else the one checked out, else main. */
async function defaultBranch(root: string): Promise<string> {
  return (await remoteDefaultBranch(root)) ?? (await currentBranch(root)) ?? 'main';
}
