/** `.github/workflows/sluice.yml`: GitHub Actions. */
import { ciCommand, dataPaths, folderSlug, fromRoot, installCommands, NIGHTLY_CRON, REPORT_FILE, type ProjectFacts } from './project-facts.js';

function block(lines: readonly string[], indent: string): string {
  return lines.map((line) => `${indent}${line}`).join('\n');
}

/** The parts that depend on the project's facts: its folder, its lockfiles, Python. */
function fragments(facts: ProjectFacts): { npmCache: string; python: string; nodeCache: string; workingDirectory: string } {
  const inFolder = facts.folder !== '';
  const npmCache = facts.npmLockfile
    ? ''
    : `
      - name: Cache npm's downloads
        uses: actions/cache@v4
        with:
          path: ~/.npm
          key: npm-\${{ runner.os }}-${facts.sluice.name}-${facts.sluice.version}`;
  const python = facts.pythonRequirements
    ? `
      - uses: actions/setup-python@v5
        with:
          python-version: '3.12'
          cache: pip${inFolder ? `\n          cache-dependency-path: ${fromRoot(facts, 'requirements.txt')}` : ''}`
    : '';
  const nodeCache = facts.npmLockfile ? `\n          cache: npm${inFolder ? `\n          cache-dependency-path: ${fromRoot(facts, 'package-lock.json')}` : ''}` : '';
  const workingDirectory = inFolder ? `\n    defaults:\n      run:\n        working-directory: ${facts.folder}` : '';
  return { npmCache, python, nodeCache, workingDirectory };
}

/**
 * The workflow: checkout, Node (and Python), caches, install, `sluice ci`, the report as an
 * artifact. For a project in a folder, `run` steps start there (defaults.run.working-directory)
 * and the actions' paths, which GitHub resolves from the repository root, name the folder.
 */
export function githubWorkflow(facts: ProjectFacts): string {
  const slug = folderSlug(facts);
  const { npmCache, python, nodeCache, workingDirectory } = fragments(facts);
  return `# The CI/CD flow of this repository: \`sluice ci\` checks the data, runs the tests and the
# pipeline, gates the candidate model against production and registers it, then writes
# ${REPORT_FILE} and posts it on the pull request with the commit status sluice/gate${facts.folder === '' ? '' : ` (${facts.folder})`}.
# Written by \`sluice ci init --provider github\` (Sluice ${facts.sluice.version}); edit freely.
name: ${facts.folder === '' ? 'sluice' : `sluice ${facts.folder}`}

on:
  pull_request:
  # Pushes that change the data or the pipeline, on any branch. Add your code's folders here to
  # run on every code push too.
  push:
    paths:
${block(dataPaths(facts).map((path) => `- '${path}'`), '      ')}
  # Nightly, to catch drift and new upstream data.
  schedule:
    - cron: '${NIGHTLY_CRON}'
  workflow_dispatch:

permissions:
  contents: read
  pull-requests: write
  statuses: write

concurrency:
  group: sluice-${slug === '' ? '' : `${slug}-`}\${{ github.ref }}
  cancel-in-progress: true

jobs:
  sluice:
    runs-on: ubuntu-latest
    timeout-minutes: 60${workingDirectory}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20${nodeCache}${python}${npmCache}
      - name: Cache Sluice's objects
        uses: actions/cache@v4
        with:
          path: ${fromRoot(facts, '.sluice/cache')}
          key: sluice-${slug === '' ? '' : `${slug}-`}\${{ runner.os }}-\${{ hashFiles('${fromRoot(facts, 'sluice.lock')}', '${fromRoot(facts, '**/*.sluice')}') }}
          restore-keys: |
            sluice-${slug === '' ? '' : `${slug}-`}\${{ runner.os }}-
      - name: Install
        run: |
${block(installCommands(facts), '          ')}
      - name: sluice ci
        run: ${ciCommand(facts)}
        env:
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
          # The team's Sluice server, where the production model and its registry live between
          # jobs (without one, each job starts from the repository's own state):
          # SLUICE_SERVER_URL: \${{ vars.SLUICE_SERVER_URL }}
          # SLUICE_TOKEN: \${{ secrets.SLUICE_TOKEN }}
          # The data remote's credentials, when it is on S3:
          # AWS_ACCESS_KEY_ID: \${{ secrets.AWS_ACCESS_KEY_ID }}
          # AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
      - name: Keep the report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: sluice-report${slug === '' ? '' : `-${slug}`}
          path: ${fromRoot(facts, REPORT_FILE)}
          if-no-files-found: warn
`;
}
