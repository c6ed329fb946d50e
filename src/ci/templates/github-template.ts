/** `.github/workflows/sluice.yml`: GitHub Actions. */
import { ciCommand, DATA_PATHS, installCommands, NIGHTLY_CRON, REPORT_FILE, type ProjectFacts } from './project-facts.js';

function block(lines: readonly string[], indent: string): string {
  return lines.map((line) => `${indent}${line}`).join('\n');
}

/** The workflow: checkout, Node (and Python), caches, install, `sluice ci`, the report as an artifact. */
export function githubWorkflow(facts: ProjectFacts): string {
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
          cache: pip`
    : '';
  return `# The CI/CD flow of this repository: \`sluice ci\` checks the data, runs the tests and the
# pipeline, gates the candidate model against production and registers it, then writes
# ${REPORT_FILE} and posts it on the pull request with the commit status sluice/gate.
# Written by \`sluice ci init --provider github\` (Sluice ${facts.sluice.version}); edit freely.
name: sluice

on:
  pull_request:
  # Pushes that change the data or the pipeline, on any branch. Add your code's folders here to
  # run on every code push too.
  push:
    paths:
${block(DATA_PATHS.map((path) => `- '${path}'`), '      ')}
  # Nightly, to catch drift and new upstream data.
  schedule:
    - cron: '${NIGHTLY_CRON}'
  workflow_dispatch:

permissions:
  contents: read
  pull-requests: write
  statuses: write

concurrency:
  group: sluice-\${{ github.ref }}
  cancel-in-progress: true

jobs:
  sluice:
    runs-on: ubuntu-latest
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20${facts.npmLockfile ? '\n          cache: npm' : ''}${python}${npmCache}
      - name: Cache Sluice's objects
        uses: actions/cache@v4
        with:
          path: .sluice/cache
          key: sluice-\${{ runner.os }}-\${{ hashFiles('sluice.lock', '**/*.sluice') }}
          restore-keys: |
            sluice-\${{ runner.os }}-
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
          name: sluice-report
          path: ${REPORT_FILE}
          if-no-files-found: warn
`;
}
